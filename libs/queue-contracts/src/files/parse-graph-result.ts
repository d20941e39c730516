import { type GraphCluster, type GraphEdge, type GraphNode, type GraphResult, type GraphSubcluster } from './graph-result.types';
import { ObjectReader } from './object-reader';
import { ProblemList } from './problem-list';

export type GraphResultParseResult = { ok: true; graph: GraphResult } | { ok: false; problems: string[] };

/** Node id -> cluster id, for reference checks and for is_intra_cluster when it is absent. */
type ClusterOf = ReadonlyMap<number, string>;

/**
 * Checks the AI graph file and normalizes it to camelCase. Tolerates both AI
 * generations: `num_sections` or `num_messages`, `timestamp` or
 * `update_time`/`create_time` (ISO or Unix seconds). Edges and subclusters must
 * point at node ids of the same file.
 */
export function parseGraphResult(value: unknown): GraphResultParseResult {
  const problems = new ProblemList();
  const root = ObjectReader.read(value, '', problems);
  if (!root) return { ok: false, problems: problems.toArray() };
  const nodes = root.objectArray('nodes').map(readNode);
  const clusterOf = indexNodes(root, nodes);
  const edges = root.objectArray('edges').map((edge) => readEdge(edge, clusterOf));
  const subclusters = root.objectArray('subclusters', { optional: true }).map((item) => readSubcluster(item, clusterOf));
  const metadata = root.object('metadata');
  const clusters = metadata?.has('clusters') ? metadata.object('clusters') : undefined;
  const graph: GraphResult = {
    nodes,
    edges,
    subclusters,
    clusters: clusters ? clusters.objectEntries().map(([id, cluster]) => readCluster(id, cluster)) : [],
    metadata: metadata ? { ...metadata.raw } : {},
    generatedAt: metadata ? metadata.timestamp('generated_at') : null,
  };
  return problems.isEmpty ? { ok: true, graph } : { ok: false, problems: problems.toArray() };
}

function indexNodes(root: ObjectReader, nodes: GraphNode[]): ClusterOf {
  const clusterOf = new Map<number, string>();
  for (const node of nodes) {
    if (clusterOf.has(node.id)) root.problem('nodes', `has the id ${node.id} more than once`);
    clusterOf.set(node.id, node.clusterId);
  }
  return clusterOf;
}

function readNode(node: ObjectReader): GraphNode {
  return {
    id: node.integer('id'),
    origId: node.string('orig_id'),
    clusterId: node.string('cluster_id'),
    clusterName: node.string('cluster_name'),
    clusterConfidence: node.nullableNumber('cluster_confidence'),
    keywords: node.objectArray('keywords', { optional: true }).map((keyword) => ({ term: keyword.string('term'), score: keyword.number('score') })),
    topKeywords: node.stringArray('top_keywords', { optional: true }),
    // Older files: update_time (else create_time) instead of timestamp.
    timestamp: node.timestamp('timestamp') ?? node.timestamp('update_time') ?? node.timestamp('create_time'),
    numSections: readNumSections(node),
    sourceType: node.has('source_type') ? node.string('source_type') : 'chat',
  };
}

function readNumSections(node: ObjectReader): number {
  if (node.has('num_sections')) return node.integer('num_sections');
  if (node.has('num_messages')) return node.integer('num_messages');
  node.problem('num_sections', 'is required (or the older num_messages)');
  return 0;
}

function readEdge(edge: ObjectReader, clusterOf: ClusterOf): GraphEdge {
  const source = readNodeRef(edge, 'source', clusterOf);
  const target = readNodeRef(edge, 'target', clusterOf);
  return {
    source,
    target,
    weight: edge.number('weight'),
    type: edge.string('type'),
    isIntraCluster: edge.has('is_intra_cluster') ? edge.boolean('is_intra_cluster') : clusterOf.get(source) === clusterOf.get(target),
    confidence: edge.nullableString('confidence'),
  };
}

function readSubcluster(subcluster: ObjectReader, clusterOf: ClusterOf): GraphSubcluster {
  const nodeIds = subcluster.integerArray('node_ids');
  const unknown = nodeIds.filter((id) => !clusterOf.has(id));
  if (unknown.length > 0) subcluster.problem('node_ids', `contains ids that are not node ids: ${unknown.join(', ')}`);
  return {
    id: subcluster.string('id'),
    clusterId: subcluster.string('cluster_id'),
    nodeIds,
    representativeNodeId: readNodeRef(subcluster, 'representative_node_id', clusterOf),
    size: subcluster.integer('size'),
    density: subcluster.number('density'),
    topKeywords: subcluster.stringArray('top_keywords', { optional: true }),
  };
}

function readNodeRef(reader: ObjectReader, key: string, clusterOf: ClusterOf): number {
  const id = reader.integer(key);
  if (reader.has(key) && Number.isInteger(reader.raw[key]) && !clusterOf.has(id)) reader.problem(key, `${id} is not a node id`);
  return id;
}

function readCluster(id: string, cluster: ObjectReader): GraphCluster {
  return {
    id,
    name: cluster.string('name'),
    description: cluster.nullableString('description') ?? '',
    size: cluster.integer('size'),
    keyThemes: cluster.stringArray('key_themes', { optional: true }),
  };
}
