/**
 * Generators of AI result files in the shapes the AI pipeline has shipped over
 * its versions (fixtures/README.md, "files/"), for specs that need large or
 * older outputs than the golden files: deterministic, so a failing spec fails
 * the same way every run. They write the file as the AI would (snake_case for
 * the graph, camelCase for add-node), never our normalized types.
 */

type Json = Record<string, unknown>;

export interface AiGraphOutputShape {
  nodes: number;
  edges: number;
  /** The id of the first node; ids run on from it (older versions counted from 1). */
  firstNodeId?: number;
  clusters?: number;
  /** Older versions wrote `num_messages`. */
  sizeField?: 'num_sections' | 'num_messages';
  /** Older versions wrote `create_time` (Unix seconds) and `update_time` (naive ISO) instead of `timestamp`. */
  timeFields?: 'timestamp' | 'create_update';
  /** Older versions wrote plain strings instead of `{term, score}`. */
  keywords?: 'scored' | 'strings';
  /** Older versions wrote no `subclusters`. */
  subclusters?: boolean;
  /** `metadata.clusters` keyed by cluster id, an array of `{cluster_id, name, description, size, themes}`, or absent. */
  metadataClusters?: 'object' | 'array' | 'absent';
  /** total_nodes / total_edges / total_clusters (older versions wrote none). */
  totals?: boolean;
  /** Older versions wrote no `source_type` and no `is_intra_cluster`. */
  sourceType?: boolean;
  intraClusterFlag?: boolean;
}

/** What the AI's newest version writes (the shape of graph-result.json). */
export const CURRENT_AI_GRAPH: Required<Omit<AiGraphOutputShape, 'nodes' | 'edges'>> = {
  firstNodeId: 0,
  clusters: 8,
  sizeField: 'num_sections',
  timeFields: 'timestamp',
  keywords: 'scored',
  subclusters: true,
  metadataClusters: 'object',
  totals: true,
  sourceType: true,
  intraClusterFlag: true,
};

/** An older version: ids from 1, num_messages, create_time/update_time, plain keywords, no subclusters, clusters as an array, no totals. */
export const OLDER_AI_GRAPH: Required<Omit<AiGraphOutputShape, 'nodes' | 'edges'>> = {
  firstNodeId: 1,
  clusters: 8,
  sizeField: 'num_messages',
  timeFields: 'create_update',
  keywords: 'strings',
  subclusters: false,
  metadataClusters: 'array',
  totals: false,
  sourceType: false,
  intraClusterFlag: false,
};

type FullShape = Required<AiGraphOutputShape>;

export interface AiGraphOutput {
  nodes: Json[];
  edges: Json[];
  subclusters?: Json[];
  metadata: Json;
}

/**
 * A graph file of `nodes` nodes and `edges` edges in the given shape
 * (defaults: the newest). Edge `k` joins node `k % n` to the node
 * `1 + floor(k / n)` places further on (mod n), so edges are distinct while
 * there are fewer than n·(n-1)/2 of them; node `i` is in cluster `i % clusters`.
 */
export function generateAiGraphOutput(shape: AiGraphOutputShape): AiGraphOutput {
  const options: FullShape = { ...CURRENT_AI_GRAPH, ...shape };
  const ids = Array.from({ length: options.nodes }, (_, index) => options.firstNodeId + index);
  const clusterOf = (index: number) => `cluster_${index % options.clusters}`;
  const file: AiGraphOutput = {
    nodes: ids.map((id, index) => generateNode(id, index, clusterOf(index), options)),
    edges: Array.from({ length: options.edges }, (_, k) => generateEdge(k, ids, clusterOf, options)),
    metadata: generateMetadata(ids, clusterOf, options),
  };
  if (options.subclusters) file.subclusters = generateSubclusters(ids, options.clusters);
  return file;
}

function generateNode(id: number, index: number, clusterId: string, options: FullShape): Json {
  const terms = [`term-${index}-a`, `term-${index}-b`, `theme-${index % options.clusters}`];
  const time = 1_733_123_645 + index * 3600;
  return {
    id,
    orig_id: `conversation-${index.toString(16).padStart(8, '0')}`,
    cluster_id: clusterId,
    cluster_name: `Cluster ${index % options.clusters}`,
    ...(index % 5 === 0 ? {} : { cluster_confidence: (50 + (index % 50)) / 100 }),
    keywords: options.keywords === 'scored' ? terms.map((term, rank) => ({ term, score: 0.9 - rank / 10 })) : terms,
    top_keywords: terms.slice(0, 2),
    ...(options.timeFields === 'timestamp'
      ? { timestamp: index % 7 === 0 ? null : new Date(time * 1000).toISOString().replace('Z', '') }
      : { create_time: time, update_time: new Date((time + 60) * 1000).toISOString().replace('Z', '') }),
    [options.sizeField]: 1 + (index % 40),
    ...(options.sourceType ? { source_type: index % 10 === 0 ? 'markdown' : 'chat' } : {}),
  };
}

