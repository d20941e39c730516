import { type GraphAppend, type GraphClusterRecord, type GraphEdgeRecord, type GraphMergeBase, type GraphNodeRecord } from '@app/database';
import { type AddNodeItemResult, type AddNodeResult } from '@app/queue-contracts';

/** What an add-node result adds to the stored graph, with the notes that go into the job's warning. */
export interface MergePlan {
  readonly append: GraphAppend;
  readonly notes: string[];
  /** Edges skipped because an end is neither a new node nor a stored one (a skipped part, see ResultSupport.noteSkipped). */
  readonly danglingEdges: number;
  /** Items that the AI reported as failed (their sources stay pending). */
  readonly failedItems: AddNodeItemResult[];
}

/** Numeric edge ends: ids of nodes that must already be in the stored graph. */
export function referencedNodeIds(result: AddNodeResult): number[] {
  const ids = new Set<number>();
  for (const item of result.results) {
    for (const edge of item.edges) {
      for (const end of [edge.source, edge.target]) if (typeof end === 'number') ids.add(end);
    }
  }
  return [...ids];
}

/**
 * Maps an add-node result onto the stored graph. New nodes get the integer ids
 * `base.nextNodeId`, `+1`, ... in file order (the caller holds the graph lock);
 * batch-local string ids in edges map to them, numeric ids must be in
 * `existing`. Edges to unknown nodes are skipped and counted; skipped or
 * failed items add nothing and are named in the notes. A cluster id the graph
 * does not have is inserted (from `assignedCluster` when it describes it). An
 * edge without `intraCluster` (older versions) is intra-cluster when both its
 * ends are new nodes of one cluster (the stored nodes' clusters are not read).
 */
export function planMerge(result: AddNodeResult, base: GraphMergeBase, existing: ReadonlySet<number>): MergePlan {
  const knownClusters = new Set(base.clusterIds);
  const local = new Map<string, number>();
  const nodes: GraphNodeRecord[] = [];
  const newClusters = new Map<string, GraphClusterRecord>();
  const clusterGrowth: Record<string, number> = {};
  const notes: string[] = [];
  const failedItems: AddNodeItemResult[] = [];
  let nextId = base.nextNodeId;

  const usable = result.results.filter((item) => {
    if (item.error !== null) {
      notes.push(`${describe(item)} could not be added`);
      failedItems.push(item);
      return false;
    }
    if (item.skipped) notes.push(`${describe(item)} was skipped`);
    return !item.skipped;
  });

  for (const item of usable) {
    for (const node of item.nodes) {
      if (local.has(node.id)) {
        notes.push(`node ${node.id} appears twice; the second was ignored`);
        continue;
      }
      const id = nextId++;
      local.set(node.id, id);
      const assigned = item.assignedCluster?.clusterId === node.clusterId ? item.assignedCluster : null;
      nodes.push({
        id,
        origId: node.origId,
        clusterId: node.clusterId,
        clusterName: node.clusterName,
        clusterConfidence: assigned?.confidence ?? null,
        keywords: [],
        topKeywords: [],
        timestamp: node.timestamp,
        numSections: node.numSections ?? 0,
        sourceType: item.noteId !== null ? 'markdown' : 'chat',
      });
      if (knownClusters.has(node.clusterId)) {
        clusterGrowth[node.clusterId] = (clusterGrowth[node.clusterId] ?? 0) + 1;
      } else {
        const cluster = newClusters.get(node.clusterId) ?? {
          id: node.clusterId,
          name: assigned?.name ?? node.clusterName,
          description: '',
          size: 0,
          keyThemes: assigned?.themes ?? [],
        };
        cluster.size += 1;
        newClusters.set(node.clusterId, cluster);
      }
    }
  }

  const resolve = (end: string | number): number | undefined => (typeof end === 'string' ? local.get(end) : existing.has(end) ? end : undefined);
  const clusterOfNew = new Map(nodes.map((node) => [node.id, node.clusterId]));
  const edges: GraphEdgeRecord[] = [];
  let danglingEdges = 0;
  for (const item of usable) {
    for (const edge of item.edges) {
      const source = resolve(edge.source);
      const target = resolve(edge.target);
      if (source === undefined || target === undefined) {
        danglingEdges += 1;
        continue;
      }
      const isIntraCluster = edge.intraCluster ?? (clusterOfNew.has(source) && clusterOfNew.get(source) === clusterOfNew.get(target));
      edges.push({ source, target, weight: edge.weight, type: edge.type, isIntraCluster, confidence: null });
    }
  }

  return { append: { nodes, edges, newClusters: [...newClusters.values()], clusterGrowth }, notes, danglingEdges, failedItems };
}

function describe(item: AddNodeItemResult): string {
  if (item.conversationId !== null) return `conversation ${item.conversationId}`;
  if (item.noteId !== null) return `note ${item.noteId}`;
  return 'an item without id';
}
