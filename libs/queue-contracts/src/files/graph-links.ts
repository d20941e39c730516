import { asBoolean, asCount, asNumber, asObject, asText, type JsonObject, optional, readTerms, required } from './file-values';
import { type GraphEdge, type GraphSubcluster } from './graph-result.types';
import { type SkippedPartsCounter } from './skipped-parts';

/** Node id -> cluster id of every node of the file. */
export type ClusterOf = ReadonlyMap<number, string>;

/** Edges of the file, in file order; one that cannot be read or points at a node the file does not have is skipped and counted. */
export function readEdges(value: unknown, clusterOf: ClusterOf, skipped: SkippedPartsCounter): GraphEdge[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    skipped.block('edges');
    return [];
  }
  const edges: GraphEdge[] = [];
  // A plain loop: tens of thousands of edges, no intermediate arrays.
  for (const item of value) {
    const edge = readEdge(item, clusterOf, skipped);
    if (edge) edges.push(edge);
  }
  return edges;
}

function readEdge(item: unknown, clusterOf: ClusterOf, skipped: SkippedPartsCounter): GraphEdge | undefined {
  const edge = asObject(item);
  const source = edge && asCount(edge.source);
  const target = edge && asCount(edge.target);
  const weight = edge && asNumber(edge.weight);
  if (!edge || source === undefined || target === undefined || weight === undefined) {
    skipped.add('edges');
    return undefined;
  }
  if (!clusterOf.has(source) || !clusterOf.has(target)) {
    skipped.add('danglingEdges');
    return undefined;
  }
  return {
    source,
    target,
    weight,
    type: required(edge.type, asText, 'semantic', skipped),
    // Older versions wrote no is_intra_cluster: it follows from the nodes' clusters.
    isIntraCluster: optional(edge.is_intra_cluster, asBoolean, clusterOf.get(source) === clusterOf.get(target), skipped),
    confidence: optional(edge.confidence, asText, null, skipped),
  };
}

/** Subclusters (absent in older versions); one that cannot be read, points at missing nodes or repeats an id is skipped and counted. */
export function readSubclusters(value: unknown, clusterOf: ClusterOf, skipped: SkippedPartsCounter): GraphSubcluster[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    skipped.block('subclusters');
    return [];
  }
  const seen = new Set<string>();
  const subclusters: GraphSubcluster[] = [];
  for (const item of value) {
    const subcluster = readSubcluster(asObject(item), clusterOf, seen, skipped);
    if (subcluster) {
      seen.add(subcluster.id);
      subclusters.push(subcluster);
    } else {
      skipped.add('subclusters');
    }
  }
  return subclusters;
}

function readSubcluster(subcluster: JsonObject | undefined, clusterOf: ClusterOf, seen: ReadonlySet<string>, skipped: SkippedPartsCounter): GraphSubcluster | undefined {
  const id = subcluster && asText(subcluster.id);
  const clusterId = subcluster && asText(subcluster.cluster_id);
  if (!subcluster || id === undefined || clusterId === undefined || seen.has(id)) return undefined;
  const nodeIds = readNodeIds(subcluster.node_ids, clusterOf);
  const representativeNodeId = asCount(subcluster.representative_node_id);
  if (!nodeIds || representativeNodeId === undefined || !clusterOf.has(representativeNodeId)) return undefined;
  return {
    id,
    clusterId,
    nodeIds,
    representativeNodeId,
    size: required(subcluster.size, asCount, nodeIds.length, skipped),
    density: required(subcluster.density, asNumber, 0, skipped),
    topKeywords: readTerms(subcluster.top_keywords, skipped),
  };
}

/** Node ids that are all node ids of the file, else undefined. */
function readNodeIds(value: unknown, clusterOf: ClusterOf): number[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const ids = value.map(asCount);
  return ids.every((id): id is number => id !== undefined && clusterOf.has(id)) ? ids : undefined;
}
