import { type GraphCluster, type GraphEdge, type GraphNode, type GraphResult, type GraphSubcluster } from './graph-result.types';

/**
 * Writes a graph back in the AI graph file format (snake_case), e.g. the stored
 * graph for GRAPH_SUMMARY_REQUEST. parseGraphResult(encodeGraphResult(g)) gives g
 * back (metadata aside: its totals, clusters and generated_at are rewritten).
 */
export function encodeGraphResult(graph: GraphResult): Record<string, unknown> {
  return {
    nodes: graph.nodes.map(encodeNode),
    edges: graph.edges.map(encodeEdge),
    subclusters: graph.subclusters.map(encodeSubcluster),
    metadata: {
      ...graph.metadata,
      generated_at: graph.generatedAt,
      total_nodes: graph.nodes.length,
      total_edges: graph.edges.length,
      total_clusters: graph.clusters.length,
      clusters: Object.fromEntries(graph.clusters.map((cluster) => [cluster.id, encodeCluster(cluster)])),
    },
  };
}

function encodeNode(node: GraphNode): Record<string, unknown> {
  return {
    id: node.id,
    orig_id: node.origId,
    cluster_id: node.clusterId,
    cluster_name: node.clusterName,
    ...(node.clusterConfidence === null ? {} : { cluster_confidence: node.clusterConfidence }),
    keywords: node.keywords.map(({ term, score }) => ({ term, score })),
    top_keywords: node.topKeywords,
    timestamp: node.timestamp,
    num_sections: node.numSections,
    source_type: node.sourceType,
  };
}

function encodeEdge(edge: GraphEdge): Record<string, unknown> {
  return {
    source: edge.source,
    target: edge.target,
    weight: edge.weight,
    type: edge.type,
    is_intra_cluster: edge.isIntraCluster,
    confidence: edge.confidence,
  };
}

function encodeSubcluster(subcluster: GraphSubcluster): Record<string, unknown> {
  return {
    id: subcluster.id,
    cluster_id: subcluster.clusterId,
    node_ids: subcluster.nodeIds,
    representative_node_id: subcluster.representativeNodeId,
    size: subcluster.size,
    density: subcluster.density,
    top_keywords: subcluster.topKeywords,
  };
}

function encodeCluster(cluster: GraphCluster): Record<string, unknown> {
  return { name: cluster.name, description: cluster.description, size: cluster.size, key_themes: cluster.keyThemes };
}
