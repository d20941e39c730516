import { generateAiGraphOutput, OLDER_AI_GRAPH } from '../../test/ai-graph-output';
import { readGoldenJson } from '../../test/golden-contract';
import { type GraphResult } from './graph-result.types';
import { parseGraphResult, type GraphResultParseResult } from './parse-graph-result';

type Json = Record<string, unknown>;
interface GraphFile {
  nodes: Json[];
  edges: Json[];
  subclusters: Json[];
  metadata: Json;
}

const golden = (): GraphFile => readGoldenJson('files/graph-result.json') as GraphFile;

function graphOf(result: GraphResultParseResult): GraphResult {
  if (!result.ok) throw new Error(`expected a valid graph, got: ${result.problems.join('; ')}`);
  return result.graph;
}

function problemsOf(result: GraphResultParseResult): string[] {
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

const NOTHING_SKIPPED = { counts: {}, blocks: [] };

/** The same graph as an older AI version wrote it: num_messages and create_time/update_time. */
const legacy = (): GraphFile => readGoldenJson('files/graph-result-legacy.json') as GraphFile;

describe(parseGraphResult.name, () => {
  describe('golden file', () => {
    it('parses graph-result.json into camelCase', () => {
      const graph = graphOf(parseGraphResult(golden()));
      expect(graph.nodes).toHaveLength(3);
      expect(graph.nodes[0]).toEqual({
        id: 0,
        origId: '67a4e0b1-6c3d-800b-8f2e-1d9a5b7c3e01',
        clusterId: 'cluster_1',
        clusterName: 'Gardening',
        clusterConfidence: 0.93,
        keywords: [
          { term: 'seedlings', score: 0.74 },
          { term: 'grow light', score: 0.61 },
        ],
        topKeywords: ['seedlings', 'grow light'],
        timestamp: '2024-12-02T07:14:05.000Z',
        numSections: 5,
        sourceType: 'chat',
      });
      expect(graph.nodes[1].timestamp).toBeNull();
      expect(graph.nodes[2]).toMatchObject({ clusterConfidence: null, sourceType: 'markdown', timestamp: '2024-12-03T20:00:00.000Z' });
      expect(graph.edges[1]).toEqual({ source: 1, target: 0, weight: 0.18, type: 'semantic', isIntraCluster: false, confidence: 'llm_verified' });
      expect(graph.subclusters).toEqual([
        { id: 'subcluster_1', clusterId: 'cluster_1', nodeIds: [0, 2], representativeNodeId: 0, size: 2, density: 1, topKeywords: ['seedlings'] },
      ]);
      expect(graph.clusters).toEqual([
        { id: 'cluster_1', name: 'Gardening', description: 'Growing vegetables at home', size: 2, keyThemes: ['seedlings', 'balcony'] },
        { id: 'cluster_2', name: 'Cooking', description: 'Korean home cooking', size: 1, keyThemes: ['stews'] },
      ]);
      expect(graph.generatedAt).toBe('2026-12-01T09:03:40.552Z');
      expect(graph.metadata).toMatchObject({ language: 'en', total_nodes: 3 });
    });
  });

  describe('older AI versions', () => {
    it('reads graph-result-legacy.json (num_messages, create_time/update_time) to the same normalized graph', () => {
      const file = legacy();
      expect(file.nodes[0]).not.toHaveProperty('timestamp');
      expect(file.nodes[0]).toHaveProperty('num_messages');
      expect(graphOf(parseGraphResult(file))).toEqual(graphOf(parseGraphResult(golden())));
    });

    it('defaults source_type to chat and derives is_intra_cluster from the clusters when absent', () => {
      const file = golden();
      delete file.nodes[0].source_type;
      file.edges = file.edges.map(({ is_intra_cluster: _, ...edge }) => edge);
      const graph = graphOf(parseGraphResult(file));
      expect(graph.nodes[0].sourceType).toBe('chat');
      expect(graph.edges.map((edge) => edge.isIntraCluster)).toEqual([true, false]);
    });
  });

  describe('other AI versions and shapes', () => {
    it('reads graph-result-ids-from-1.json (ids from 1, plain keywords, clusters as an array, no subclusters) without skipping anything', () => {
      const parsed = parseGraphResult(readGoldenJson('files/graph-result-ids-from-1.json'));
      const graph = graphOf(parsed);
      expect(parsed.ok && parsed.skipped).toEqual(NOTHING_SKIPPED);
      expect(graph.nodes.map((node) => node.id)).toEqual([1, 2, 3, 4]);
      expect(graph.nodes[0]).toEqual({
        id: 1,
        origId: '67b1c2d3-0a1b-800c-9d2e-3f4a5b6c7d01',
        clusterId: 'cluster_0',
        clusterName: 'Travel',
        clusterConfidence: null,
        keywords: [
          { term: 'kyoto', score: 0 },
          { term: 'rail pass', score: 0 },
          { term: 'ryokan', score: 0 },
        ],
        topKeywords: ['kyoto', 'rail pass'],
        timestamp: '2024-11-01T01:00:00.900Z',
        numSections: 12,
        sourceType: 'chat',
      });
      expect(graph.nodes.map((node) => node.timestamp)).toEqual(['2024-11-01T01:00:00.900Z', '2024-11-02T00:00:00.000Z', null, null]);
      expect(graph.nodes[2]).toMatchObject({ topKeywords: [], numSections: 7 });
      expect(graph.edges.map((edge) => [edge.source, edge.target, edge.isIntraCluster, edge.confidence])).toEqual([
        [1, 2, true, 'high'],
        [3, 4, true, null],
        [2, 4, false, null],
        [4, 1, false, 'llm_verified'],
      ]);
      expect(graph.subclusters).toEqual([]);
      expect(graph.clusters).toEqual([
        { id: 'cluster_0', name: 'Travel', description: 'Planning a trip to Japan', size: 2, keyThemes: ['kyoto', 'rail'] },
        { id: 'cluster_1', name: 'Taxes', description: '', size: 2, keyThemes: ['deductions'] },
      ]);
      expect(graph.metadata).toMatchObject({ pipeline_version: '0.3.1' });
      expect(graph.generatedAt).toBe('2025-11-01T12:00:00.000Z');
    });

    it('reads graph-result-numeric-clusters.json (integer cluster and orig ids, keyword tuples and maps, clusters keyed by id or named only)', () => {
      const parsed = parseGraphResult(readGoldenJson('files/graph-result-numeric-clusters.json'));
      const graph = graphOf(parsed);
      expect(parsed.ok && parsed.skipped).toEqual(NOTHING_SKIPPED);
      expect(graph.nodes.map((node) => [node.origId, node.clusterId, node.clusterName, node.numSections, node.sourceType])).toEqual([
        ['1001', '0', 'Fitness', 4, 'chat'],
        ['note-77aa', '1', 'Baking', 2, 'markdown'],
        ['67c0aa11-2b3c-800d-8e9f-0a1b2c3d4e5f', '0', 'Fitness', 9, 'chat'],
      ]);
      expect(graph.nodes.map((node) => node.keywords)).toEqual([
        [
          { term: 'squat', score: 0.81 },
          { term: 'deadlift', score: 0.62 },
        ],
        [
          { term: 'sourdough', score: 0.7 },
          { term: 'starter', score: 0.4 },
        ],
        [{ term: 'protein', score: 0 }],
      ]);
      expect(graph.nodes[1].topKeywords).toEqual(['sourdough']);
      expect(graph.nodes.map((node) => node.timestamp)).toEqual(['2024-11-01T00:00:00.000Z', '2024-11-01T23:30:00.000Z', null]);
      expect(graph.edges.map((edge) => edge.confidence)).toEqual(['0.92', 'low']);
      expect(graph.clusters).toEqual([
        { id: '0', name: 'Fitness', description: 'Strength training', size: 2, keyThemes: ['lifting'] },
        { id: '1', name: 'Baking', description: '', size: 1, keyThemes: [] },
      ]);
      expect(graph.generatedAt).toBe('2024-11-02T00:00:00.000Z');
      expect(graph.metadata).toMatchObject({ features: { dims: 3072 } });
    });

    it('reads a generated older output of 2,000 nodes and 60,000 edges completely', () => {
      const parsed = parseGraphResult(generateAiGraphOutput({ ...OLDER_AI_GRAPH, nodes: 2000, edges: 60_000 }));
      const graph = graphOf(parsed);
      expect(parsed.ok && parsed.skipped).toEqual(NOTHING_SKIPPED);
      expect(graph.nodes).toHaveLength(2000);
      expect(graph.nodes[0]).toMatchObject({ id: 1, numSections: 1, sourceType: 'chat' });
      expect(graph.nodes[0].keywords[0]).toEqual({ term: 'term-0-a', score: 0 });
      expect(graph.edges).toHaveLength(60_000);
      expect(graph.edges[0]).toEqual({ source: 1, target: 2, weight: 0.3, type: 'llm_verified', isIntraCluster: false, confidence: 'high' });
      expect(graph.clusters.map((cluster) => [cluster.id, cluster.size])).toEqual(Array.from({ length: 8 }, (_, index) => [`cluster_${index}`, 250]));
    });

    it('derives the clusters from the nodes when metadata has none', () => {
      const parsed = parseGraphResult(generateAiGraphOutput({ nodes: 5, edges: 4, clusters: 2, metadataClusters: 'absent' }));
      expect(graphOf(parsed).clusters).toEqual([
        { id: 'cluster_0', name: 'Cluster 0', description: '', size: 3, keyThemes: [] },
        { id: 'cluster_1', name: 'Cluster 1', description: '', size: 2, keyThemes: [] },
      ]);
    });

    it('stores what Postgres cannot hold as the nearest it can: no NUL, no lone surrogate', () => {
      const file = golden();
      file.nodes[0].cluster_name = 'Garden\u0000ing';
      file.nodes[0].keywords = [{ term: 'seed\ud800lings', score: 0.74 }];
      file.metadata.note = { 'key\u0000': 'value\udc00' };
      const graph = graphOf(parseGraphResult(file));
      expect(graph.nodes[0].clusterName).toBe('Gardening');
      expect(graph.nodes[0].keywords).toEqual([{ term: 'seed\ufffdlings', score: 0.74 }]);
      expect(graph.metadata.note).toEqual({ key: 'value\ufffd' });
    });
  });

  describe('unreadable optional parts', () => {
    it('skips and counts each broken part of graph-result-broken-parts.json and keeps the rest', () => {
      const parsed = parseGraphResult(readGoldenJson('files/graph-result-broken-parts.json'));
      const graph = graphOf(parsed);
      expect(parsed.ok && parsed.skipped).toEqual({
        counts: { fields: 3, keywords: 3, edges: 2, danglingEdges: 1, subclusters: 2, clusters: 1 },
        blocks: [],
      });
      expect(graph.nodes).toHaveLength(3);
      expect(graph.nodes[0]).toMatchObject({ clusterConfidence: null, keywords: [{ term: 'compost', score: 0.7 }], topKeywords: ['compost'], timestamp: null });
      expect(graph.nodes[1].numSections).toBe(0);
      expect(graph.edges.map((edge) => [edge.source, edge.target])).toEqual([
        [0, 1],
        [1, 2],
      ]);
      expect(graph.subclusters.map((subcluster) => subcluster.id)).toEqual(['subcluster_1']);
      expect(graph.clusters.map((cluster) => cluster.id)).toEqual(['cluster_1', 'cluster_2']);
    });

    it('skips blocks of an unknown shape by path (graph-result-unknown-blocks.json)', () => {
      const parsed = parseGraphResult(readGoldenJson('files/graph-result-unknown-blocks.json'));
      const graph = graphOf(parsed);
      expect(parsed.ok && parsed.skipped).toEqual({ counts: { blocks: 2 }, blocks: ['metadata.clusters', 'subclusters'] });
      expect(graph.subclusters).toEqual([]);
      expect(graph.clusters).toEqual([{ id: 'cluster_1', name: 'Music', description: '', size: 2, keyThemes: [] }]);
      expect(graph.metadata).toMatchObject({ clusters: 'see features.json', language: 'en' });
    });

    it.each([
      ['metadata that is not an object', (file: GraphFile) => Object.assign(file, { metadata: ['x'] }), { counts: { blocks: 1 }, blocks: ['metadata'] }],
      ['edges that are not an array', (file: GraphFile) => Object.assign(file, { edges: { 0: 2 } }), { counts: { blocks: 1 }, blocks: ['edges'] }],
      ['a repeated subcluster id', (file: GraphFile) => file.subclusters.push({ ...file.subclusters[0] }), { counts: { subclusters: 1 }, blocks: [] }],
      ['an edge to a missing node', (file: GraphFile) => Object.assign(file.edges[0], { target: 7 }), { counts: { danglingEdges: 1 }, blocks: [] }],
      ['a subcluster with a missing node', (file: GraphFile) => Object.assign(file.subclusters[0], { node_ids: [0, 9] }), { counts: { subclusters: 1 }, blocks: [] }],
      ['an edge confidence of the wrong type', (file: GraphFile) => Object.assign(file.edges[0], { confidence: { level: 'high' } }), { counts: { fields: 1 }, blocks: [] }],
      ['a cluster confidence beyond Postgres real', (file: GraphFile) => Object.assign(file.nodes[0], { cluster_confidence: 1e39 }), { counts: { fields: 1 }, blocks: [] }],
    ])('counts %s', (_, edit, skipped) => {
      const file = golden();
      edit(file);
      const parsed = parseGraphResult(file);
      expect(parsed.ok && parsed.skipped).toEqual(skipped);
    });

    it('keeps a node that has nothing but its id, with every other field at its default', () => {
      const parsed = parseGraphResult({ nodes: [{ id: 3 }] });
      expect(graphOf(parsed)).toEqual({
        nodes: [{ id: 3, origId: '', clusterId: '', clusterName: '', clusterConfidence: null, keywords: [], topKeywords: [], timestamp: null, numSections: 0, sourceType: 'chat' }],
        edges: [],
        subclusters: [],
        clusters: [{ id: '', name: '', description: '', size: 1, keyThemes: [] }],
        metadata: {},
        generatedAt: null,
      });
      // orig_id, cluster_id and num_sections are required by the contract: their absence is counted, the optional ones' is not.
      expect(parsed.ok && parsed.skipped).toEqual({ counts: { fields: 3 }, blocks: [] });
    });

    it('skips nothing in the golden files', () => {
      for (const name of ['files/graph-result.json', 'files/graph-result-legacy.json']) {
        const parsed = parseGraphResult(readGoldenJson(name));
        expect(parsed.ok && parsed.skipped).toEqual(NOTHING_SKIPPED);
      }
    });
  });

  describe('unreadable core', () => {
    it.each([
      ['not an object', [], ['the file must be an object']],
      ['without nodes', { edges: [], metadata: {} }, ['nodes is required']],
      ['with nodes that are not an array', { nodes: { 0: {} } }, ['nodes must be an array']],
      ['with a node without an id', { nodes: [{ id: 0 }, { orig_id: 'x' }, 'node'] }, ['nodes[1].id is required', 'nodes[2] must be an object']],
      ['with ids that are not integers of Postgres integer', { nodes: [{ id: '0' }, { id: 1.5 }, { id: -1 }, { id: 2 ** 31 }] }, [
        'nodes[0].id must be an integer from 0 to 2147483647',
        'nodes[1].id must be an integer from 0 to 2147483647',
        'nodes[2].id must be an integer from 0 to 2147483647',
        'nodes[3].id must be an integer from 0 to 2147483647',
      ]],
      ['with an id twice', { nodes: [{ id: 0 }, { id: 0 }] }, ['nodes has the id 0 more than once']],
    ])('refuses a file %s', (_, value, problems) => {
      expect(problemsOf(parseGraphResult(value))).toEqual(problems);
    });

    it('names at most the first 20 problems of a huge broken file', () => {
      const problems = problemsOf(parseGraphResult({ nodes: Array.from({ length: 5000 }, () => ({})) }));
      expect(problems).toHaveLength(21);
      expect(problems[20]).toBe('...and 4980 more problems');
    });
  });
});
