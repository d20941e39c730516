import { parseGraphResult } from '@app/queue-contracts';
import { contractJson, conversationsFile, notesFile } from '../test/contract-files';
import type { GraphSource } from './graph-file';
import { buildGraph, type GraphOptions } from './graph.builder';
import { readBundleFile } from './source-files';

const OPTIONS: GraphOptions = { minClusters: 3, maxClusters: 8, language: 'en', generatedAt: '2026-11-22T06:03:09.118000' };

function sources(conversations: unknown, notes?: unknown): GraphSource[] {
  const notesSources = notes === undefined ? [] : readBundleFile('notes.json', notes).sources;
  return [...readBundleFile('input.json', conversations).sources, ...notesSources];
}

describe('buildGraph', () => {
  it('builds the same graph from the same input', () => {
    const input = sources(conversationsFile(12), notesFile(3));
    expect(buildGraph(input, OPTIONS)).toEqual(buildGraph(structuredClone(input), OPTIONS));
  });

  it('makes one node per conversation and note, ids 0..n-1 in input order', () => {
    const graph = buildGraph(sources(conversationsFile(5), notesFile(2)), OPTIONS);
    expect(graph.nodes.map((node) => node.id)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(graph.nodes.map((node) => node.orig_id)).toEqual(['conv-1', 'conv-2', 'conv-3', 'conv-4', 'conv-5', 'note-1', 'note-2']);
    expect(graph.nodes.map((node) => node.source_type)).toEqual(['chat', 'chat', 'chat', 'chat', 'chat', 'markdown', 'markdown']);
    expect(graph.metadata.total_nodes).toBe(7);
  });

  it('links only existing nodes, never a node to itself, and counts edges and clusters right', () => {
    const graph = buildGraph(sources(conversationsFile(40), notesFile(5)), OPTIONS);
    const ids = new Set(graph.nodes.map((node) => node.id));
    expect(graph.edges.length).toBeGreaterThan(0);
    for (const edge of graph.edges) {
      expect(ids.has(edge.source) && ids.has(edge.target)).toBe(true);
      expect(edge.source).not.toBe(edge.target);
    }
    expect(graph.metadata.total_edges).toBe(graph.edges.length);
    const used = new Set(graph.nodes.map((node) => node.cluster_id));
    expect(Object.keys(graph.metadata.clusters).sort()).toEqual([...used].sort());
    expect(graph.metadata.total_clusters).toBe(used.size);
  });

  it('uses numClusters, else min..max clusters, never more than there are nodes', () => {
    const many = sources(conversationsFile(40));
    expect(buildGraph(many, OPTIONS).metadata.total_clusters).toBe(8);
    expect(buildGraph(sources(conversationsFile(4)), OPTIONS).metadata.total_clusters).toBe(3);
    expect(buildGraph(many, { ...OPTIONS, numClusters: 2 }).metadata.total_clusters).toBe(2);
    expect(buildGraph(sources(contractJson('files/conversations.json')), OPTIONS).metadata.total_clusters).toBe(2);
    expect(buildGraph(sources(conversationsFile(1)), OPTIONS).metadata.total_clusters).toBe(1);
  });

  it('marks intra-cluster edges and puts subcluster members in their cluster', () => {
    const graph = buildGraph(sources(conversationsFile(20)), OPTIONS);
    const clusterOf = new Map(graph.nodes.map((node) => [node.id, node.cluster_id]));
    for (const edge of graph.edges) {
      expect(edge.is_intra_cluster).toBe(clusterOf.get(edge.source) === clusterOf.get(edge.target));
    }
    for (const subcluster of graph.subclusters) {
      expect(subcluster.node_ids.every((id) => clusterOf.get(id) === subcluster.cluster_id)).toBe(true);
      expect(subcluster.size).toBe(subcluster.node_ids.length);
    }
  });

  it('writes a file parseGraphResult accepts, for the golden conversations too', () => {
    for (const input of [sources(contractJson('files/conversations.json')), sources(conversationsFile(30), notesFile(4))]) {
      const parsed = parseGraphResult(JSON.parse(JSON.stringify(buildGraph(input, OPTIONS))));
      if (!parsed.ok) throw new Error(parsed.problems.join('; '));
      expect(parsed.graph.nodes).toHaveLength(input.length);
    }
  });

  it('takes keywords from the title and timestamps from create_time', () => {
    const [first, second] = buildGraph(sources(contractJson('files/conversations.json')), OPTIONS).nodes;
    expect(first.top_keywords).toEqual(['tomato', 'seedlings', 'getting']);
    expect(first.timestamp).toBe('2024-12-02T07:14:05');
    expect(first.num_sections).toBe(6);
    expect(second.top_keywords).toEqual(['된장찌개', '레시피']);
  });
});
