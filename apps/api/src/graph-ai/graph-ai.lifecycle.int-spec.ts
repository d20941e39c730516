import { ObjectStore } from '@app/aws';
import { DatabaseService, GraphRepository, JobsRepository, type StoredGraph } from '@app/database';
import { parseGraphResult } from '@app/queue-contracts';
import { sql } from 'drizzle-orm';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ulid } from 'ulid';
import { FIXTURES_DIR } from '../../../../libs/queue-contracts/test/golden-contract';
import { type ApiTestApp, bearer, bootApiTestApp, drainQueue, readProblem } from '../../test/api-test-app';
import { macroIdOf } from '../graph/macro-id';
import { GraphAiController } from './graph-ai.controller';

const CONVERSATIONS = readFileSync(resolve(FIXTURES_DIR, 'files/conversations.json'));
const GRAPH_FILE = JSON.parse(readFileSync(resolve(FIXTURES_DIR, 'files/graph-result.json'), 'utf8')) as unknown;
const SUMMARY_FILE = JSON.parse(readFileSync(resolve(FIXTURES_DIR, 'files/summary.json'), 'utf8')) as Record<string, unknown>;
const WINDOW_SECONDS = 3600;

/** Rows of the user's graph in every graph table. */
interface GraphRowCounts {
  graphs: number;
  nodes: number;
  edges: number;
  clusters: number;
  subclusters: number;
  summaries: number;
}

