import { readGoldenJson } from '../../test/golden-contract';
import { parseSummaryResult } from './parse-summary-result';

describe(parseSummaryResult.name, () => {
  describe('golden file', () => {
    it('parses summary.json keeping every section as written', () => {
      const parsed = parseSummaryResult(readGoldenJson('files/summary.json'));
      if (!parsed.ok) throw new Error(parsed.problems.join('; '));
      expect(parsed.summary.overview).toMatchObject({ total_source_nodes: 3, summary_text: 'Mostly raising vegetables indoors, with some Korean home cooking.' });
      expect(parsed.summary.detail_level).toBe('standard');
      expect(parsed.summary.clusters).toHaveLength(2);
      expect(parsed.summary.connections).toHaveLength(1);
    });
  });

  describe('problems', () => {
    it.each([
      ['not an object', 'summary', ['the file must be an object']],
      ['missing overview', { clusters: [] }, ['overview is required']],
      ['an overview that is not an object', { overview: ['x'] }, ['overview must be an object']],
    ])('rejects a file that is %s', (_, value, problems) => {
      expect(parseSummaryResult(value)).toEqual({ ok: false, problems });
    });
  });
});
