import type { AddNodeAssignedCluster } from '@app/queue-contracts';
import type { GraphSource } from './graph-file';
import { capitalize, titleKeywords } from './keywords';
import { stableHash, stableScore } from './stable-hash';

/** A cluster of the user's stored graph, as listed in batch.json's `existingClusters`. */
export interface ExistingCluster {
  id: string;
  name: string;
  themes: string[];
}

/**
 * The add-node result file (camelCase, contract/files/add-node-result.json):
 * one result per conversation or note, node ids `batch_<i>`, a cluster picked
 * by title hash among the existing ones (about one in four starts a new one),
 * and a link to the previous batch node of the same cluster.
 */
export function buildAddNodeResult(userId: string, sources: readonly GraphSource[], existing: readonly ExistingCluster[]) {
  const created = new Map<string, AddNodeAssignedCluster>();
  const lastInCluster = new Map<string, string>();
  const results = sources.map((source, index) => {
    const id = `batch_${index}`;
    const cluster = assignCluster(source, existing, created);
    const previous = lastInCluster.get(cluster.clusterId);
    lastInCluster.set(cluster.clusterId, id);
    const isChat = source.sourceType === 'chat';
    const node = {
      id,
      origId: source.origId,
      clusterId: cluster.clusterId,
      clusterName: cluster.name,
      ...(isChat ? { numMessages: source.numSections, timestamp: source.timestamp } : { numSections: source.numSections }),
    };
    const edges =
      previous === undefined
        ? []
        : [{ source: id, target: previous, weight: stableScore(`${id}-${previous}`, 0.5, 0.95), type: 'semantic', intraCluster: true }];
    return { ...(isChat ? { conversationId: source.origId } : { noteId: source.origId }), nodes: [node], edges, assignedCluster: cluster };
  });
  return { userId, processedCount: results.length, results };
}

export type AddNodeResultFile = ReturnType<typeof buildAddNodeResult>;

function assignCluster(source: GraphSource, existing: readonly ExistingCluster[], created: Map<string, AddNodeAssignedCluster>): AddNodeAssignedCluster {
  const hash = stableHash(source.title || source.origId);
  if (existing.length > 0 && hash % 4 !== 3) {
    const cluster = existing[hash % existing.length];
    const confidence = stableScore(`assign:${source.origId}`, 0.75, 0.95);
    return { clusterId: cluster.id, isNewCluster: false, confidence, reasoning: 'close to the themes of this cluster', name: cluster.name, themes: cluster.themes };
  }
  const theme = titleKeywords(source.title)[0].term;
  const known = created.get(theme);
  if (known) return known;
  const taken = new Set([...existing.map((cluster) => cluster.id), ...[...created.values()].map((cluster) => cluster.clusterId)]);
  let number = existing.length + created.size + 1;
  while (taken.has(`cluster_${number}`)) number += 1;
  const cluster = { clusterId: `cluster_${number}`, isNewCluster: true, confidence: 0.7, reasoning: 'no existing cluster fits', name: capitalize(theme), themes: [theme] };
  created.set(theme, cluster);
  return cluster;
}
