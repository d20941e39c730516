import { parseAddNodeResult } from '@app/queue-contracts';
import { conversationsFile } from '../test/contract-files';
import { buildAddNodeResult } from './add-node-result.builder';
import { readAddNodeBatch } from './source-files';

const EXISTING = [
  { id: 'cluster_1', name: 'Data Visualization', description: 'charts', size: 2, themes: ['d3'] },
  { id: 'cluster_2', name: 'Cooking', description: 'recipes', size: 1, themes: ['recipes'] },
];

function batch(existingClusters: unknown[]) {
  const notes = [{ noteId: 'note-91c2', title: 'Gardening basics', content: '# Tomatoes' }];
  return readAddNodeBatch('batch.json', { userId: 'u', existingClusters, conversations: conversationsFile(8), notes });
}

describe('buildAddNodeResult', () => {
  it('answers every conversation and note with one batch node, in the file shape the worker parses', () => {
    const { sources, existing } = batch(EXISTING);
    const file = buildAddNodeResult('u', sources, existing);
    const parsed = parseAddNodeResult(JSON.parse(JSON.stringify(file)));
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    expect(parsed.result.processedCount).toBe(9);
    expect(parsed.result.results.map((item) => item.conversationId ?? item.noteId)).toEqual([
      ...Array.from({ length: 8 }, (_, index) => `conv-${index + 1}`),
      'note-91c2',
    ]);
    expect(file.results.flatMap((item) => item.nodes.map((node) => node.id))).toEqual(sources.map((_, index) => `batch_${index}`));
  });

  it('is deterministic and links a node only to an earlier batch node of the same cluster', () => {
    const { sources, existing } = batch(EXISTING);
    const file = buildAddNodeResult('u', sources, existing);
    expect(buildAddNodeResult('u', sources, existing)).toEqual(file);
    const clusterOf = new Map(file.results.flatMap((item) => item.nodes.map((node) => [node.id, node.clusterId] as const)));
    for (const edge of file.results.flatMap((item) => item.edges)) {
      expect(clusterOf.get(edge.target)).toBe(clusterOf.get(edge.source));
      expect(Number(edge.target.slice(6))).toBeLessThan(Number(edge.source.slice(6)));
    }
  });

  it('creates new clusters whose ids do not collide with existing ones', () => {
    const { sources, existing } = batch([]);
    const file = buildAddNodeResult('u', sources, existing);
    expect(file.results.every((item) => item.assignedCluster.isNewCluster)).toBe(true);
    const other = batch(EXISTING);
    const withExisting = buildAddNodeResult('u', other.sources, other.existing);
    const created = withExisting.results.filter((item) => item.assignedCluster.isNewCluster).map((item) => item.assignedCluster.clusterId);
    expect(created.length).toBeGreaterThan(0);
    expect(created.filter((id) => id === 'cluster_1' || id === 'cluster_2')).toEqual([]);
  });
});