function generateEdge(k: number, ids: readonly number[], clusterOf: (index: number) => string, options: FullShape): Json {
  const n = ids.length;
  const from = k % n;
  const to = (from + 1 + Math.floor(k / n)) % n;
  return {
    source: ids[from],
    target: ids[to],
    weight: Math.round((0.3 + ((k * 7919) % 700) / 1000) * 1000) / 1000,
    type: k % 9 === 0 ? 'llm_verified' : 'semantic',
    ...(options.intraClusterFlag ? { is_intra_cluster: clusterOf(from) === clusterOf(to) } : {}),
    confidence: k % 3 === 0 ? 'high' : null,
  };
}

function generateSubclusters(ids: readonly number[], clusters: number): Json[] {
  return Array.from({ length: clusters }, (_, cluster) => {
    const members = ids.filter((_, index) => index % clusters === cluster);
    return {
      id: `subcluster_${cluster}`,
      cluster_id: `cluster_${cluster}`,
      node_ids: members,
      representative_node_id: members[0] ?? ids[0],
      size: members.length,
      density: 0.42,
      top_keywords: [`theme-${cluster}`],
    };
  }).filter((subcluster) => subcluster.node_ids.length > 0);
}

function generateMetadata(ids: readonly number[], clusterOf: (index: number) => string, options: FullShape): Json {
  const clusters = Array.from({ length: Math.min(options.clusters, ids.length) }, (_, cluster) => ({
    id: `cluster_${cluster}`,
    name: `Cluster ${cluster}`,
    description: `Generated cluster ${cluster}`,
    size: ids.filter((_, index) => clusterOf(index) === `cluster_${cluster}`).length,
    themes: [`theme-${cluster}`],
  }));
  const metadata: Json = { generated_at: '2026-12-01T09:03:40.552000', language: 'en', pipeline_version: options.firstNodeId === 1 ? '0.3' : '1.4' };
  if (options.totals) Object.assign(metadata, { total_nodes: ids.length, total_edges: options.edges, total_clusters: clusters.length });
  if (options.metadataClusters === 'object') {
    metadata.clusters = Object.fromEntries(clusters.map(({ id, themes, ...cluster }) => [id, { ...cluster, key_themes: themes }]));
  } else if (options.metadataClusters === 'array') {
    metadata.clusters = clusters.map(({ id, ...cluster }) => ({ cluster_id: id, ...cluster }));
  }
  return metadata;
}

export interface AiAddNodeOutputShape {
  /** Result items (one conversation each), each with one new node. */
  items: number;
  /** Ids of nodes already in the stored graph that the new nodes link to (numeric edge targets). */
  storedNodeIds: readonly number[];
  /** Older versions wrote `numMessages`. */
  sizeField?: 'numSections' | 'numMessages';
  /** Older versions wrote no `assignedCluster` and no `intraCluster`. */
  assignedCluster?: boolean;
  intraCluster?: boolean;
}

/** An add-node result file: item `i` adds `batch_i` in cluster_1, linked to `batch_{i-1}` and to one stored node. */
export function generateAiAddNodeOutput(shape: AiAddNodeOutputShape, userId = 'user-generated'): Json {
  const { items, storedNodeIds, sizeField = 'numSections', assignedCluster = true, intraCluster = true } = shape;
  const results = Array.from({ length: items }, (_, index) => {
    const id = `batch_${index}`;
    const conversationId = `added-${index.toString(16).padStart(8, '0')}`;
    const edges: Json[] = [{ source: id, target: storedNodeIds[index % storedNodeIds.length], weight: 0.6, type: 'semantic' }];
    if (index > 0) edges.push({ source: id, target: `batch_${index - 1}`, weight: 0.4, type: 'semantic' });
    return {
      conversationId,
      nodes: [{ id, origId: conversationId, clusterId: 'cluster_1', clusterName: 'Cluster 1', [sizeField]: 1 + (index % 9), timestamp: 1_733_300_000 + index }],
      edges: intraCluster ? edges.map((edge) => ({ ...edge, intraCluster: true })) : edges,
      ...(assignedCluster
        ? { assignedCluster: { clusterId: 'cluster_1', isNewCluster: false, confidence: 0.8, reasoning: 'generated', name: 'Cluster 1', themes: ['theme-1'] } }
        : {}),
    };
  });
  return { userId, processedCount: items, results };
}
