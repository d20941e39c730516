import type { Keyword } from './keywords';

/** One conversation or note, reduced to what the simulated pipeline looks at. */
export interface GraphSource {
  origId: string;
  title: string;
  timestamp: string | null;
  numSections: number;
  /** "chat" for conversations, the note's own source_type ("markdown") otherwise. */
  sourceType: string;
}

/** The AI server's graph file (`graph_final.json`), snake_case as the real one writes it. */
export interface GraphFile {
  nodes: GraphFileNode[];
  edges: GraphFileEdge[];
  subclusters: GraphFileSubcluster[];
  metadata: GraphFileMetadata;
}

export interface GraphFileNode {
  id: number;
  orig_id: string;
  cluster_id: string;
  cluster_name: string;
  cluster_confidence: number;
  keywords: Keyword[];
  top_keywords: string[];
  timestamp: string | null;
  num_sections: number;
  source_type: string;
}

export interface GraphFileEdge {
  source: number;
  target: number;
  weight: number;
  type: 'semantic';
  is_intra_cluster: boolean;
  confidence: 'high' | 'llm_verified';
}

export interface GraphFileSubcluster {
  id: string;
  cluster_id: string;
  node_ids: number[];
  representative_node_id: number;
  size: number;
  density: number;
  top_keywords: string[];
}

export interface GraphFileCluster {
  name: string;
  description: string;
  size: number;
  key_themes: string[];
}

export interface GraphFileMetadata {
  generated_at: string;
  total_nodes: number;
  total_edges: number;
  total_clusters: number;
  language: string;
  clusters: Record<string, GraphFileCluster>;
}
