import { type GraphWrite } from '@app/database';

export interface GraphShape {
  nodes?: number;
  /** Prefix that makes the rows of one graph distinguishable from another's. */
  tag?: string;
  firstNodeId?: number;
}

/** A consistent graph: `nodes` nodes in two clusters, a chain of edges, one subcluster per cluster. */
export const graphFactory = {
  create({ nodes = 4, tag = 'a', firstNodeId = 0 }: GraphShape = {}, overrides: Partial<GraphWrite> = {}): GraphWrite {
    const ids = Array.from({ length: nodes }, (_, index) => firstNodeId + index);
    const clusterOf = (id: number) => `${tag}-cluster-${id % 2}`;
    return {
      generatedAt: '2026-11-22T06:00:01.123Z',
      metadata: { total_nodes: nodes, tag },
      nodes: ids.map((id) => ({
        id,
        origId: `${tag}-conversation-${id}`,
        clusterId: clusterOf(id),
        clusterName: `${tag} cluster ${id % 2}`,
        clusterConfidence: id % 3 === 0 ? null : 0.75,
        keywords: [{ term: `${tag}-term-${id}`, score: 0.5 }],
        topKeywords: [`${tag}-term-${id}`],
        timestamp: id % 2 === 0 ? '2026-01-01T00:00:00Z' : null,
        numSections: id + 1,
        sourceType: id % 2 === 0 ? 'chat' : 'markdown',
      })),
      edges: ids.slice(1).map((id) => ({
        source: id - 1,
        target: id,
        weight: 0.25,
        type: 'hard',
        isIntraCluster: clusterOf(id) === clusterOf(id - 1),
        confidence: id % 2 === 0 ? 'high' : null,
      })),
      clusters: [0, 1].map((index) => ({
        id: `${tag}-cluster-${index}`,
        name: `${tag} cluster ${index}`,
        description: `Cluster ${index} of graph ${tag}`,
        size: ids.filter((id) => id % 2 === index).length,
        keyThemes: [`${tag}-theme-${index}`],
      })),
      subclusters: [0, 1].map((index) => ({
        id: `${tag}-sub-${index}`,
        clusterId: `${tag}-cluster-${index}`,
        nodeIds: ids.filter((id) => id % 2 === index),
        representativeNodeId: firstNodeId + index,
        size: ids.filter((id) => id % 2 === index).length,
        density: 0.5,
        topKeywords: [`${tag}-theme-${index}`],
      })),
      ...overrides,
    };
  },
};
