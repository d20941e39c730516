import { sql } from 'drizzle-orm';
import { DatabaseService, GraphReadsRepository, GraphRepository, type GraphWrite, type JobKind, type JobStatus, JobsRepository, SourcesRepository } from '@app/database';
import { sdkTypeErrors } from '../../../../test/support/sdk-types';
import { type ApiTestApp, bearer, bootApiTestApp, readProblem } from '../../test/api-test-app';
import { GraphController } from './graph.controller';
import { macroIdOf } from './macro-id';

interface Snapshot {
  nodes: Array<Record<string, unknown> & { id: number; userId: string }>;
  edges: Array<Record<string, unknown> & { source: number; target: number; userId: string; type: string }>;
  clusters: Array<Record<string, unknown> & { id: string; userId: string }>;
  subclusters: Array<Record<string, unknown> & { id: string }>;
  stats: Record<string, unknown> & { nodes: number; edges: number; clusters: number; status: string };
}

const GENERATED_AT = '2026-03-04T05:06:07.089Z';

/** `nodes` nodes in two clusters, a chain of edges whose stored types cycle through hard / semantic / insight. */
function graphOf(tag: string, nodes = 4): GraphWrite {
  const ids = Array.from({ length: nodes }, (_, index) => index);
  const clusterOf = (id: number) => `${tag}-c${id % 2}`;
  const types = ['hard', 'semantic', 'insight'];
  return {
    generatedAt: GENERATED_AT,
    metadata: { tag },
    nodes: ids.map((id) => ({
      id,
      origId: `${tag}-src-${id}`,
      clusterId: clusterOf(id),
      clusterName: `${tag} "cluster" ${id % 2}`,
      clusterConfidence: 0.5,
      keywords: [{ term: `${tag}-k${id}`, score: 0.25 }],
      topKeywords: [`${tag}-k${id}`],
      timestamp: id % 2 === 0 ? '2026-01-02T03:04:05Z' : null,
      numSections: id + 3,
      sourceType: ['chat', 'markdown', 'note', 'mystery'][id % 4],
    })),
    edges: ids.slice(1).map((id) => ({
      source: id - 1,
      target: id,
      weight: id / 10,
      type: types[id % 3],
      isIntraCluster: clusterOf(id) === clusterOf(id - 1),
      confidence: null,
    })),
    clusters: [0, 1].map((index) => ({
      id: `${tag}-c${index}`,
      name: `${tag} cluster ${index}`,
      description: `About ${tag} ${index}`,
      size: ids.filter((id) => id % 2 === index).length,
      keyThemes: [`${tag}-theme-${index}`],
    })),
    subclusters: [0, 1].map((index) => ({
      id: `${tag}-s${index}`,
      clusterId: `${tag}-c${index}`,
      nodeIds: ids.filter((id) => id % 2 === index),
      representativeNodeId: index,
      size: ids.filter((id) => id % 2 === index).length,
      density: 0.75,
      topKeywords: [`${tag}-top-${index}`],
    })),
  };
}

