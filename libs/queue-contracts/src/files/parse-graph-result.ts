import { normalizeFileTimestamp } from './file-timestamp';
import { asCount, asNumber, asObject, asReal, asText, cleanText, type JsonObject, optional, readTerms, required } from './file-values';
import { type ClusterOf, readEdges, readSubclusters } from './graph-links';
import { type ClusterEntry, completeClusters, readMetadata } from './graph-metadata';
import { type GraphKeyword, type GraphNode, type GraphResult } from './graph-result.types';
import { ProblemList } from './problem-list';
import { type SkippedParts, SkippedPartsCounter } from './skipped-parts';

export type GraphResultParseResult = { ok: true; graph: GraphResult; skipped: SkippedParts } | { ok: false; problems: string[] };

/**
 * Reads the AI graph file of any pipeline version into camelCase. Only the
 * core must be readable: the `nodes` array, each node an object with an id
 * (an integer from 0 to 2^31-1, unique; ids are kept as the AI gave them,
 * from 0 or from 1); anything else refuses the file with its problems.
 * Every other part that cannot be read is skipped, or stored as its default,
 * and counted in `skipped` (skipped-parts.ts): edges without integer ends or
 * weight, edges and subclusters that point at missing nodes, repeated
 * subcluster and cluster ids, blocks of an unknown shape, keywords of the
 * wrong type, unreadable fields. Accepted drift: `num_sections` or
 * `num_messages`; `timestamp` or `update_time`/`create_time` (ISO or Unix
 * seconds); no `subclusters`, `source_type` ("chat") or `is_intra_cluster`
 * (from the clusters); keywords as `{term, score}`, `[term, score]`, plain
 * strings (score 0) or a `{term: score}` map; metadata clusters keyed by id or
 * as an array (readMetadata), and clusters the nodes use but metadata does
 * not describe are derived from the nodes.
 */
export function parseGraphResult(value: unknown): GraphResultParseResult {
  const root = asObject(value);
  if (!root) return { ok: false, problems: ['the file must be an object'] };
  if (!Array.isArray(root.nodes)) return { ok: false, problems: [root.nodes == null ? 'nodes is required' : 'nodes must be an array'] };
  const skipped = new SkippedPartsCounter();
  const metadata = readMetadata(root.metadata, skipped);
  const nodes = readNodes(root.nodes, metadata.clusters, skipped);
  if (!nodes.ok) return nodes;
  const clusterOf: ClusterOf = new Map(nodes.nodes.map((node) => [node.id, node.clusterId]));
  const graph: GraphResult = {
    nodes: nodes.nodes,
    edges: readEdges(root.edges, clusterOf, skipped),
    subclusters: readSubclusters(root.subclusters, clusterOf, skipped),
    clusters: completeClusters(metadata.clusters, nodes.nodes),
    metadata: metadata.raw,
    generatedAt: metadata.generatedAt,
  };
  return { ok: true, graph, skipped: skipped.toParts() };
}

function readNodes(items: readonly unknown[], clusters: readonly ClusterEntry[], skipped: SkippedPartsCounter): { ok: true; nodes: GraphNode[] } | { ok: false; problems: string[] } {
  const problems = new ProblemList();
  const names = new Map(clusters.flatMap((cluster) => (cluster.name === undefined ? [] : [[cluster.id, cluster.name] as const])));
  const seen = new Set<number>();
  const nodes: GraphNode[] = [];
  for (const [index, item] of items.entries()) {
    const node = asObject(item);
    const id = node && asCount(node.id);
    if (!node) problems.add(`nodes[${index}]`, 'must be an object');
    else if (id === undefined) problems.add(`nodes[${index}].id`, node.id == null ? 'is required' : 'must be an integer from 0 to 2147483647');
    else if (seen.has(id)) problems.add('nodes', `has the id ${id} more than once`);
    else {
      seen.add(id);
      nodes.push(readNode(id, node, names, skipped));
    }
  }
  return problems.isEmpty ? { ok: true, nodes } : { ok: false, problems: problems.toArray() };
}

function readNode(id: number, node: JsonObject, clusterNames: ReadonlyMap<string, string>, skipped: SkippedPartsCounter): GraphNode {
  const clusterId = required(node.cluster_id, asText, '', skipped);
  return {
    id,
    origId: required(node.orig_id, asText, '', skipped),
    clusterId,
    clusterName: optional(node.cluster_name, asText, clusterNames.get(clusterId) ?? clusterId, skipped),
    clusterConfidence: optional(node.cluster_confidence, asReal, null, skipped),
    keywords: readKeywords(node.keywords, skipped),
    topKeywords: readTerms(node.top_keywords, skipped),
    timestamp: readTimestamp(node, skipped),
    // Older versions: num_messages.
    numSections: required(node.num_sections ?? node.num_messages, asCount, 0, skipped),
    sourceType: optional(node.source_type, asText, 'chat', skipped),
  };
}

/** `timestamp`, else (older versions) `update_time`, else `create_time`; null when none is set. */
function readTimestamp(node: JsonObject, skipped: SkippedPartsCounter): string | null {
  for (const key of ['timestamp', 'update_time', 'create_time']) {
    const timestamp = optional(node[key], normalizeFileTimestamp, null, skipped);
    if (timestamp !== null) return timestamp;
  }
  return null;
}

function readKeywords(value: unknown, skipped: SkippedPartsCounter): GraphKeyword[] {
  if (value === undefined || value === null) return [];
  const map = asObject(value);
  const items: unknown[] | undefined = Array.isArray(value) ? value : map && Object.entries(map);
  if (!items) {
    skipped.add('fields');
    return [];
  }
  const keywords: GraphKeyword[] = [];
  for (const item of items) {
    const keyword = readKeyword(item);
    if (keyword) keywords.push(keyword);
    else skipped.add('keywords');
  }
  return keywords;
}

/** `{term, score}`, `[term, score]` (a Python tuple), or a plain term (score 0: the schema's keyword always has one). */
function readKeyword(item: unknown): GraphKeyword | undefined {
  if (typeof item === 'string') return { term: cleanText(item), score: 0 };
  const pair: readonly unknown[] = Array.isArray(item) ? item : [asObject(item)?.term, asObject(item)?.score];
  const [term, score] = pair;
  if (typeof term !== 'string') return undefined;
  const number = score === undefined || score === null ? 0 : asNumber(score);
  return number === undefined ? undefined : { term: cleanText(term), score: number };
}
