import { readGoldenJson } from '../../test/golden-contract';
import { encodeGraphResult } from './encode-graph-result';
import { parseGraphResult } from './parse-graph-result';

describe(encodeGraphResult.name, () => {
  describe('round trip', () => {
    it('encodes to a file that parses back to the same graph', () => {
      const first = parseGraphResult(readGoldenJson('files/graph-result.json'));
      if (!first.ok) throw new Error(first.problems.join('; '));
      const encoded = encodeGraphResult(first.graph);
      const second = parseGraphResult(encoded);
      if (!second.ok) throw new Error(second.problems.join('; '));
      const { metadata: _a, ...graph } = first.graph;
      const { metadata: _b, ...again } = second.graph;
      expect(again).toEqual(graph);
    });

    it('writes snake_case, omits a null cluster_confidence and refreshes metadata totals', () => {
      const parsed = parseGraphResult(readGoldenJson('files/graph-result.json'));
      if (!parsed.ok) throw new Error(parsed.problems.join('; '));
      const encoded = encodeGraphResult({ ...parsed.graph, edges: [] }) as { nodes: Record<string, unknown>[]; metadata: Record<string, unknown> };
      expect(Object.keys(encoded.nodes[2])).not.toContain('cluster_confidence');
      expect(encoded.nodes[0]).toMatchObject({ orig_id: parsed.graph.nodes[0].origId, num_sections: 5, source_type: 'chat' });
      expect(encoded.metadata).toMatchObject({ total_edges: 0, total_nodes: 3, language: 'en', generated_at: '2026-12-01T09:03:40.552Z' });
      expect(encoded.metadata.clusters).toHaveProperty('cluster_2.key_themes', ['stews']);
    });
  });
});
