import { normalizeFileTimestamp } from './file-timestamp';
import { asCount, asObject, asText, type JsonObject, optional, readTerms, storableJson } from './file-values';
import { type GraphCluster, type GraphNode } from './graph-result.types';
import { type SkippedPartsCounter } from './skipped-parts';

/** A cluster as metadata describes it; what it leaves out comes from the nodes (completeClusters). */
export interface ClusterEntry {
  id: string;
  name: string | undefined;
  description: string;
  size: number | undefined;
  keyThemes: string[];
}

export interface GraphMetadata {
  /** As the AI wrote it (extra keys kept), storable as jsonb; {} when absent or unreadable. */
  raw: JsonObject;
  generatedAt: string | null;
  clusters: ClusterEntry[];
}

/**
 * `metadata` of any AI version: totals may be missing, `clusters` is an
 * object keyed by cluster id (values `{name, description, size, key_themes}`,
 * or just the name) or an array of `{id | cluster_id, name, description,
 * size, key_themes | themes}`, or absent.
 */
export function readMetadata(value: unknown, skipped: SkippedPartsCounter): GraphMetadata {
  if (value === undefined || value === null) return { raw: {}, generatedAt: null, clusters: [] };
  const metadata = asObject(value);
  if (!metadata) {
    skipped.block('metadata');
    return { raw: {}, generatedAt: null, clusters: [] };
  }
  return {
    raw: storableJson(metadata) as JsonObject,
    generatedAt: optional(metadata.generated_at, normalizeFileTimestamp, null, skipped),
    clusters: readClusters(metadata.clusters, skipped),
  };
}

function readClusters(value: unknown, skipped: SkippedPartsCounter): ClusterEntry[] {
  if (value === undefined || value === null) return [];
  let entries: (ClusterEntry | undefined)[];
  if (Array.isArray(value)) {
    entries = value.map((item) => {
      const cluster = asObject(item);
      const id = cluster && asText(cluster.id ?? cluster.cluster_id);
      return id === undefined ? undefined : readCluster(id, cluster as JsonObject, skipped);
    });
  } else if (asObject(value)) {
    entries = Object.entries(value).map(([id, item]) => {
      if (typeof item === 'string') return { id, name: item, description: '', size: undefined, keyThemes: [] };
      const cluster = asObject(item);
      return cluster && readCluster(id, cluster, skipped);
    });
  } else {
    skipped.block('metadata.clusters');
    return [];
  }
  const seen = new Set<string>();
  return entries.filter((entry): entry is ClusterEntry => {
    const kept = entry !== undefined && !seen.has(entry.id);
    if (kept) seen.add(entry.id);
    else skipped.add('clusters');
    return kept;
  });
}

function readCluster(id: string, cluster: JsonObject, skipped: SkippedPartsCounter): ClusterEntry {
  return {
    id,
    name: optional(cluster.name, asText, undefined, skipped),
    description: optional(cluster.description, asText, '', skipped),
    size: optional(cluster.size, asCount, undefined, skipped),
    keyThemes: readTerms(cluster.key_themes ?? cluster.themes, skipped),
  };
}

/**
 * The graph's clusters: metadata's in its order, each named and sized from its
 * nodes where metadata does not say, then every cluster id the nodes use that
 * metadata does not describe (older versions wrote no metadata clusters).
 */
export function completeClusters(entries: readonly ClusterEntry[], nodes: readonly GraphNode[]): GraphCluster[] {
  const used = new Map<string, { name: string; size: number }>();
  for (const node of nodes) {
    const cluster = used.get(node.clusterId);
    if (cluster) cluster.size += 1;
    else used.set(node.clusterId, { name: node.clusterName, size: 1 });
  }
  const described = entries.map((entry) => ({
    id: entry.id,
    name: entry.name ?? used.get(entry.id)?.name ?? entry.id,
    description: entry.description,
    size: entry.size ?? used.get(entry.id)?.size ?? 0,
    keyThemes: entry.keyThemes,
  }));
  const known = new Set(entries.map((entry) => entry.id));
  const derived = [...used].filter(([id]) => !known.has(id)).map(([id, { name, size }]) => ({ id, name, description: '', size, keyThemes: [] }));
  return [...described, ...derived];
}