describe(`${GraphAiController.name}: delete and restore the graph`, () => {
  let api: ApiTestApp;
  let user = 0;
  const nextUser = () => `life-user-${++user}`;

  beforeAll(async () => {
    api = await bootApiTestApp('graph_ai_lifecycle', { env: { GRAPH_RESTORE_WINDOW_SECONDS: String(WINDOW_SECONDS) } });
  });

  afterAll(async () => {
    await api.close();
  });

  const call = (method: string, userId: string, path: string) => fetch(`${api.base}${path}`, { method, headers: bearer(userId) });
  const post = (userId: string, path: string, body: Buffer | string) =>
    fetch(`${api.base}${path}`, { method: 'POST', headers: { ...bearer(userId), 'Content-Type': 'application/json' }, body });
  const readGraph = async (userId: string): Promise<{ status: number; graph?: StoredGraph }> => {
    const response = await call('GET', userId, '/v1/graph');
    return response.status === 200 ? { status: 200, graph: (await response.json()) as StoredGraph } : { status: response.status };
  };
  const query = async <T>(statement: ReturnType<typeof sql>): Promise<T[]> => {
    const result: unknown = await api.app.get(DatabaseService).db.execute(statement);
    return (result as { rows: T[] }).rows; // node-postgres and PGlite both answer with rows
  };
  const rowCounts = async (userId: string): Promise<GraphRowCounts> => {
    const [counts] = await query<GraphRowCounts>(sql`SELECT
      (SELECT count(*)::int FROM graphs WHERE user_id = ${userId}) AS graphs,
      (SELECT count(*)::int FROM graph_nodes WHERE user_id = ${userId}) AS nodes,
      (SELECT count(*)::int FROM graph_edges WHERE user_id = ${userId}) AS edges,
      (SELECT count(*)::int FROM graph_clusters WHERE user_id = ${userId}) AS clusters,
      (SELECT count(*)::int FROM graph_subclusters WHERE user_id = ${userId}) AS subclusters,
      (SELECT count(*)::int FROM graph_summaries WHERE user_id = ${userId}) AS summaries`);
    return counts;
  };
  /** Moves the graph's delete stamp `seconds` into the past. */
  const ageDelete = (userId: string, seconds: number) => query(sql`UPDATE graphs SET deleted_at = now() - make_interval(secs => ${seconds}::integer) WHERE user_id = ${userId}`);

  async function storeGraph(userId: string, taskId = 'task_seed'): Promise<number> {
    const parsed = parseGraphResult(GRAPH_FILE);
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    const graphs = api.app.get(GraphRepository);
    const version = await graphs.replace(userId, taskId, parsed.graph);
    await graphs.saveSummary(userId, version, 'summary_seed', SUMMARY_FILE);
    return version;
  }

  async function importSources(userId: string): Promise<void> {
    expect((await post(userId, '/v1/sources/conversations', CONVERSATIONS)).status).toBe(201);
    expect((await post(userId, '/v1/sources/notes', JSON.stringify({ notes: [{ id: 'note-1', title: 'Garden', content: 'Tomatoes need sun' }] }))).status).toBe(201);
  }

  /** Queues a job over HTTP and finishes it as the worker would, with the result files the AI writes. */
  async function finishedJob(userId: string, path: string, resultFiles: (taskId: string) => string[]): Promise<string> {
    const response = await post(userId, path, '{}');
    expect(response.status).toBe(202);
    const { taskId } = (await response.json()) as { taskId: string };
    const files = resultFiles(taskId);
    for (const key of files) await api.app.get(ObjectStore).put(key, '{}');
    await api.app.get(JobsRepository).transition(taskId, ['QUEUED'], { status: 'SUCCEEDED', resultKey: files[0], finishedAt: new Date() });
    return taskId;
  }

  /** Every key in the bucket that names one of these task ids. */
  async function keysOf(taskIds: readonly string[]): Promise<string[]> {
    const keys = await api.aws.listKeys();
    return keys.filter((key) => taskIds.some((taskId) => key.split('/').includes(taskId))).sort();
  }

  describe('deleteGraph without permanent, then restoreGraph', () => {
    it('hides the graph (GET /v1/graph 404, its summary, add-node and summary 404) until it is restored, unchanged', async () => {
      const userId = nextUser();
      await storeGraph(userId);
      const before = await readGraph(userId);
      expect(before.status).toBe(200);

      const deleted = await call('DELETE', userId, '/v1/graph-ai');
      expect(deleted.status).toBe(204);
      expect(await deleted.text()).toBe('');
      expect(await readGraph(userId)).toEqual({ status: 404 });
      expect(((await (await call('GET', userId, '/v1/graph-ai/summary')).json()) as { clusters: unknown[] }).clusters).toEqual([]);
      expect((await readProblem(await call('POST', userId, '/v1/graph-ai/add-node'))).code).toBe('GRAPH_NOT_FOUND');
      expect((await readProblem(await call('POST', userId, '/v1/graph-ai/summary'))).code).toBe('GRAPH_NOT_FOUND');
      expect((await rowCounts(userId)).nodes).toBeGreaterThan(0);

      const restored = await call('POST', userId, `/v1/graph-ai/restore?macroId=${macroIdOf(userId)}`);
      expect(restored.status).toBe(200);
      expect(await restored.json()).toEqual({ message: 'Graph restored' });
      expect(await readGraph(userId)).toEqual(before);
      expect(((await (await call('GET', userId, '/v1/graph-ai/summary')).json()) as { clusters: unknown[] }).clusters).toHaveLength(2);

      const again = await readProblem(await call('POST', userId, '/v1/graph-ai/restore'));
      expect(again).toMatchObject({ status: 404, code: 'GRAPH_NOT_FOUND' });
      expect(await drainQueue(api.aws)).toEqual([]);
    });

    it('restores within GRAPH_RESTORE_WINDOW_SECONDS and answers 404 once it has passed', async () => {
      const inside = nextUser();
      const outside = nextUser();
      for (const userId of [inside, outside]) {
        await storeGraph(userId);
        expect((await call('DELETE', userId, '/v1/graph-ai')).status).toBe(204);
      }
      await ageDelete(inside, WINDOW_SECONDS - 60);
      await ageDelete(outside, WINDOW_SECONDS + 60);

      expect((await call('POST', inside, '/v1/graph-ai/restore')).status).toBe(200);
      expect((await readGraph(inside)).status).toBe(200);
      const late = await readProblem(await call('POST', outside, '/v1/graph-ai/restore'));
      expect(late).toMatchObject({ status: 404, code: 'GRAPH_NOT_FOUND', detail: expect.stringMatching(/within the last hour/) as unknown });
      expect(await readGraph(outside)).toEqual({ status: 404 });
    });

    it('restores a deleted summary within the same window, and answers 404 SUMMARY_NOT_FOUND once it has passed', async () => {
      const inside = nextUser();
      const outside = nextUser();
      for (const userId of [inside, outside]) {
        await storeGraph(userId);
        expect((await call('DELETE', userId, '/v1/graph-ai/summary')).status).toBe(204);
      }
      await query(sql`UPDATE graph_summaries SET deleted_at = now() - make_interval(secs => ${WINDOW_SECONDS - 60}::integer) WHERE user_id = ${inside}`);
      await query(sql`UPDATE graph_summaries SET deleted_at = now() - make_interval(secs => ${WINDOW_SECONDS + 60}::integer) WHERE user_id = ${outside}`);
      expect((await call('POST', inside, '/v1/graph-ai/summary/restore')).status).toBe(200);
      expect(await readProblem(await call('POST', outside, '/v1/graph-ai/summary/restore'))).toMatchObject({ status: 404, code: 'SUMMARY_NOT_FOUND' });
    });

    it('keeps the first delete stamp when the deleted graph is deleted again', async () => {
      const userId = nextUser();
      await storeGraph(userId);
      expect((await call('DELETE', userId, '/v1/graph-ai')).status).toBe(204);
      await ageDelete(userId, WINDOW_SECONDS + 60);
      expect((await call('DELETE', userId, '/v1/graph-ai')).status).toBe(204);
      expect((await readProblem(await call('POST', userId, '/v1/graph-ai/restore'))).code).toBe('GRAPH_NOT_FOUND');
    });

    it('answers 204 when there is no graph (the delete is idempotent) and 404 to a restore', async () => {
      const userId = nextUser();
      expect((await call('DELETE', userId, '/v1/graph-ai')).status).toBe(204);
      expect((await call('DELETE', userId, '/v1/graph-ai?permanent=true')).status).toBe(204);
      expect((await readProblem(await call('POST', userId, '/v1/graph-ai/restore'))).code).toBe('GRAPH_NOT_FOUND');
    });

    it('answers 404 GRAPH_NOT_FOUND to another macroId and leaves the graph alone', async () => {
      const userId = nextUser();
      await storeGraph(userId);
      const foreign = macroIdOf('someone-else');
      for (const [method, path] of [
        ['DELETE', `/v1/graph-ai?macroId=${foreign}`],
        ['DELETE', `/v1/graph-ai?permanent=true&macroId=${foreign}`],
        ['POST', `/v1/graph-ai/restore?macroId=${foreign}`],
        ['POST', `/v1/graph-ai/add-node?macroId=${foreign}`],
      ]) {
        expect(await readProblem(await call(method, userId, path))).toMatchObject({ status: 404, code: 'GRAPH_NOT_FOUND' });
      }
      expect((await readGraph(userId)).status).toBe(200);
      expect((await rowCounts(userId)).summaries).toBe(1);
      expect((await call('DELETE', userId, `/v1/graph-ai?macroId=${macroIdOf(userId)}`)).status).toBe(204);
      expect((await readGraph(userId)).status).toBe(404);
    });
  });

  describe('deleteGraph while a graph-ai job runs', () => {
    it.each([
      ['a generation', '/v1/graph-ai/generate'],
      ['an add-node job', '/v1/graph-ai/add-node'],
      ['a summary job', '/v1/graph-ai/summary'],
    ])('answers 409 JOB_ALREADY_RUNNING with the taskId of %s, and deletes nothing', async (_label, path) => {
      const userId = nextUser();
      await storeGraph(userId);
      await importSources(userId);
      const running = await post(userId, path, '{}');
      expect(running.status).toBe(202);
      const { taskId } = (await running.json()) as { taskId: string };
      const before = await rowCounts(userId);

      for (const query of ['', '?permanent=true']) {
        const refused = await readProblem(await call('DELETE', userId, `/v1/graph-ai${query}`));
        expect(refused).toMatchObject({ status: 409, code: 'JOB_ALREADY_RUNNING', taskId, detail: `Job ${taskId} is still running; wait for it to finish` });
      }
      expect((await readGraph(userId)).status).toBe(200);
      expect(await rowCounts(userId)).toEqual(before);

      await api.app.get(JobsRepository).transition(taskId, ['QUEUED'], { status: 'FAILED', finishedAt: new Date() });
      expect((await call('DELETE', userId, '/v1/graph-ai')).status).toBe(204);
      expect(await drainQueue(api.aws)).toHaveLength(1);
    });
  });

  describe('deleteGraph with permanent=true', () => {
    it('removes every graph row and summary, the files of the user\'s jobs in S3 and nothing of another user\'s', async () => {
      const userId = nextUser();
      const neighbour = `${userId}_b`; // its task ids start with this user's task id prefix
      await importSources(userId);
      await importSources(neighbour);
      const generation = await finishedJob(userId, '/v1/graph-ai/generate', (taskId) => [`graph-results/${taskId}/graph_final.json`, `graph-results/${taskId}/features.json`, `graph-results/${taskId}/summary.json`]);
      const version = await storeGraph(userId, generation);
      const addNode = await finishedJob(userId, '/v1/graph-ai/add-node', (taskId) => [`add-node-results/${taskId}/result.json`]);
      const summary = await finishedJob(userId, '/v1/graph-ai/summary', (taskId) => [`graph-summary/${taskId}/summary.json`]);
      // A generation whose result the older AI wrote under graphs/<userId>/<taskId>/.
      const legacy = `task_${userId}_${ulid()}`;
      await api.app.get(JobsRepository).create({ taskId: legacy, userId, kind: 'GRAPH_GENERATION', status: 'SUCCEEDED', inputKey: `graph-generation/${legacy}/`, resultKey: `graphs/${userId}/${legacy}/output.json` });
      await api.app.get(ObjectStore).put(`graphs/${userId}/${legacy}/output.json`, '{}');
      const theirs = await finishedJob(neighbour, '/v1/graph-ai/generate', (taskId) => [`graph-results/${taskId}/graph_final.json`]);
      await storeGraph(neighbour, theirs);
      await drainQueue(api.aws);
      const included = [{ kind: 'note' as const, id: 'note-1' }, ...(JSON.parse(CONVERSATIONS.toString('utf8')) as { id: string }[]).map(({ id }) => ({ kind: 'conversation' as const, id }))];
      expect(await api.app.get(GraphRepository).markSourcesIncluded(userId, version, included)).toBe(3);

      const mine = [generation, addNode, summary, legacy];
      expect(await keysOf(mine)).toEqual(
        [
          `graph-generation/${generation}/input.json`,
          `graph-generation/${generation}/notes.json`,
          `graph-results/${generation}/graph_final.json`,
          `graph-results/${generation}/features.json`,
          `graph-results/${generation}/summary.json`,
          `add-node/${addNode}/batch.json`,
          `add-node-results/${addNode}/result.json`,
          `graph-summary/${summary}/graph.json`,
          `graph-summary/${summary}/summary.json`,
          `graphs/${userId}/${legacy}/output.json`,
        ].sort(),
      );
      const theirKeys = await keysOf([theirs]);
      expect(theirKeys).toHaveLength(3);

      const deleted = await call('DELETE', userId, '/v1/graph-ai?permanent=true');
      expect(deleted.status).toBe(204);

      expect(await keysOf(mine)).toEqual([]);
      expect(await keysOf([theirs])).toEqual(theirKeys);
      expect(await rowCounts(userId)).toEqual({ graphs: 0, nodes: 0, edges: 0, clusters: 0, subclusters: 0, summaries: 0 });
      expect((await rowCounts(neighbour)).nodes).toBeGreaterThan(0);
      expect(await readGraph(userId)).toEqual({ status: 404 });
      expect((await readProblem(await call('POST', userId, '/v1/graph-ai/restore'))).code).toBe('GRAPH_NOT_FOUND');
      const listed = (await (await call('GET', userId, '/v1/sources')).json()) as { sources: { inGraph: boolean }[] };
      expect(listed.sources.map((source) => source.inGraph)).toEqual([false, false, false]);
      expect(await api.app.get(JobsRepository).listForUser(userId, { limit: 10 })).toHaveLength(4);
    });

    it('also removes a graph that was deleted restorably before', async () => {
      const userId = nextUser();
      await storeGraph(userId);
      expect((await call('DELETE', userId, '/v1/graph-ai')).status).toBe(204);
      expect((await rowCounts(userId)).graphs).toBe(1);
      expect((await call('DELETE', userId, `/v1/graph-ai?permanent=true&macroId=${macroIdOf(userId)}`)).status).toBe(204);
      expect(await rowCounts(userId)).toEqual({ graphs: 0, nodes: 0, edges: 0, clusters: 0, subclusters: 0, summaries: 0 });
    });

    it('refuses permanent=<not a boolean> with 400 and deletes nothing', async () => {
      const userId = nextUser();
      await storeGraph(userId);
      const refused = await readProblem(await call('DELETE', userId, '/v1/graph-ai?permanent=1'));
      expect(refused).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', errors: ['permanent must be true or false'] });
      expect((await readGraph(userId)).status).toBe(200);
    });
  });
});