describe(`${GraphController.name} (graph reads)`, () => {
  let api: ApiTestApp;
  let graphs: GraphRepository;
  let jobs: JobsRepository;
  let database: DatabaseService;
  let jobCount = 0;

  const get = (userId: string, path: string) => fetch(`${api.base}${path}`, { headers: bearer(userId) });
  const ok = async <T>(userId: string, path: string): Promise<T> => {
    const response = await get(userId, path);
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const stats = (userId: string) => ok<Record<string, unknown>>(userId, '/v1/graph/stats');
  const snapshot = (userId: string) => ok<Snapshot>(userId, '/v1/graph/snapshot');

  /** A job row as the ledger holds it; `at` orders it (created_at, and finished_at when it ended). */
  const job = async (userId: string, kind: JobKind, status: JobStatus, at: string, extra: { errorMessage?: string; errorDetail?: string; options?: Record<string, unknown> } = {}) => {
    const taskId = `task_${kind.toLowerCase()}_${++jobCount}`;
    const ended = status !== 'QUEUED' && status !== 'RUNNING';
    await jobs.create({ taskId, userId, kind, status, inputKey: `in/${taskId}/`, createdAt: new Date(at), updatedAt: new Date(at), ...(ended ? { finishedAt: new Date(at) } : {}), ...extra });
    return taskId;
  };
  /** The graph as the worker stores it, last written at `updatedAt`. */
  const generate = async (userId: string, updatedAt = '2026-03-04T06:00:00.000Z', graph = graphOf(userId)) => {
    await graphs.replace(userId, `task_${userId}_gen`, graph);
    await database.db.execute(sql`UPDATE graphs SET updated_at = ${updatedAt}::timestamptz WHERE user_id = ${userId}`);
  };
  /** One add-node merge (version + 1, generation_version kept), last written at `updatedAt`. */
  const merge = async (userId: string, updatedAt: string) => {
    await database.transaction(async (tx) => {
      const base = await graphs.lockForMerge(userId, tx);
      if (!base) throw new Error(`${userId} has no graph`);
      const node = { ...graphOf(userId).nodes[0], id: base.nextNodeId, origId: `${userId}-added` };
      await graphs.append(userId, `task_add_node_${userId}`, { nodes: [node], edges: [], newClusters: [], clusterGrowth: { [node.clusterId]: 1 } }, tx);
    });
    await database.db.execute(sql`UPDATE graphs SET updated_at = ${updatedAt}::timestamptz WHERE user_id = ${userId}`);
  };
  const softDelete = (userId: string, at: string) => database.db.execute(sql`UPDATE graphs SET deleted_at = ${at}::timestamptz WHERE user_id = ${userId}`);

  beforeAll(async () => {
    api = await bootApiTestApp('graph_reads');
    graphs = api.app.get(GraphRepository);
    jobs = api.app.get(JobsRepository);
    database = api.app.get(DatabaseService);
  });

  afterAll(async () => {
    await api?.close();
  });

  describe('stats', () => {
    it('is NOT_CREATED with zero counts and no timestamps for a user without graph or jobs', async () => {
      expect(await stats('st-none')).toEqual({ userId: 'st-none', nodes: 0, edges: 0, clusters: 0, status: 'NOT_CREATED' });
    });

    it('is CREATING while a generation is queued or running, with the counts of the graph it will replace', async () => {
      await job('st-creating', 'GRAPH_GENERATION', 'QUEUED', '2026-03-01T00:00:00Z');
      expect(await stats('st-creating')).toEqual({ userId: 'st-creating', nodes: 0, edges: 0, clusters: 0, status: 'CREATING' });

      await generate('st-regen');
      await job('st-regen', 'GRAPH_GENERATION', 'RUNNING', '2026-03-05T00:00:00Z');
      expect(await stats('st-regen')).toMatchObject({ status: 'CREATING', nodes: 4, edges: 3, clusters: 2 });
    });

    it('is CREATED after a generation, with SQL counts, the AI generation time and the write time', async () => {
      await job('st-created', 'GRAPH_GENERATION', 'SUCCEEDED', '2026-03-04T05:59:00Z');
      await generate('st-created', '2026-03-04T06:00:00.000Z', graphOf('st-created', 7));
      expect(await stats('st-created')).toEqual({
        userId: 'st-created',
        nodes: 7,
        edges: 6,
        clusters: 2,
        status: 'CREATED',
        generatedAt: GENERATED_AT,
        updatedAt: '2026-03-04T06:00:00.000Z',
      });
    });

    it('falls back to the write time for generatedAt when the AI sent none', async () => {
      await generate('st-no-time', '2026-03-04T06:00:00.000Z', { ...graphOf('st-no-time'), generatedAt: null });
      expect(await stats('st-no-time')).toMatchObject({ status: 'CREATED', generatedAt: '2026-03-04T06:00:00.000Z' });
    });

    it('is UPDATING while an add-node job is queued or running', async () => {
      await generate('st-updating');
      await job('st-updating', 'ADD_NODE', 'RUNNING', '2026-03-05T00:00:00Z');
      expect(await stats('st-updating')).toMatchObject({ status: 'UPDATING', nodes: 4 });
    });

    it('is UPDATED once add-node merged into the graph, and counts the merged node', async () => {
      await generate('st-updated');
      await job('st-updated', 'ADD_NODE', 'SUCCEEDED', '2026-03-05T00:00:00Z');
      await merge('st-updated', '2026-03-05T00:00:01.000Z');
      expect(await stats('st-updated')).toEqual({
        userId: 'st-updated',
        nodes: 5,
        edges: 3,
        clusters: 2,
        status: 'UPDATED',
        generatedAt: GENERATED_AT,
        updatedAt: '2026-03-05T00:00:01.000Z',
      });
    });

    it('is FAILED when the newest generation failed and there is no graph, with the user sentence and never the AI text', async () => {
      const taskId = await job('st-failed', 'GRAPH_GENERATION', 'FAILED', '2026-03-02T00:00:00.000Z', {
        errorMessage: 'The graph could not be built',
        errorDetail: 'Traceback: provider secret internals',
      });
      const response = await get('st-failed', '/v1/graph/stats');
      const text = await response.text();

      expect(JSON.parse(text)).toEqual({
        userId: 'st-failed',
        nodes: 0,
        edges: 0,
        clusters: 0,
        status: 'FAILED',
        metadata: { lastGenerationFailure: { taskId, error: 'The graph could not be built', at: '2026-03-02T00:00:00.000Z' } },
      });
      expect(text).not.toContain('Traceback');
    });

    it('is FAILED for a cancelled generation as well, with a sentence of its own', async () => {
      await job('st-cancelled', 'GRAPH_GENERATION', 'CANCELLED', '2026-03-02T00:00:00Z');
      expect(await stats('st-cancelled')).toMatchObject({
        status: 'FAILED',
        metadata: { lastGenerationFailure: { error: 'The graph generation was cancelled' } },
      });
    });

    it('is NOT_CREATED when a later generation succeeded after a failure, or the graph was deleted after it', async () => {
      await job('st-recovered', 'GRAPH_GENERATION', 'FAILED', '2026-03-01T00:00:00Z');
      await job('st-recovered', 'GRAPH_GENERATION', 'SUCCEEDED', '2026-03-02T00:00:00Z');
      expect(await stats('st-recovered')).toEqual({ userId: 'st-recovered', nodes: 0, edges: 0, clusters: 0, status: 'NOT_CREATED' });

      await generate('st-deleted-after', '2026-03-01T00:00:00.000Z');
      await job('st-deleted-after', 'GRAPH_GENERATION', 'FAILED', '2026-03-02T00:00:00Z');
      await softDelete('st-deleted-after', '2026-03-03T00:00:00Z');
      expect(await stats('st-deleted-after')).toMatchObject({ status: 'NOT_CREATED' });
    });

    it('keeps a graph CREATED when its regeneration failed, and says so in metadata', async () => {
      await generate('st-regen-failed', '2026-03-01T00:00:00.000Z');
      const taskId = await job('st-regen-failed', 'GRAPH_GENERATION', 'FAILED', '2026-03-02T00:00:00.000Z', { errorMessage: 'Try again later' });
      expect(await stats('st-regen-failed')).toMatchObject({
        status: 'CREATED',
        nodes: 4,
        metadata: { lastGenerationFailure: { taskId, error: 'Try again later', at: '2026-03-02T00:00:00.000Z' } },
      });
    });

    it('reports the last add-node failure until the graph is written again', async () => {
      await generate('st-add-failed', '2026-03-01T00:00:00.000Z');
      const taskId = await job('st-add-failed', 'ADD_NODE', 'FAILED', '2026-03-02T00:00:00.000Z', {
        errorMessage: 'Your notes could not be added',
        errorDetail: 'raw AI stack',
      });
      const body = await stats('st-add-failed');
      expect(body).toMatchObject({ status: 'CREATED', metadata: { lastAddNodeFailure: { taskId, error: 'Your notes could not be added', at: '2026-03-02T00:00:00.000Z' } } });
      expect(JSON.stringify(body)).not.toContain('raw AI stack');

      await job('st-add-failed', 'ADD_NODE', 'SUCCEEDED', '2026-03-03T00:00:00Z');
      await merge('st-add-failed', '2026-03-03T00:00:01.000Z');
      const after = await stats('st-add-failed');
      expect(after).toMatchObject({ status: 'UPDATED' });
      expect(after).not.toHaveProperty('metadata');
    });

    it('puts a running generation before a running add-node', async () => {
      await generate('st-both');
      await job('st-both', 'ADD_NODE', 'RUNNING', '2026-03-05T00:00:00Z');
      await job('st-both', 'GRAPH_GENERATION', 'QUEUED', '2026-03-05T00:00:01Z');
      expect(await stats('st-both')).toMatchObject({ status: 'CREATING' });
    });

    it('reads a deleted graph as none', async () => {
      await generate('st-deleted');
      await softDelete('st-deleted', '2026-03-06T00:00:00Z');
      expect(await stats('st-deleted')).toEqual({ userId: 'st-deleted', nodes: 0, edges: 0, clusters: 0, status: 'NOT_CREATED' });
    });

    it('ignores other users’ jobs and graphs', async () => {
      await generate('st-owner');
      await job('st-owner', 'GRAPH_GENERATION', 'RUNNING', '2026-03-05T00:00:00Z');
      expect(await stats('st-bystander')).toEqual({ userId: 'st-bystander', nodes: 0, edges: 0, clusters: 0, status: 'NOT_CREATED' });
    });
  });

  describe('snapshot', () => {
    it('serves the graph in the SDK shapes, ordered by id, with stats counted beside it', async () => {
      const sources = api.app.get(SourcesRepository);
      await sources.upsert('sn-shape', [
        { kind: 'conversation', id: 'sn-shape-src-0', title: 'Tomato seedlings', content: {} },
        { kind: 'note', id: 'sn-shape-src-1', title: 'Garden plan', content: {} },
      ]);
      await generate('sn-shape', '2026-03-04T06:00:00.000Z', graphOf('sn-shape', 5));
      const response = await get('sn-shape', '/v1/graph/snapshot');

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      const body = (await response.json()) as Snapshot;
      expect(body.nodes.map((node) => node.id)).toEqual([0, 1, 2, 3, 4]);
      expect(body.nodes.slice(0, 4)).toEqual([
        {
          id: 0,
          userId: 'sn-shape',
          origId: 'sn-shape-src-0',
          clusterId: 'sn-shape-c0',
          clusterName: 'sn-shape "cluster" 0',
          timestamp: '2026-01-02T03:04:05Z',
          numMessages: 3,
          sourceType: 'chat',
          keywords: [{ term: 'sn-shape-k0', score: 0.25 }],
          nodeTitle: 'Tomato seedlings',
        },
        expect.objectContaining({ id: 1, timestamp: null, numMessages: 4, sourceType: 'markdown', nodeTitle: 'Garden plan' }),
        expect.objectContaining({ id: 2, sourceType: 'markdown' }),
        expect.objectContaining({ id: 3 }),
      ]);
      expect(Object.keys(body.nodes[3])).not.toContain('sourceType'); // stored 'mystery': not a type the client knows
      expect(Object.keys(body.nodes[3])).not.toContain('nodeTitle');
      expect(body.edges.map(({ id: _id, ...edge }) => edge)).toEqual([
        { userId: 'sn-shape', source: 0, target: 1, weight: 0.1, type: 'insight', intraCluster: false },
        { userId: 'sn-shape', source: 1, target: 2, weight: 0.2, type: 'insight', intraCluster: false },
        { userId: 'sn-shape', source: 2, target: 3, weight: 0.3, type: 'hard', intraCluster: false },
        { userId: 'sn-shape', source: 3, target: 4, weight: 0.4, type: 'insight', intraCluster: false },
      ]);
      const edgeIds = body.edges.map((edge) => edge.id as string);
      expect(edgeIds.every((id) => /^\d+$/.test(id))).toBe(true);
      expect([...edgeIds].sort((a, b) => Number(a) - Number(b))).toEqual(edgeIds);
      expect(body.clusters).toEqual([
        { id: 'sn-shape-c0', userId: 'sn-shape', name: 'sn-shape cluster 0', description: 'About sn-shape 0', size: 3, themes: ['sn-shape-theme-0'] },
        { id: 'sn-shape-c1', userId: 'sn-shape', name: 'sn-shape cluster 1', description: 'About sn-shape 1', size: 2, themes: ['sn-shape-theme-1'] },
      ]);
      expect(body.subclusters).toEqual([
        { id: 'sn-shape-s0', userId: 'sn-shape', clusterId: 'sn-shape-c0', nodeIds: [0, 2, 4], representativeNodeId: 0, size: 3, density: 0.75, topKeywords: ['sn-shape-top-0'] },
        { id: 'sn-shape-s1', userId: 'sn-shape', clusterId: 'sn-shape-c1', nodeIds: [1, 3], representativeNodeId: 1, size: 2, density: 0.75, topKeywords: ['sn-shape-top-1'] },
      ]);
      expect(body.stats).toEqual({ nodes: 5, edges: 4, clusters: 2, status: 'CREATED', generatedAt: GENERATED_AT, updatedAt: '2026-03-04T06:00:00.000Z' });
    });

    it('answers empty arrays and NOT_CREATED without a graph, and for a deleted graph', async () => {
      const empty = { nodes: [], edges: [], clusters: [], subclusters: [], stats: { nodes: 0, edges: 0, clusters: 0, status: 'NOT_CREATED' } };
      expect(await snapshot('sn-none')).toEqual(empty);

      await generate('sn-deleted');
      await softDelete('sn-deleted', '2026-03-06T00:00:00Z');
      expect(await snapshot('sn-deleted')).toEqual(empty);
    });

    it('carries the ledger status (CREATING with the current graph while it is regenerated)', async () => {
      await generate('sn-regen');
      await job('sn-regen', 'GRAPH_GENERATION', 'RUNNING', '2026-03-05T00:00:00Z');
      const body = await snapshot('sn-regen');
      expect(body.stats).toMatchObject({ status: 'CREATING', nodes: 4 });
      expect(body.nodes).toHaveLength(4);
    });

    it('shows only the caller’s rows', async () => {
      await generate('sn.caller@x', '2026-03-04T06:00:00.000Z', graphOf('sn.caller@x', 3));
      await generate('sn-neighbour', '2026-03-04T06:00:00.000Z', graphOf('sn-neighbour', 6));
      const body = await snapshot('sn.caller@x');

      expect(body.nodes.map((node) => node.origId)).toEqual([0, 1, 2].map((id) => `sn.caller@x-src-${id}`));
      expect([...body.nodes, ...body.edges, ...body.clusters, ...body.subclusters].every((row) => row.userId === 'sn.caller@x')).toBe(true);
      expect(body.stats).toMatchObject({ nodes: 3, edges: 2, clusters: 2 });
    });

    it('builds valid JSON for a user id and names that need escaping (repository, below the auth guard’s id rule)', async () => {
      const tricky = 'o"brien\\ \u{1F345}\n\t</script>';
      await generate(tricky, '2026-03-04T06:00:00.000Z', graphOf(tricky, 3));
      const { json } = await api.app.get(GraphReadsRepository).snapshot(tricky);
      if (!json) throw new Error('no snapshot JSON');
      const rows = (text: string) => JSON.parse(text) as Array<Record<string, unknown>>;
      const parsed = { nodes: rows(json.nodes), edges: rows(json.edges), clusters: rows(json.clusters), subclusters: rows(json.subclusters) };

      expect(parsed.nodes[0]).toMatchObject({ userId: tricky, origId: `${tricky}-src-0`, clusterName: `${tricky} "cluster" 0` });
      expect(parsed.edges.map((edge) => edge.userId)).toEqual([tricky, tricky]);
      expect(parsed.clusters[0]).toMatchObject({ userId: tricky, description: `About ${tricky} 0` });
      expect(parsed.subclusters[0]).toMatchObject({ userId: tricky, id: `${tricky}-s0` });
    });

    it('serves a graph of 400 nodes and 3,000 edges whole', async () => {
      const large = graphOf('sn-large', 400);
      large.edges = Array.from({ length: 3000 }, (_, index) => ({
        source: index % 400,
        target: (index * 7 + 1) % 400,
        weight: (index % 100) / 100,
        type: index % 2 ? 'semantic' : 'hard',
        isIntraCluster: index % 3 === 0,
        confidence: 'high',
      }));
      await generate('sn-large', '2026-03-04T06:00:00.000Z', large);
      const body = await snapshot('sn-large');

      expect(body.stats).toMatchObject({ nodes: 400, edges: 3000, clusters: 2, status: 'CREATED' });
      expect(body.nodes).toHaveLength(400);
      expect(body.edges).toHaveLength(3000);
      expect(body.edges[2999]).toMatchObject({ source: 2999 % 400, target: (2999 * 7 + 1) % 400, weight: 0.99, type: 'insight', intraCluster: false });
    });

    it('reads one consistent snapshot while the graph is replaced', async () => {
      if (api.driver !== 'postgres') return; // PGlite has one connection: nothing runs beside a read
      const small = graphOf('sn-racing', 10);
      const big = graphOf('sn-racing', 300);
      await generate('sn-racing', '2026-03-04T06:00:00.000Z', small);
      let writing = true;
      const writer = (async () => {
        for (let round = 0; round < 12; round += 1) await graphs.replace('sn-racing', `task_race_${round}`, round % 2 ? small : big);
        writing = false;
      })();
      let reads = 0;
      while (writing || reads < 5) {
        const body = await snapshot('sn-racing');
        reads += 1;
        expect([body.stats.nodes, body.stats.edges]).toEqual([body.nodes.length, body.edges.length]);
        expect([10, 300]).toContain(body.nodes.length);
      }
      await writer;
    });
  });

  describe('macroId', () => {
    it('accepts the user’s own macroId and answers 404 GRAPH_NOT_FOUND for another user’s on every read', async () => {
      await generate('mi-owner');
      const own = macroIdOf('mi-owner');
      expect(await ok('mi-owner', `/v1/graph/stats?macroId=${own}`)).toMatchObject({ status: 'CREATED' });
      expect((await ok<Snapshot>('mi-owner', `/v1/graph/snapshot?macroId=${own}`)).nodes).toHaveLength(4);

      for (const path of ['/v1/graph/stats', '/v1/graph/snapshot']) {
        const response = await get('mi-intruder', `${path}?macroId=${own}`);
        expect(response.status).toBe(404);
        expect(await readProblem(response)).toMatchObject({ code: 'GRAPH_NOT_FOUND' });
      }
      const metadata = await get('mi-intruder', `/v1/graph/graphs/${own}`);
      expect(metadata.status).toBe(404);
      expect(await readProblem(metadata)).toMatchObject({ code: 'GRAPH_NOT_FOUND' });
    });

    it('refuses a repeated macroId with 400 VALIDATION_FAILED', async () => {
      const own = macroIdOf('mi-twice');
      const response = await get('mi-twice', `/v1/graph/stats?macroId=${own}&macroId=${own}`);
      expect(response.status).toBe(400);
      expect(await readProblem(response)).toMatchObject({ code: 'VALIDATION_FAILED', errors: ['macroId must be a single string'] });
    });
  });

  describe('listGraphs', () => {
    it('lists nothing without a graph', async () => {
      expect(await ok('lg-none', '/v1/graph/graphs')).toEqual({ graphs: [] });
    });

    it('lists the user’s one graph with its macroId, ledger status and node count, for every sort key', async () => {
      await generate('lg-one', '2026-03-04T06:00:00.000Z', graphOf('lg-one', 6));
      const expected = {
        graphs: [{ macroId: macroIdOf('lg-one'), userId: 'lg-one', status: 'CREATED', nodeCount: 6, createdAt: GENERATED_AT, updatedAt: '2026-03-04T06:00:00.000Z' }],
      };
      expect(await ok('lg-one', '/v1/graph/graphs')).toEqual(expected);
      for (const sortBy of ['updatedAt', 'createdAt', 'nodeCount', 'title']) {
        expect(await ok('lg-one', `/v1/graph/graphs?sortBy=${sortBy}&onlyDeleted=false`)).toEqual(expected);
      }
      expect(await ok('lg-one', '/v1/graph/graphs?onlyDeleted=true')).toEqual({ graphs: [] });

      await job('lg-one', 'ADD_NODE', 'QUEUED', '2026-03-05T00:00:00Z');
      expect(await ok('lg-one', '/v1/graph/graphs')).toMatchObject({ graphs: [{ status: 'UPDATING' }] });
    });

    it('lists a deleted graph only with onlyDeleted=true, with deletedAt', async () => {
      await generate('lg-deleted', '2026-03-04T06:00:00.000Z');
      await softDelete('lg-deleted', '2026-03-06T00:00:00.000Z');
      expect(await ok('lg-deleted', '/v1/graph/graphs')).toEqual({ graphs: [] });
      expect(await ok('lg-deleted', '/v1/graph/graphs?onlyDeleted=true')).toEqual({
        graphs: [
          {
            macroId: macroIdOf('lg-deleted'),
            userId: 'lg-deleted',
            status: 'CREATED',
            nodeCount: 4,
            createdAt: GENERATED_AT,
            updatedAt: '2026-03-04T06:00:00.000Z',
            deletedAt: '2026-03-06T00:00:00.000Z',
          },
        ],
      });
    });

    it.each([
      ['sortBy=size', 'sortBy must be one of updatedAt, createdAt, nodeCount, title'],
      ['sortBy=title&sortBy=nodeCount', 'sortBy must be one of updatedAt, createdAt, nodeCount, title'],
      ['onlyDeleted=yes', 'onlyDeleted must be true or false'],
      ['onlyDeleted=1', 'onlyDeleted must be true or false'],
    ])('refuses ?%s with 400 VALIDATION_FAILED', async (query, error) => {
      const response = await get('lg-bad', `/v1/graph/graphs?${query}`);
      expect(response.status).toBe(400);
      expect(await readProblem(response)).toMatchObject({ code: 'VALIDATION_FAILED', errors: [error] });
    });

    it('never lists another user’s graph', async () => {
      await generate('lg-mine');
      expect(await ok('lg-theirs', '/v1/graph/graphs')).toEqual({ graphs: [] });
      expect(await ok('lg-theirs', '/v1/graph/graphs?onlyDeleted=true')).toEqual({ graphs: [] });
    });
  });

  describe('graphMetadata', () => {
    it('carries the title, description and scope the newest successful generation was asked for', async () => {
      const scopeFilter = { mode: 'manual', filters: { dataTypes: ['chat', 'note'], createdPeriod: '3m' } };
      await job('gm-titled', 'GRAPH_GENERATION', 'SUCCEEDED', '2026-03-01T00:00:00Z', { options: { title: 'Old title', includeSummary: true } });
      await job('gm-titled', 'GRAPH_GENERATION', 'SUCCEEDED', '2026-03-02T00:00:00Z', {
        options: { title: 'Garden', description: 'Everything about tomatoes', scopeFilter, includeSummary: true },
      });
      await job('gm-titled', 'GRAPH_GENERATION', 'FAILED', '2026-03-03T00:00:00Z', { options: { title: 'Never made' } });
      await generate('gm-titled', '2026-03-02T00:00:01.000Z');
      const expected = { title: 'Garden', description: 'Everything about tomatoes', scopeFilter, status: 'CREATED' };

      expect(await ok('gm-titled', `/v1/graph/graphs/${macroIdOf('gm-titled')}`)).toMatchObject({ graph: expected });
      expect(await ok('gm-titled', '/v1/graph/graphs?sortBy=title')).toMatchObject({ graphs: [expected] });
    });

    it('returns the user’s graph under its macroId', async () => {
      await generate('gm-one');
      await job('gm-one', 'ADD_NODE', 'SUCCEEDED', '2026-03-05T00:00:00Z');
      await merge('gm-one', '2026-03-05T00:00:01.000Z');
      expect(await ok('gm-one', `/v1/graph/graphs/${macroIdOf('gm-one')}`)).toEqual({
        graph: { macroId: macroIdOf('gm-one'), userId: 'gm-one', status: 'UPDATED', nodeCount: 5, createdAt: GENERATED_AT, updatedAt: '2026-03-05T00:00:01.000Z' },
      });
    });

    it.each([
      ['no graph', 'gm-none', async () => {}],
      ['a deleted graph', 'gm-deleted', (userId: string) => generate(userId).then(() => softDelete(userId, '2026-03-06T00:00:00Z'))],
    ])('answers 404 GRAPH_NOT_FOUND for %s', async (_case, userId, arrange) => {
      await arrange(userId);
      const response = await get(userId, `/v1/graph/graphs/${macroIdOf(userId)}`);
      expect(response.status).toBe(404);
      expect(await readProblem(response)).toMatchObject({ code: 'GRAPH_NOT_FOUND' });
    });
  });

  it('answers every read in exactly the SDK 0.2.29 types (checked by the TypeScript compiler)', async () => {
    const scopeFilter = { mode: 'auto', intent: 'gardening' };
    await job('sdk-user', 'GRAPH_GENERATION', 'SUCCEEDED', '2026-02-28T00:00:00Z', { options: { title: 'Mine', description: 'All of it', scopeFilter } });
    await job('sdk-user', 'ADD_NODE', 'FAILED', '2026-03-02T00:00:00Z', { errorMessage: 'Could not add' });
    await generate('sdk-user', '2026-03-01T00:00:00.000Z', graphOf('sdk-user', 6));
    const macroId = macroIdOf('sdk-user');
    const checks = [
      ['Sdk.GraphStatsDto', await stats('sdk-user')],
      ['Sdk.GraphStatsDto', await stats('sdk-nobody')],
      ['Sdk.GraphSnapshotDto', await snapshot('sdk-user')],
      ['Sdk.GraphSnapshotDto', await snapshot('sdk-nobody')],
      ['Sdk.ListGraphsResponse', await ok('sdk-user', '/v1/graph/graphs')],
      ['Sdk.ListGraphsResponse', await ok('sdk-nobody', '/v1/graph/graphs')],
      ['Sdk.GraphMetadataResponse', await ok('sdk-user', `/v1/graph/graphs/${macroId}`)],
    ] as const;
    expect(checks[0][1]).toHaveProperty('metadata.lastAddNodeFailure');
    expect(checks[6][1]).toMatchObject({ graph: { title: 'Mine', scopeFilter } });

    expect(sdkTypeErrors(checks)).toEqual([]);
    // The check itself catches a field the SDK does not have and a mistyped one.
    const snapshotBody = checks[2][1];
    const mistyped = { ...snapshotBody, edges: [{ ...snapshotBody.edges[0], type: 'semantic' }] };
    const extra = { ...snapshotBody, nodes: [{ ...snapshotBody.nodes[0], numSections: 3 }] };
    expect(sdkTypeErrors([['Sdk.GraphSnapshotDto', mistyped], ['Sdk.GraphSnapshotDto', extra]])).toHaveLength(2);
  });
});
