import { type GraphSummaryDto } from '@taco_tsinghua/graphnode-sdk';
import { ObjectStore } from '@app/aws';
import { DatabaseService, GraphRepository, JobsRepository } from '@app/database';
import { parseGraphResult } from '@app/queue-contracts';
import { sql } from 'drizzle-orm';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FIXTURES_DIR } from '../../../../libs/queue-contracts/test/golden-contract';
import { type ApiTestApp, bearer, bootApiTestApp, drainQueue, readProblem } from '../../test/api-test-app';
import { macroIdOf } from '../graph/macro-id';
import { GraphAiController } from './graph-ai.controller';
import { type GraphSummaryView } from './summary-view';

const CONVERSATIONS = readFileSync(resolve(FIXTURES_DIR, 'files/conversations.json'));
const GRAPH_FILE = JSON.parse(readFileSync(resolve(FIXTURES_DIR, 'files/graph-result.json'), 'utf8')) as unknown;
const SUMMARY_FILE = JSON.parse(readFileSync(resolve(FIXTURES_DIR, 'files/summary.json'), 'utf8')) as Record<string, unknown>;

/** Compile-time: what we answer is the SDK's GraphSummaryDto. */
const asSdkSummary = (view: GraphSummaryView): GraphSummaryDto => view;

/** summary.json as GET /v1/graph-ai/summary answers it for a user with `conversations` and `notes` sources. */
function expectedFixtureView(conversations: number, notes: number): GraphSummaryView {
  return {
    overview: {
      total_conversations: conversations,
      total_notes: notes,
      total_notions: 0,
      total_files: 0,
      time_span: '2024-12-02 to 2024-12-03',
      primary_interests: ['gardening', 'cooking'],
      conversation_style: 'short practical questions',
      most_active_period: '2024-12',
      summary_text: 'Mostly raising vegetables indoors, with some Korean home cooking.',
    },
    clusters: [
      {
        cluster_id: 'cluster_1',
        name: 'Gardening',
        size: 2,
        density: 1,
        centrality: 0.74,
        recency: 'active',
        top_keywords: ['seedlings'],
        key_themes: ['grow lights'],
        common_question_types: ['troubleshooting'],
        insight_text: 'Working through seed-starting problems one at a time.',
        notable_conversations: ['67a4e0b1-6c3d-800b-8f2e-1d9a5b7c3e01'],
      },
      {
        cluster_id: 'cluster_2',
        name: 'Cooking',
        size: 1,
        density: 0,
        centrality: 0.2,
        recency: 'dormant',
        top_keywords: ['된장찌개'],
        key_themes: ['stews'],
        common_question_types: ['how-to'],
        insight_text: 'An occasional recipe question.',
        notable_conversations: [],
      },
    ],
    patterns: [{ pattern_type: 'recurring_theme', description: 'Light and temperature come up again and again', evidence: ['q1', 'q2'], significance: 'medium' }],
    connections: [{ source_cluster: 'cluster_1', target_cluster: 'cluster_2', connection_strength: 0.18, bridge_keywords: [], description: 'Growing what you cook' }],
    recommendations: [
      { type: 'explore', title: 'Hardening off', description: 'Getting seedlings used to the outdoors before planting', related_nodes: ['0', '2'], priority: 'medium' },
    ],
    generated_at: '2026-12-01T09:26:06.000Z',
    detail_level: 'standard',
  };
}

