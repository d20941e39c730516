/** The AI graph file (`resultS3Key`), normalized to camelCase. */
export interface GraphResult {
  nodes: GraphNode[];
  edges: GraphEdge[];
  subclusters: GraphSubcluster[];
  /** From `metadata.clusters` (keyed by cluster id, or an array), then every other cluster id the nodes use. */
  clusters: GraphCluster[];
  /** The raw metadata object as the AI wrote it (snake_case, extra keys kept; {} when absent). */
  metadata: Record<string, unknown>;
  /** `metadata.generated_at` as a UTC ISO string. */
  generatedAt: string | null;
}

export interface GraphNode {
  id: number;
  origId: string;
  clusterId: string;
  clusterName: string;
  clusterConfidence: number | null;
  keywords: GraphKeyword[];
  topKeywords: string[];
  /** UTC ISO string; from `timestamp`, else `update_time`, else `create_time`. */
  timestamp: string | null;
  /** From `num_sections`, else the older `num_messages`; 0 when neither can be read. */
  numSections: number;
  /** "chat" when absent (files from before notes existed). */
  sourceType: string;
}

export interface GraphKeyword {
  term: string;
  /** 0 for keywords the AI wrote as plain strings. */
  score: number;
}

export interface GraphEdge {
  source: number;
  target: number;
  weight: number;
  type: string;
  isIntraCluster: boolean;
  confidence: string | null;
}

export interface GraphSubcluster {
  id: string;
  clusterId: string;
  nodeIds: number[];
  representativeNodeId: number;
  size: number;
  density: number;
  topKeywords: string[];
}

export interface GraphCluster {
  id: string;
  name: string;
  description: string;
  size: number;
  keyThemes: string[];
}
