import { skippedCounts, skippedWarning, withSkipped } from './skipped-parts';

describe('skipped parts', () => {
  describe(skippedWarning.name, () => {
    it('is null when nothing was skipped', () => {
      expect(skippedWarning({ counts: {}, blocks: [] })).toBeNull();
      expect(skippedWarning({ counts: { edges: 0 }, blocks: [] })).toBeNull();
    });

    it('lists counts per kind in a fixed order, singular and plural, with the paths of skipped blocks', () => {
      expect(skippedWarning({ counts: { keywords: 1, danglingEdges: 12, blocks: 2, fields: 3 }, blocks: ['metadata.clusters', 'subclusters'] })).toBe(
        'unreadable parts of the result file were skipped: 2 blocks of an unknown shape (metadata.clusters, subclusters), 12 edges to missing nodes, ' +
          '1 keyword of the wrong type, 3 unreadable fields (stored as their defaults)',
      );
    });
  });

  describe(skippedCounts.name, () => {
    it('writes kind=count pairs for the log line', () => {
      expect(skippedCounts({ counts: { subclusters: 1, edges: 4 }, blocks: [] })).toBe('edges=4 subclusters=1');
    });
  });

  describe(withSkipped.name, () => {
    it('adds counts of the same kind', () => {
      expect(withSkipped({ counts: { danglingEdges: 1, items: 2 }, blocks: ['x'] }, { danglingEdges: 3 })).toEqual({ counts: { danglingEdges: 4, items: 2 }, blocks: ['x'] });
    });
  });
});