describe(`${GraphAiController.name}: summary`, () => {
  let api: ApiTestApp;
  let user = 0;
  const nextUser = () => `sum-user-${++user}`;

  beforeAll(async () => {
    api = await bootApiTestApp('graph_ai_summary');
  });

  afterAll(async () => {
    await api.close();
  });

  const call = (method: string, userId: string, path: string) => fetch(`${api.base}${path}`, { method, headers: bearer(userId) });
  const getSummary = async (userId: string, query = ''): Promise<GraphSummaryView> => {
    const response = await call('GET', userId, `/v1/graph-ai/summary${query}`);
    expect(response.status).toBe(200);
    return asSdkSummary((await response.json()) as GraphSummaryView) as GraphSummaryView;
  };
  const summaryRows = async (userId: string) => {
    const result: unknown = await api.app.get(DatabaseService).db.execute(sql`
      SELECT count(*)::int AS total, count(deleted_at)::int AS deleted FROM graph_summaries WHERE user_id = ${userId}`);
    return (result as { rows: { total: number; deleted: number }[] }).rows[0];
  };

  /** A stored graph with summary.json as the summary of its version (and of the version before, which must stay out of sight). */
  async function storeSummarizedGraph(userId: string): Promise<void> {
    const parsed = parseGraphResult(GRAPH_FILE);
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    const graphs = api.app.get(GraphRepository);
    await graphs.replace(userId, 'task_seed_1', parsed.graph);
    await graphs.saveSummary(userId, 1, 'summary_old', { overview: { summary_text: 'an older summary' } });
    const version = await graphs.replace(userId, 'task_seed_2', parsed.graph);
    await graphs.saveSummary(userId, version, 'summary_seed', SUMMARY_FILE);
  }

  async function importSources(userId: string): Promise<void> {
    const headers = { ...bearer(userId), 'Content-Type': 'application/json' };
    expect((await fetch(`${api.base}/v1/sources/conversations`, { method: 'POST', headers, body: CONVERSATIONS })).status).toBe(201);
    const notes = JSON.stringify({ notes: [{ id: 'note-1', title: 'Garden', content: 'Tomatoes need sun' }] });
    expect((await fetch(`${api.base}/v1/sources/notes`, { method: 'POST', headers, body: notes })).status).toBe(201);
  }

  describe('getSummary', () => {
    it('answers an empty summary made now, with the live source counts, when there is none', async () => {
      const userId = nextUser();
      await importSources(userId);
      const before = Date.now();
      const summary = await getSummary(userId);
      expect(summary).toEqual({
        overview: {
          total_conversations: 2,
          total_notes: 1,
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
        generated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown,
        detail_level: 'standard',
      });
      expect(Date.parse(summary.generated_at)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(summary.generated_at)).toBeLessThanOrEqual(Date.now() + 1000);
    });

    it('answers the newest stored summary in the SDK shape: every member typed, unknown ones dropped, live counts', async () => {
      const userId = nextUser();
      await storeSummarizedGraph(userId);
      expect(await getSummary(userId)).toEqual(expectedFixtureView(0, 0));
      await importSources(userId);
      expect(await getSummary(userId, `?macroId=${macroIdOf(userId)}`)).toEqual(expectedFixtureView(2, 1));
    });

    it('answers 404 GRAPH_NOT_FOUND for a macroId that is not the user\'s graph', async () => {
      const userId = nextUser();
      await storeSummarizedGraph(userId);
      const refused = await readProblem(await call('GET', userId, `/v1/graph-ai/summary?macroId=${macroIdOf('someone-else')}`));
      expect(refused).toMatchObject({ status: 404, code: 'GRAPH_NOT_FOUND' });
    });
  });

  describe('requestSummary', () => {
    it('answers 202 with the user\'s macroId for the own macroId, and 404 for another', async () => {
      const userId = nextUser();
      await storeSummarizedGraph(userId);
      const refused = await readProblem(await call('POST', userId, `/v1/graph-ai/summary?macroId=${macroIdOf('someone-else')}`));
      expect(refused).toMatchObject({ status: 404, code: 'GRAPH_NOT_FOUND' });
      expect(await api.app.get(JobsRepository).listForUser(userId, { limit: 5 })).toEqual([]);

      const response = await call('POST', userId, `/v1/graph-ai/summary?macroId=${macroIdOf(userId)}`);
      expect(response.status).toBe(202);
      expect(await response.json()).toEqual({ message: expect.any(String) as unknown, taskId: expect.stringMatching(/^summary_sum-user-\d+_[0-9A-Z]{26}$/) as unknown, status: 'queued', macroId: macroIdOf(userId) });
      expect(await drainQueue(api.aws)).toHaveLength(1);
    });
  });

  describe('deleteSummary / restoreSummary', () => {
    it('deletes restorably (204, then an empty summary), restores (200) and refuses a second restore (404)', async () => {
      const userId = nextUser();
      await storeSummarizedGraph(userId);

      const deleted = await call('DELETE', userId, '/v1/graph-ai/summary');
      expect(deleted.status).toBe(204);
      expect(await deleted.text()).toBe('');
      const emptied = await getSummary(userId);
      expect(emptied).toMatchObject({ clusters: [], overview: { summary_text: '' }, detail_level: 'standard' });
      expect(await summaryRows(userId)).toEqual({ total: 2, deleted: 2 });

      const restored = await call('POST', userId, '/v1/graph-ai/summary/restore');
      expect(restored.status).toBe(200);
      expect(await restored.json()).toEqual({ message: 'Summary restored' });
      expect(await getSummary(userId)).toEqual(expectedFixtureView(0, 0));

      const again = await readProblem(await call('POST', userId, '/v1/graph-ai/summary/restore'));
      expect(again).toMatchObject({ status: 404, code: 'SUMMARY_NOT_FOUND' });
    });

    it('restores only what the latest delete deleted', async () => {
      const userId = nextUser();
      await storeSummarizedGraph(userId);
      expect((await call('DELETE', userId, '/v1/graph-ai/summary')).status).toBe(204);
      // A new summary of the newest version, then a second delete: the restore brings back that summary only.
      await api.app.get(GraphRepository).saveSummary(userId, 2, 'summary_new', { ...SUMMARY_FILE, overview: { summary_text: 'the newest summary' } });
      expect((await call('DELETE', userId, '/v1/graph-ai/summary')).status).toBe(204);
      expect((await call('POST', userId, '/v1/graph-ai/summary/restore')).status).toBe(200);
      expect((await getSummary(userId)).overview.summary_text).toBe('the newest summary');
      expect(await summaryRows(userId)).toEqual({ total: 2, deleted: 1 });
    });

    it('deletes for good with permanent=true: the rows go and nothing can be restored', async () => {
      const userId = nextUser();
      await storeSummarizedGraph(userId);
      expect((await call('DELETE', userId, `/v1/graph-ai/summary?permanent=true&macroId=${macroIdOf(userId)}`)).status).toBe(204);
      expect(await summaryRows(userId)).toEqual({ total: 0, deleted: 0 });
      expect((await readProblem(await call('POST', userId, '/v1/graph-ai/summary/restore'))).code).toBe('SUMMARY_NOT_FOUND');
      expect((await getSummary(userId)).clusters).toEqual([]);
      expect((await fetch(`${api.base}/v1/graph`, { headers: bearer(userId) })).status).toBe(200);
    });

    it('deletes the files of the user\'s finished summary jobs with permanent=true, and keeps the generation\'s', async () => {
      const userId = nextUser();
      await storeSummarizedGraph(userId);
      await importSources(userId);
      const finish = async (path: string, resultKey: (taskId: string) => string) => {
        const response = await call('POST', userId, path);
        expect(response.status).toBe(202);
        const { taskId } = (await response.json()) as { taskId: string };
        await api.app.get(ObjectStore).put(resultKey(taskId), '{}');
        await api.app.get(JobsRepository).transition(taskId, ['QUEUED'], { status: 'SUCCEEDED', resultKey: resultKey(taskId), finishedAt: new Date() });
        return taskId;
      };
      const summary = await finish('/v1/graph-ai/summary', (taskId) => `graph-summary/${taskId}/summary.json`);
      const generation = await finish('/v1/graph-ai/generate', (taskId) => `graph-results/${taskId}/graph_final.json`);
      await drainQueue(api.aws);
      expect(await api.aws.listKeys(`graph-summary/${summary}/`)).toEqual([`graph-summary/${summary}/graph.json`, `graph-summary/${summary}/summary.json`]);
      const generationKeys = [...(await api.aws.listKeys(`graph-generation/${generation}/`)), ...(await api.aws.listKeys(`graph-results/${generation}/`))];
      expect(generationKeys).toHaveLength(3);

      expect((await call('DELETE', userId, '/v1/graph-ai/summary?permanent=true')).status).toBe(204);

      expect(await api.aws.listKeys(`graph-summary/${summary}/`)).toEqual([]);
      expect([...(await api.aws.listKeys(`graph-generation/${generation}/`)), ...(await api.aws.listKeys(`graph-results/${generation}/`))]).toEqual(generationKeys);
    });

    it('answers 204 without any summary, 404 to a restore then, and 404 GRAPH_NOT_FOUND for another macroId', async () => {
      const userId = nextUser();
      expect((await call('DELETE', userId, '/v1/graph-ai/summary')).status).toBe(204);
      expect((await call('DELETE', userId, '/v1/graph-ai/summary?permanent=true')).status).toBe(204);
      expect((await readProblem(await call('POST', userId, '/v1/graph-ai/summary/restore'))).code).toBe('SUMMARY_NOT_FOUND');
      for (const [method, path] of [
        ['DELETE', '/v1/graph-ai/summary'],
        ['POST', '/v1/graph-ai/summary/restore'],
      ]) {
        const refused = await readProblem(await call(method, userId, `${path}?macroId=${macroIdOf('someone-else')}`));
        expect(refused).toMatchObject({ status: 404, code: 'GRAPH_NOT_FOUND' });
      }
    });

    it('refuses permanent=<not a boolean> with 400 and deletes nothing', async () => {
      const userId = nextUser();
      await storeSummarizedGraph(userId);
      const refused = await readProblem(await call('DELETE', userId, '/v1/graph-ai/summary?permanent=yes'));
      expect(refused).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', errors: ['permanent must be true or false'] });
      expect(await summaryRows(userId)).toEqual({ total: 2, deleted: 0 });
    });
  });
});
