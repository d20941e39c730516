import { type GraphKeyword } from './schema';

/** Normalized graph as the result parser (libs/queue-contracts) produces it; camelCase. */
export interface GraphWrite {
  generatedAt: string | null;
  metadata: Record<string, unknown>;
  nodes: GraphNodeRecord[];
  edges: GraphEdgeRecord[];
  clusters: GraphClusterRecord[];
  subclusters: GraphSubclusterRecord[];
}

export interface GraphNodeRecord {
  id: number;
  origId: string;
  clusterId: string;
  clusterName: string;
  clusterConfidence: number | null;
  keywords: GraphKeyword[];
  topKeywords: string[];
  timestamp: string | null;
  numSections: number;
  sourceType: string;
}

export interface GraphEdgeRecord {
  source: number;
  target: number;
  weight: number;
  type: string;
  isIntraCluster: boolean;
  confidence: string | null;
}

export interface GraphClusterRecord {
  id: string;
  name: string;
  description: string;
  size: number;
  keyThemes: string[];
}

export interface GraphSubclusterRecord {
  id: string;
  clusterId: string;
  nodeIds: number[];
  representativeNodeId: number;
  size: number;
  density: number;
  topKeywords: string[];
}

/** A user's current graph as stored; `generatedAt` is ISO 8601 UTC. */
export interface StoredGraph extends GraphWrite {
  version: number;
  taskId: string;
}

export interface StoredGraphSummary {
  graphVersion: number;
  taskId: string;
  summary: Record<string, unknown>;
  /** ISO 8601, UTC. */
  createdAt: string;
}

/** The stored graph's identity, read under the graph lock; `jobCreatedAt` is null when the writing job is gone. */
export interface GraphHead {
  version: number;
  /** The job that last wrote the graph (generation or add-node). */
  taskId: string;
  jobCreatedAt: Date | null;
}

/** What a merge needs to know about the stored graph before allocating node ids. */
export interface GraphMergeBase extends GraphHead {
  /** The version the last generation wrote; node ids have not changed since. */
  generationVersion: number;
  /** max(node id) + 1, or 0 for an empty graph. */
  nextNodeId: number;
  clusterIds: string[];
}

/** Rows an add-node merge appends; nodes carry their final integer ids. */
export interface GraphAppend {
  nodes: GraphNodeRecord[];
  edges: GraphEdgeRecord[];
  /** Clusters the graph does not have yet (their size already counts the new nodes). */
  newClusters: GraphClusterRecord[];
  /** Existing cluster id -> number of nodes added to it. */
  clusterGrowth: Record<string, number>;
}

/** One imported source (`sources` primary key within a user). */
export interface SourceRef {
  kind: 'conversation' | 'note';
  id: string;
}
