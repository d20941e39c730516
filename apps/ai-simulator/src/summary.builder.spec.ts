import { parseGraphResult, parseSummaryResult } from '@app/queue-contracts';
import { contractJson } from '../test/contract-files';
import { buildSummary } from './summary.builder';

function goldenNodes() {
  const parsed = parseGraphResult(contractJson('files/graph-result.json'));
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.graph.nodes;
}

describe('buildSummary', () => {
  it('summarises the golden graph in the shape of contract/files/summary.json', () => {
    const summary = buildSummary(goldenNodes(), '2026-11-22T06:21:00.000000');
    expect(parseSummaryResult(JSON.parse(JSON.stringify(summary))).ok).toBe(true);
    const golden = contractJson('files/summary.json') as Record<string, Record<string, unknown>>;
    expect(Object.keys(summary).sort()).toEqual(Object.keys(golden).sort());
    expect(Object.keys(summary.overview).sort()).toEqual(Object.keys(golden.overview).sort());
    expect(summary.overview).toMatchObject({ total_source_nodes: 3, total_conversations: 2, total_notes: 1, time_span: '2024-12-02 to 2024-12-03' });
    expect(summary.clusters.map((cluster) => [cluster.cluster_id, cluster.size])).toEqual([['cluster_1', 2], ['cluster_2', 1]]);
  });

  it('copes with an empty graph', () => {
    const summary = buildSummary([], '2026-11-22T06:21:00.000000');
    expect(summary.overview).toMatchObject({ total_source_nodes: 0, time_span: 'unknown', most_active_period: 'unknown' });
    expect(summary.clusters).toEqual([]);
  });
});
