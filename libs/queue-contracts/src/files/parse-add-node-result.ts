import { type AddNodeAssignedCluster, type AddNodeEdge, type AddNodeItemResult, type AddNodeNode, type AddNodeResult } from './add-node-result.types';
import { ObjectReader } from './object-reader';
import { ProblemList } from './problem-list';

export type AddNodeResultParseResult = { ok: true; result: AddNodeResult } | { ok: false; problems: string[] };

/** Checks the AI add-node result file; accepts numSections or the older numMessages. */
export function parseAddNodeResult(value: unknown): AddNodeResultParseResult {
  const problems = new ProblemList();
  const root = ObjectReader.read(value, '', problems);
  if (!root) return { ok: false, problems: problems.toArray() };
  const result: AddNodeResult = {
    userId: root.string('userId'),
    processedCount: root.integer('processedCount'),
    results: root.objectArray('results').map(readItem),
  };
  return problems.isEmpty ? { ok: true, result } : { ok: false, problems: problems.toArray() };
}

function readItem(item: ObjectReader): AddNodeItemResult {
  const cluster = item.has('assignedCluster') ? item.object('assignedCluster') : undefined;
  return {
    conversationId: item.nullableString('conversationId'),
    noteId: item.nullableString('noteId'),
    nodes: item.objectArray('nodes', { optional: true }).map(readNode),
    edges: item.objectArray('edges', { optional: true }).map(readEdge),
    assignedCluster: cluster ? readAssignedCluster(cluster) : null,
    skipped: item.has('skipped') ? item.boolean('skipped') : false,
    error: item.nullableString('error'),
  };
}

function readNode(node: ObjectReader): AddNodeNode {
  const countKey = node.has('numSections') ? 'numSections' : 'numMessages';
  return {
    id: node.string('id'),
    origId: node.string('origId'),
    clusterId: node.string('clusterId'),
    clusterName: node.string('clusterName'),
    numSections: node.has(countKey) ? node.integer(countKey) : null,
    timestamp: node.timestamp('timestamp'),
  };
}

function readEdge(edge: ObjectReader): AddNodeEdge {
  return {
    source: readNodeRef(edge, 'source'),
    target: readNodeRef(edge, 'target'),
    weight: edge.number('weight'),
    type: edge.string('type'),
    intraCluster: edge.boolean('intraCluster'),
  };
}

function readNodeRef(edge: ObjectReader, key: string): string | number {
  const value = edge.raw[key];
  if (typeof value === 'string' || Number.isInteger(value)) return value as string | number;
  edge.problem(key, value == null ? 'is required' : 'must be a node id (string or integer)');
  return '';
}

function readAssignedCluster(cluster: ObjectReader): AddNodeAssignedCluster {
  return {
    clusterId: cluster.string('clusterId'),
    isNewCluster: cluster.boolean('isNewCluster'),
    confidence: cluster.number('confidence'),
    reasoning: cluster.nullableString('reasoning') ?? '',
    name: cluster.string('name'),
    themes: cluster.stringArray('themes', { optional: true }),
  };
}
