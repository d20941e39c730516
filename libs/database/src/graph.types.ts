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
