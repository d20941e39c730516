import { type AddNodeAssignedCluster, type AddNodeEdge, type AddNodeItemResult, type AddNodeNode, type AddNodeResult } from './add-node-result.types';
import { normalizeFileTimestamp } from './file-timestamp';
import { asBoolean, asCount, asNumber, asObject, asReal, asText, cleanText, type JsonObject, optional, readTerms, required } from './file-values';
import { type SkippedParts, SkippedPartsCounter } from './skipped-parts';

export type AddNodeResultParseResult = { ok: true; result: AddNodeResult; skipped: SkippedParts } | { ok: false; problems: string[] };

/**
 * Reads the AI add-node result file (camelCase). Only the `results` array is
 * core. An item whose nodes cannot be read (no array, a node without a
 * batch-local string id) becomes a failed item, as if the AI had reported an
 * error for it: it adds nothing and its source stays pending. Everything else
 * that cannot be read is skipped, or stored as its default, and counted in
 * `skipped` (skipped-parts.ts): items that are not objects, edges without two
 * ends (a batch-local string or a stored node's integer id) or a weight,
 * unreadable `assignedCluster`s, themes of the wrong type, unreadable fields.
 * Accepted drift: `numSections` or `numMessages` (or neither), no
 * `assignedCluster`, no `intraCluster`, `skipped`/`error` absent or null.
 */
export function parseAddNodeResult(value: unknown): AddNodeResultParseResult {
  const root = asObject(value);
  if (!root) return { ok: false, problems: ['the file must be an object'] };
  if (!Array.isArray(root.results)) return { ok: false, problems: [root.results == null ? 'results is required' : 'results must be an array'] };
  const skipped = new SkippedPartsCounter();
  const results = root.results.flatMap((item: unknown, index) => {
    const read = asObject(item) && readItem(item as JsonObject, index, skipped);
    if (!read) skipped.add('items');
    return read ? [read] : [];
  });
  const result: AddNodeResult = {
    userId: optional(root.userId, asText, '', skipped),
    processedCount: optional(root.processedCount, asCount, results.length, skipped),
    results,
  };
  return { ok: true, result, skipped: skipped.toParts() };
}

function readItem(item: JsonObject, index: number, skipped: SkippedPartsCounter): AddNodeItemResult {
  const conversationId = optional(item.conversationId, asText, null, skipped);
  const noteId = optional(item.noteId, asText, null, skipped);
  const assignedCluster = readAssignedCluster(item.assignedCluster, skipped);
  const nodes = readNodes(item.nodes, { origId: conversationId ?? noteId ?? '', assignedCluster }, skipped);
  return {
    conversationId,
    noteId,
    nodes: nodes.ok ? nodes.nodes : [],
    edges: readEdges(item.edges, `results[${index}].edges`, skipped),
    assignedCluster,
    skipped: optional(item.skipped, asBoolean, false, skipped),
    error: readError(item.error) ?? (nodes.ok ? null : `the result for this item could not be read: ${nodes.reason}`),
  };
}

/** The AI's error text; '' means none, and an error that is not text is still an error. */
function readError(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  return typeof value === 'string' ? cleanText(value) : 'the AI reported an error that is not text';
}

interface NodeDefaults {
  origId: string;
  assignedCluster: AddNodeAssignedCluster | null;
}

function readNodes(value: unknown, defaults: NodeDefaults, skipped: SkippedPartsCounter): { ok: true; nodes: AddNodeNode[] } | { ok: false; reason: string } {
  if (value === undefined || value === null) return { ok: true, nodes: [] };
  if (!Array.isArray(value)) return { ok: false, reason: 'nodes is not an array' };
  const nodes: AddNodeNode[] = [];
  for (const [index, item] of value.entries()) {
    const node = asObject(item);
    if (!node || typeof node.id !== 'string' || node.id === '') return { ok: false, reason: `nodes[${index}] has no batch-local string id` };
    nodes.push(readNode(node, node.id, defaults, skipped));
  }
  return { ok: true, nodes };
}

function readNode(node: JsonObject, id: string, { origId, assignedCluster }: NodeDefaults, skipped: SkippedPartsCounter): AddNodeNode {
  const clusterId = required(node.clusterId, asText, assignedCluster?.clusterId ?? '', skipped);
  return {
    id: cleanText(id),
    origId: required(node.origId, asText, origId, skipped),
    clusterId,
    clusterName: optional(node.clusterName, asText, (assignedCluster?.clusterId === clusterId ? assignedCluster.name : null) ?? clusterId, skipped),
    // Older versions: numMessages.
    numSections: optional(node.numSections ?? node.numMessages, asCount, null, skipped),
    timestamp: optional(node.timestamp, normalizeFileTimestamp, null, skipped),
  };
}

function readEdges(value: unknown, path: string, skipped: SkippedPartsCounter): AddNodeEdge[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    skipped.block(path);
    return [];
  }
  return value.flatMap((item: unknown) => {
    const edge = asObject(item);
    const source = edge && readNodeRef(edge.source);
    const target = edge && readNodeRef(edge.target);
    const weight = edge && asNumber(edge.weight);
    if (!edge || source === undefined || target === undefined || weight === undefined) {
      skipped.add('edges');
      return [];
    }
    return [{ source, target, weight, type: required(edge.type, asText, 'semantic', skipped), intraCluster: optional(edge.intraCluster, asBoolean, null, skipped) }];
  });
}

/** A batch-local string id, or the integer id of a node already in the stored graph. */
function readNodeRef(value: unknown): string | number | undefined {
  return typeof value === 'string' && value !== '' ? cleanText(value) : asCount(value);
}

function readAssignedCluster(value: unknown, skipped: SkippedPartsCounter): AddNodeAssignedCluster | null {
  if (value === undefined || value === null) return null;
  const cluster = asObject(value);
  const clusterId = cluster && asText(cluster.clusterId);
  if (!cluster || clusterId === undefined) {
    skipped.add('assignedClusters');
    return null;
  }
  return {
    clusterId,
    isNewCluster: optional(cluster.isNewCluster, asBoolean, false, skipped),
    confidence: optional(cluster.confidence, asReal, null, skipped),
    reasoning: optional(cluster.reasoning, asText, '', skipped),
    name: optional(cluster.name, asText, null, skipped),
    themes: readTerms(cluster.themes, skipped),
  };
}
