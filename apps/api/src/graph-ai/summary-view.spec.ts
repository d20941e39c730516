import { summaryView } from './summary-view';

const NOW = new Date('2026-12-01T12:00:00.000Z');
const COUNTS = { conversations: 3, notes: 4 };
const stored = (summary: Record<string, unknown>) => ({ graphVersion: 1, taskId: 'summary_u_1', summary, createdAt: '2026-11-30T08:00:00.000Z' });

describe(summaryView.name, () => {
  it('makes an empty summary now without a stored one, with the live counts', () => {
    expect(summaryView(undefined, COUNTS, NOW)).toEqual({
      overview: {
        total_conversations: 3,
        total_notes: 4,
        total_notions: 0,
        total_files: 0,
        time_span: '',
        primary_interests: [],
        conversation_style: '',
        most_active_period: '',
        summary_text: '',
      },
      clusters: [],
      patterns: [],
      connections: [],
      recommendations: [],
      generated_at: '2026-12-01T12:00:00.000Z',
      detail_level: 'standard',
    });
  });

  it('gives every member its type: missing or mistyped ones empty, numbers in string lists as strings, other items dropped', () => {
    const view = summaryView(
      stored({
        overview: { total_conversations: 99, total_notions: 'two', primary_interests: ['a', 7, null, { x: 1 }], summary_text: 12 },
        clusters: [{ cluster_id: 'c1', size: '3', density: Number.NaN, top_keywords: 'one' }, 'not a cluster', null],
        connections: [{ connection_strength: 0.5, strength: 0.1 }],
        patterns: 'none',
        detail_level: '',
      }),
      COUNTS,
      NOW,
    );
    expect(view.overview).toMatchObject({ total_conversations: 3, total_notions: 0, primary_interests: ['a', '7'], summary_text: '12' });
    expect(view.clusters).toEqual([
      { cluster_id: 'c1', name: '', size: 0, density: 0, centrality: 0, recency: '', top_keywords: [], key_themes: [], common_question_types: [], insight_text: '', notable_conversations: [] },
    ]);
    expect(view.connections[0].connection_strength).toBe(0.5);
    expect(view.patterns).toEqual([]);
    expect(view.detail_level).toBe('standard');
  });

  it.each([
    ['a time without a zone, as the AI writes it (UTC)', '2026-12-01T09:26:06', '2026-12-01T09:26:06.000Z'],
    ['a time with an offset', '2026-12-01T09:26:06+09:00', '2026-12-01T00:26:06.000Z'],
    ['a time in Z', '2026-12-01T09:26:06.5Z', '2026-12-01T09:26:06.500Z'],
    ['no time: the stored summary\'s own', undefined, '2026-11-30T08:00:00.000Z'],
    ['no date at all: the stored summary\'s own', 'yesterday-ish', '2026-11-30T08:00:00.000Z'],
  ])('reads generated_at from %s', (_label, generatedAt, expected) => {
    expect(summaryView(stored({ overview: {}, generated_at: generatedAt }), COUNTS, NOW).generated_at).toBe(expected);
  });
});
