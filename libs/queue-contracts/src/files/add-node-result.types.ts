/** The AI add-node result file (`resultS3Key` of ADD_NODE_RESULT); camelCase on the wire already. */
export interface AddNodeResult {
  userId: string;
  processedCount: number;
  results: AddNodeItemResult[];
}

/** One processed conversation or note of the batch. */
export interface AddNodeItemResult {
  conversationId: string | null;
  noteId: string | null;
  nodes: AddNodeNode[];
  edges: AddNodeEdge[];
  assignedCluster: AddNodeAssignedCluster | null;
  skipped: boolean;
  /** The AI's error for this item, or ours when its nodes cannot be read; the item adds nothing then. */
  error: string | null;
}

export interface AddNodeNode {
  /** Batch-local, e.g. "batch_0". */
  id: string;
  origId: string;
  clusterId: string;
  clusterName: string;
  /** From numSections, else numMessages; null when neither is given. */
  numSections: number | null;
  /** UTC ISO string. */
  timestamp: string | null;
}

export interface AddNodeEdge {
  /** Batch-local string id, or the numeric id of a node already in the stored graph. */
  source: string | number;
  target: string | number;
  weight: number;
  type: string;
  /** null when the AI did not say (older versions). */
  intraCluster: boolean | null;
}

export interface AddNodeAssignedCluster {
  clusterId: string;
  isNewCluster: boolean;
  confidence: number | null;
  reasoning: string;
  name: string | null;
  themes: string[];
}
