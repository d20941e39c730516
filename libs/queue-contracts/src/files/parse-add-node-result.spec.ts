import { GOLDEN_FILLS, readGoldenJson } from '../../test/golden-contract';
import { type AddNodeResult } from './add-node-result.types';
import { parseAddNodeResult, type AddNodeResultParseResult } from './parse-add-node-result';

type Json = Record<string, unknown>;
interface AddNodeFile extends Json {
  results: (Json & { nodes: Json[]; edges: Json[] })[];
}

const golden = (): AddNodeFile => readGoldenJson('files/add-node-result.json') as AddNodeFile;

function resultOf(parsed: AddNodeResultParseResult): AddNodeResult {
  if (!parsed.ok) throw new Error(`expected a valid result, got: ${parsed.problems.join('; ')}`);
  return parsed.result;
}

function problemsOf(parsed: AddNodeResultParseResult): string[] {
  if (parsed.ok) throw new Error('expected problems');
  return parsed.problems;
}

describe(parseAddNodeResult.name, () => {
  describe('golden file', () => {
    it('parses add-node-result.json with numMessages or numSections', () => {
      const result = resultOf(parseAddNodeResult(golden()));
      expect(result.userId).toBe(GOLDEN_FILLS.userId);
      expect(result.processedCount).toBe(2);
      const [conversation, note] = result.results;
      expect(conversation).toMatchObject({ conversationId: '67a5f3d2-1e4b-800b-9a7c-4d2e8f6b1c03', noteId: null, skipped: false, error: null });
      expect(conversation.nodes).toEqual([
        {
          id: 'batch_0',
          origId: '67a5f3d2-1e4b-800b-9a7c-4d2e8f6b1c03',
          clusterId: 'cluster_1',
          clusterName: 'Gardening',
          numSections: 4,
          timestamp: '2024-12-05T18:30:00.000Z',
        },
      ]);
      expect(conversation.edges).toEqual([{ source: 'batch_0', target: 0, weight: 0.71, type: 'semantic', intraCluster: true }]);
      expect(note).toMatchObject({ conversationId: null, noteId: 'note-9d03', edges: [] });
      expect(note.nodes[0]).toMatchObject({ numSections: 1, timestamp: null });
      expect(note.assignedCluster).toEqual({
        clusterId: 'cluster_3',
        isNewCluster: true,
        confidence: 0.64,
        reasoning: 'No existing cluster fits',
        name: 'Running',
        themes: ['training plans'],
      });
    });
  });

  describe('tolerance', () => {
    it('accepts a skipped item without nodes, edges or cluster', () => {
      const [item] = resultOf(parseAddNodeResult({ userId: 'u', processedCount: 0, results: [{ conversationId: 'c', skipped: true, error: 'empty' }] })).results;
      expect(item).toEqual({ conversationId: 'c', noteId: null, nodes: [], edges: [], assignedCluster: null, skipped: true, error: 'empty' });
    });
  });

  describe('problems', () => {
    it('names the bad fields', () => {
      const file = golden();
      file.processedCount = '2';
      file.results[0].edges[0].source = { id: 'batch_0' };
      delete file.results[1].nodes[0].origId;
      expect(problemsOf(parseAddNodeResult(file))).toEqual([
        'processedCount must be an integer',
        'results[0].edges[0].source must be a node id (string or integer)',
        'results[1].nodes[0].origId is required',
      ]);
    });
  });
});
