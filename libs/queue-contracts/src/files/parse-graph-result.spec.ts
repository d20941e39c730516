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

  describe('problems', () => {
    it('rejects edges and subclusters that point at missing nodes', () => {
      const file = golden();
      file.edges[0].target = 7;
      file.subclusters[0].node_ids = [0, 9];
      expect(problemsOf(parseGraphResult(file))).toEqual([
        'edges[0].target 7 is not a node id',
        'subclusters[0].node_ids contains ids that are not node ids: 9',
      ]);
    });

    it('rejects duplicate node ids, missing section counts and bad timestamps', () => {
      const file = golden();
      file.nodes[1].id = 0;
      delete file.nodes[2].num_sections;
      file.nodes[0].timestamp = 'last tuesday';
      expect(problemsOf(parseGraphResult(file))).toEqual([
        'nodes[0].timestamp must be an ISO 8601 date-time, Unix seconds or null',
        'nodes[2].num_sections is required (or the older num_messages)',
        'nodes has the id 0 more than once',
        'edges[1].source 1 is not a node id',
      ]);
    });

    it.each([
      ['not an object', [], ['the file must be an object']],
      ['missing its parts', {}, ['nodes is required', 'edges is required', 'metadata is required']],
      ['typed wrongly', { nodes: [{ id: '0' }], edges: {}, metadata: { clusters: [] } }, [
        'nodes[0].id must be an integer',
        'nodes[0].orig_id is required',
        'nodes[0].cluster_id is required',
        'nodes[0].cluster_name is required',
        'nodes[0].num_sections is required (or the older num_messages)',
        'edges must be an array',
        'metadata.clusters must be an object',
      ]],
    ])('rejects a file that is %s', (_, value, problems) => {
      expect(problemsOf(parseGraphResult(value))).toEqual(problems);
    });
  });
});
