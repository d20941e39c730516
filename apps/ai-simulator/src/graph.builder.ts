import type { GraphFile, GraphFileCluster, GraphFileEdge, GraphFileNode, GraphFileSubcluster, GraphSource } from './graph-file';
import { capitalize, titleKeywords } from './keywords';
import { stableHash, stableScore } from './stable-hash';

export interface GraphOptions {
  numClusters?: number;
  minClusters: number;
  maxClusters: number;
  language: string;
  generatedAt: string;
}

/**
 * A deterministic stand-in for the AI pipeline: one node per source (ids 0..n-1
 * in input order), clusters dealt by a hash of the title, each node linked to
 * the next two members of its cluster, one weak link between neighbouring clusters.
 */
export function buildGraph(sources: readonly GraphSource[], options: GraphOptions): GraphFile {
  const slots = clusterCount(sources.length, options);
  const clusterIds = assignClusters(sources, slots);
  const members = groupByCluster(clusterIds);
  const clusters = describeClusters(sources, members);
  const nodes = sources.map((source, id) => toNode(source, id, clusterIds[id], clusters));
  const edges = linkNodes(members);
  const subclusters = [...members.entries()]
    .filter(([, ids]) => ids.length > 1)
    .map(([clusterId, ids]) => toSubcluster(clusterId, ids, edges, clusters[clusterId]));
  return {
    nodes,
    edges,
    subclusters,
    metadata: {
      generated_at: options.generatedAt,
      total_nodes: nodes.length,
      total_edges: edges.length,
      total_clusters: members.size,
      language: options.language,
      clusters,
    },
  };
}

function clusterCount(sourceCount: number, options: GraphOptions): number {
  const wanted = options.numClusters ?? Math.min(options.maxClusters, Math.max(options.minClusters, Math.ceil(sourceCount / 2)));
  return Math.max(1, Math.min(wanted, sourceCount));
}

/**
 * Sources ranked by a hash of their title are dealt round-robin into the
 * slots, so every slot gets members; ids are numbered by first appearance.
 */
function assignClusters(sources: readonly GraphSource[], slots: number): string[] {
  const ranked = sources
    .map((source, index) => ({ index, hash: stableHash(source.title || source.origId) }))
    .sort((a, b) => a.hash - b.hash || a.index - b.index);
  const slotOf: number[] = [];
  ranked.forEach((entry, rank) => (slotOf[entry.index] = rank % slots));
  const numbering = new Map<number, string>();
  return slotOf.map((slot) => {
    if (!numbering.has(slot)) numbering.set(slot, `cluster_${numbering.size + 1}`);
    return numbering.get(slot) as string;
  });
}

function groupByCluster(clusterIds: readonly string[]): Map<string, number[]> {
  const members = new Map<string, number[]>();
  clusterIds.forEach((clusterId, nodeId) => members.set(clusterId, [...(members.get(clusterId) ?? []), nodeId]));
  return members;
}

function describeClusters(sources: readonly GraphSource[], members: Map<string, number[]>): Record<string, GraphFileCluster> {
  const clusters: Record<string, GraphFileCluster> = {};
  for (const [clusterId, ids] of members) {
    const themes = [...new Set(ids.flatMap((id) => titleKeywords(sources[id].title).map((keyword) => keyword.term)))].slice(0, 3);
    clusters[clusterId] = {
      name: themes.slice(0, 2).map(capitalize).join(' & '),
      description: `Conversations and notes about ${themes.join(', ')}`,
      size: ids.length,
      key_themes: themes,
    };
  }
  return clusters;
}

function toNode(source: GraphSource, id: number, clusterId: string, clusters: Record<string, GraphFileCluster>): GraphFileNode {
  const keywords = titleKeywords(source.title);
  return {
    id,
    orig_id: source.origId,
    cluster_id: clusterId,
    cluster_name: clusters[clusterId].name,
    cluster_confidence: stableScore(`confidence:${source.origId}`, 0.7, 0.99),
    keywords,
    top_keywords: keywords.slice(0, 3).map((keyword) => keyword.term),
    timestamp: source.timestamp,
    num_sections: source.numSections,
    source_type: source.sourceType,
  };
}

function linkNodes(members: Map<string, number[]>): GraphFileEdge[] {
  const edges: GraphFileEdge[] = [];
  const groups = [...members.values()];
  for (const ids of groups) {
    ids.forEach((source, index) => {
      for (const target of ids.slice(index + 1, index + 3)) edges.push(edge(source, target, true));
    });
  }
  for (let index = 1; index < groups.length; index += 1) edges.push(edge(groups[index - 1][0], groups[index][0], false));
  return edges;
}

function edge(source: number, target: number, intra: boolean): GraphFileEdge {
  const weight = intra ? stableScore(`edge:${source}-${target}`, 0.5, 0.95) : stableScore(`edge:${source}-${target}`, 0.15, 0.35);
  return { source, target, weight, type: 'semantic', is_intra_cluster: intra, confidence: intra ? 'high' : 'llm_verified' };
}

function toSubcluster(clusterId: string, ids: number[], edges: GraphFileEdge[], cluster: GraphFileCluster): GraphFileSubcluster {
  const inside = new Set(ids);
  const links = edges.filter((link) => inside.has(link.source) && inside.has(link.target)).length;
  const pairs = (ids.length * (ids.length - 1)) / 2;
  return {
    id: `subcluster_${clusterId.slice('cluster_'.length)}`,
    cluster_id: clusterId,
    node_ids: ids,
    representative_node_id: ids[0],
    size: ids.length,
    density: Math.round((links / pairs) * 100) / 100,
    top_keywords: cluster.key_themes,
  };
}
