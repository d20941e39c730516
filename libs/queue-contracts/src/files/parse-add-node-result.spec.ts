import { generateAiAddNodeOutput } from '../../test/ai-graph-output';
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

    it('reads add-node-result-older.json (numMessages or no count, no assignedCluster, no intraCluster, null and empty skipped/error, no processedCount)', () => {
      const parsed = parseAddNodeResult(readGoldenJson('files/add-node-result-older.json'));
      const result = resultOf(parsed);
      expect(parsed.ok && parsed.skipped).toEqual({ counts: {}, blocks: [] });
      expect(result.processedCount).toBe(2);
      expect(result.results.map((item) => [item.skipped, item.error, item.assignedCluster])).toEqual([
        [false, null, null],
        [false, null, null],
      ]);
      expect(result.results[0].nodes[0]).toEqual({
        id: 'batch_0',
        origId: '67f1a2b3-4c5d-800e-8f9a-0b1c2d3e4f01',
        clusterId: 'cluster_0',
        clusterName: 'Travel',
        numSections: 6,
        timestamp: '2024-12-05T12:00:00.000Z',
      });
      expect(result.results[1].nodes[0].numSections).toBeNull();
      expect(result.results[0].edges).toEqual([
        { source: 'batch_0', target: 4, weight: 0.58, type: 'semantic', intraCluster: null },
        { source: 'batch_0', target: 1, weight: 0.61, type: 'semantic', intraCluster: null },
      ]);
    });

    it('reads a generated batch in the older shape', () => {
      const parsed = parseAddNodeResult(generateAiAddNodeOutput({ items: 50, storedNodeIds: [1, 2, 3], sizeField: 'numMessages', assignedCluster: false, intraCluster: false }));
      const result = resultOf(parsed);
      expect(parsed.ok && parsed.skipped).toEqual({ counts: {}, blocks: [] });
      expect(result.results).toHaveLength(50);
      expect(result.results[49].edges).toEqual([
        { source: 'batch_49', target: 2, weight: 0.6, type: 'semantic', intraCluster: null },
        { source: 'batch_49', target: 'batch_48', weight: 0.4, type: 'semantic', intraCluster: null },
      ]);
    });
  });

  describe('unreadable parts', () => {
    it('skips and counts the broken parts of add-node-result-broken-parts.json, and fails the item whose node has no id', () => {
      const parsed = parseAddNodeResult(readGoldenJson('files/add-node-result-broken-parts.json'));
      const result = resultOf(parsed);
      expect(parsed.ok && parsed.skipped).toEqual({
        counts: { fields: 1, edges: 1, assignedClusters: 1, items: 1, blocks: 1, keywords: 1 },
        blocks: ['results[3].edges'],
      });
      const [conversation, note, cooking] = result.results;
      expect(result.results).toHaveLength(3);
      expect(conversation.nodes[0].timestamp).toBeNull();
      expect(conversation.edges.map((edge) => edge.target)).toEqual([0, 999]);
      expect(conversation.assignedCluster).toBeNull();
      expect(note).toMatchObject({ noteId: 'note-9d03', nodes: [], error: 'the result for this item could not be read: nodes[0] has no batch-local string id' });
      expect(cooking).toMatchObject({ edges: [], assignedCluster: { clusterId: 'cluster_2', themes: ['stews'] } });
    });

    it.each([
      ['nodes that are not an array', { nodes: { id: 'batch_0' } }, 'nodes is not an array'],
      ['a node with a numeric id (it would read as a stored node)', { nodes: [{ id: 0, origId: 'c' }] }, 'nodes[0] has no batch-local string id'],
    ])('fails an item with %s, alone', (_, edit, reason) => {
      const parsed = parseAddNodeResult({ userId: 'u', processedCount: 2, results: [{ conversationId: 'c1', ...edit }, { conversationId: 'c2', nodes: [] }] });
      const [failed, fine] = resultOf(parsed).results;
      expect(failed.error).toBe(`the result for this item could not be read: ${reason}`);
      expect(fine.error).toBeNull();
    });

    it('keeps an error that is not text as an error', () => {
      const [item] = resultOf(parseAddNodeResult({ userId: 'u', processedCount: 1, results: [{ conversationId: 'c', error: { message: 'timeout' } }] })).results;
      expect(item.error).toBe('the AI reported an error that is not text');
    });
  });

  describe('unreadable core', () => {
    it.each([
      ['not an object', 'results', ['the file must be an object']],
      ['without results', {}, ['results is required']],
      ['with results that are not an array', { results: { 0: {} } }, ['results must be an array']],
    ])('refuses a file %s', (_, value, problems) => {
      expect(problemsOf(parseAddNodeResult(value))).toEqual(problems);
    });
  });
});
