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

/** The golden graph as an older AI version wrote it: num_messages and create_time/update_time. */
function drifted(): GraphFile {
  const file = golden();
  const times: Json[] = [
    { create_time: 1732250000 },
    {},
    { create_time: 1732300000, update_time: '2024-11-23T09:00:00' },
  ];
  file.nodes = file.nodes.map(({ timestamp: _t, num_sections, ...node }, index) => ({ ...node, num_messages: num_sections, ...times[index] }));
  return file;
}

describe(parseGraphResult.name, () => {
  describe('golden file', () => {
    it('parses graph-result.json into camelCase', () => {
      const graph = graphOf(parseGraphResult(golden()));
      expect(graph.nodes).toHaveLength(3);
      expect(graph.nodes[0]).toEqual({
        id: 0,
        origId: '6740a1f2-1c2d-8000-9e11-0a1b2c3d4e5f',
        clusterId: 'cluster_1',
        clusterName: 'Data Visualization',
        clusterConfidence: 0.91,
        keywords: [
          { term: 'scatter plot', score: 0.71 },
          { term: 'd3 scale', score: 0.64 },
        ],
        topKeywords: ['scatter plot', 'd3 scale'],
        timestamp: '2024-11-22T04:33:20.000Z',
        numSections: 4,
        sourceType: 'chat',
      });
      expect(graph.nodes[1].timestamp).toBeNull();
      expect(graph.nodes[2]).toMatchObject({ clusterConfidence: null, sourceType: 'markdown', timestamp: '2024-11-23T09:00:00.000Z' });
      expect(graph.edges[1]).toEqual({ source: 1, target: 0, weight: 0.21, type: 'semantic', isIntraCluster: false, confidence: 'llm_verified' });
      expect(graph.subclusters).toEqual([
        { id: 'subcluster_1', clusterId: 'cluster_1', nodeIds: [0, 2], representativeNodeId: 0, size: 2, density: 1, topKeywords: ['scatter plot'] },
      ]);
      expect(graph.clusters).toEqual([
        { id: 'cluster_1', name: 'Data Visualization', description: 'Charts and plotting in the browser', size: 2, keyThemes: ['d3', 'charts'] },
        { id: 'cluster_2', name: 'Cooking', description: 'Korean recipes', size: 1, keyThemes: ['recipes'] },
      ]);
      expect(graph.generatedAt).toBe('2026-11-22T06:03:09.118Z');
      expect(graph.metadata).toMatchObject({ language: 'en', total_nodes: 3 });
    });
  });

  describe('older AI versions', () => {
    it('reads num_messages and create_time/update_time to the same normalized fields', () => {
      const file = drifted();
      expect(file.nodes[0]).not.toHaveProperty('timestamp');
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
