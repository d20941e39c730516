import { randomUUID } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Logger } from '@nestjs/common';
import { type TestingModule } from '@nestjs/testing';
import { GraphRepository, type Job, JobEventsRepository, JobsRepository, type NewJob, SourcesRepository } from '@app/database';
import { parseGraphResult } from '@app/queue-contracts';
import { TEST_DRIVERS } from '../../../../libs/database/test/test-database';
import { type AiGraphOutput, generateAiAddNodeOutput, generateAiGraphOutput, OLDER_AI_GRAPH } from '../../../../libs/queue-contracts/test/ai-graph-output';
import { type GoldenEnvelope, readGoldenEnvelope, readGoldenJson } from '../../../../libs/queue-contracts/test/golden-contract';
import { type TestAwsResources } from '../../../../test/support/test-aws';
import { bootResultHandling, type ResultHandlingTestContext } from '../../test/result-handling-test-module';
import { ResultDispatcher } from './result-dispatcher';

type Json = Record<string, unknown>;

/** Sources the golden add-node results answer for. */
const ADD_NODE_SOURCES = [
  { kind: 'conversation', id: '67a5f3d2-1e4b-800b-9a7c-4d2e8f6b1c03' },
  { kind: 'note', id: 'note-9d03' },
] as const;

/**
 * Every output version the AI has shipped is stored: generated large older
 * outputs, the fixtures of other shapes, files with broken optional parts
 * (stored without them, the job SUCCEEDED with a warning) and broken cores
 * (the job FAILED with RESULT_INVALID), all through the real dispatcher,
 * handlers, S3 emulator and database. The large cases print their store times.
 */
describe.each(TEST_DRIVERS)('AI output versions (%s)', (driver) => {
  let context: ResultHandlingTestContext;
  let aws: TestAwsResources;
  let moduleRef: TestingModule;
  let dispatcher: ResultDispatcher;
  let jobs: JobsRepository;
  let graphs: GraphRepository;

  beforeAll(async () => {
    context = await bootResultHandling(driver, 'worker-versions');
    ({ aws, moduleRef } = context);
    dispatcher = moduleRef.get(ResultDispatcher);
    jobs = moduleRef.get(JobsRepository);
    graphs = moduleRef.get(GraphRepository);
  });

  afterAll(async () => {
    await context?.close();
  });

  afterEach(() => jest.restoreAllMocks());

  async function openJob(userId: string, kind: NewJob['kind'] = 'GRAPH_GENERATION', extra: Partial<NewJob> = {}): Promise<Job> {
    const taskId = `task-${randomUUID()}`;
    return jobs.create({ taskId, userId, kind, status: 'QUEUED', inputKey: `jobs/${taskId}/`, ...extra });
  }

  async function putObject(key: unknown, body: string): Promise<void> {
    if (typeof key !== 'string') throw new Error('no key');
    await aws.s3.send(new PutObjectCommand({ Bucket: aws.bucket, Key: key, Body: body, ContentType: 'application/json' }));
  }

  function dispatch(envelope: GoldenEnvelope) {
    return dispatcher.dispatch({ messageId: 'm', body: JSON.stringify(envelope), receiveCount: 1 });
  }

  async function job(taskId: string): Promise<Job> {
    const row = await jobs.findById(taskId);
    if (!row) throw new Error(`job ${taskId} is gone`);
    return row;
  }

  /** A COMPLETED generation (no summary, no AI error) whose graph file is `body`; returns the job and how long dispatching took. */
  async function generate(userId: string, body: string): Promise<{ taskId: string; ms: number }> {
    const { taskId } = await openJob(userId);
    const envelope = readGoldenEnvelope('results/graph-generation-completed.json', { taskId, userId, payloadBucket: aws.bucket });
    Object.assign(envelope.payload, { summaryIncluded: false, summaryS3Key: null });
    await putObject(envelope.payload.resultS3Key, body);
    const started = performance.now();
    expect(await dispatch(envelope)).toEqual({ kind: 'done', note: undefined });
    return { taskId, ms: performance.now() - started };
  }

  /** An add-node job for `sources` whose result file is `file`, dispatched. */
  async function addNodes(userId: string, file: unknown, sources: readonly { kind: 'conversation' | 'note'; id: string }[] = ADD_NODE_SOURCES): Promise<string> {
    const { taskId } = await openJob(userId, 'ADD_NODE', { options: { sourceIds: sources } });
    const envelope = readGoldenEnvelope('results/add-node-completed.json', { taskId, userId, payloadBucket: aws.bucket });
    await putObject(envelope.payload.resultS3Key, JSON.stringify(file));
    expect(await dispatch(envelope)).toEqual({ kind: 'done', note: undefined });
    return taskId;
  }

  const fixture = (name: string, userId = 'unused') => JSON.stringify(readGoldenJson(`files/${name}`, { taskId: 'unused', userId, payloadBucket: 'unused' }));

  /** Lines the worker logged at warn level that mention skipped parts. */
  function skippedLogLines(warn: jest.SpyInstance): string[] {
    return warn.mock.calls.map(([message]) => String(message)).filter((message) => message.includes('stored without unreadable parts'));
  }

  describe('large generated outputs', () => {
    // Older: ids from 1, num_messages, create/update_time, plain keywords, no subclusters, clusters as an array, no totals.
    it.each([
      ['an older', 400, 14_000, OLDER_AI_GRAPH],
      ['an older', 2000, 60_000, OLDER_AI_GRAPH],
      ['a current', 2000, 60_000, {}],
    ])('stores %s graph of %i nodes and %i edges whole, with no warning', async (label, nodes, edges, shape) => {
      const userId = `user-${randomUUID()}`;
      const file: AiGraphOutput = generateAiGraphOutput({ ...shape, nodes, edges });
      const body = JSON.stringify(file);
      const expected = parseGraphResult(file);
      if (!expected.ok) throw new Error(expected.problems.join('; '));
      const replace = jest.spyOn(graphs, 'replace');
      let replaceMs = 0;
      const original = GraphRepository.prototype.replace;
      replace.mockImplementation(async function (this: GraphRepository, ...args) {
        const started = performance.now();
        try {
          return await original.apply(this, args);
        } finally {
          replaceMs = performance.now() - started;
        }
      });

      const { taskId, ms } = await generate(userId, body);
      const readStarted = performance.now();
      const stored = await graphs.get(userId);
      const readMs = performance.now() - readStarted;

      console.log(
        `[store time] ${driver}: ${label.split(' ')[1]} graph, ${nodes} nodes / ${edges} edges, file ${(body.length / 1024 / 1024).toFixed(1)} MiB: ` +
          `dispatch (read, parse, store, succeed) ${ms.toFixed(0)} ms, of which GraphRepository.replace ${replaceMs.toFixed(0)} ms; GraphRepository.get ${readMs.toFixed(0)} ms`,
      );
      expect(await job(taskId)).toMatchObject({ status: 'SUCCEEDED', warning: null, errorCode: null });
      expect(stored?.nodes).toHaveLength(nodes);
      expect(stored?.edges).toHaveLength(edges);
      expect(stored?.nodes[0].id).toBe(shape === OLDER_AI_GRAPH ? 1 : 0);
      expect(stored?.nodes).toEqual(expected.graph.nodes);
      expect(stored?.edges).toEqual(expected.graph.edges);
      expect(stored?.clusters).toEqual(expected.graph.clusters);
      expect(stored?.clusters).toHaveLength(8);
      expect(stored?.subclusters).toHaveLength(shape === OLDER_AI_GRAPH ? 0 : 8);
      const [completed] = await moduleRef.get(JobEventsRepository).listForJob(taskId);
      expect(completed?.payload).toMatchObject({ nodes, edges, partialFailure: false });
    }, 120_000);

    it('stores a large older graph without its broken edges, counting them in the warning', async () => {
      const userId = `user-${randomUUID()}`;
      const file = generateAiGraphOutput({ ...OLDER_AI_GRAPH, nodes: 2000, edges: 60_000 });
      file.edges.forEach((edge, index) => {
        if (index % 100 === 0) edge.target = 2001 + index; // 600 edges to nodes that do not exist
        else if (index % 997 === 0) edge.weight = 'strong'; // 60 unreadable edges
      });
      const warn = jest.spyOn(Logger.prototype, 'warn');

      const { taskId } = await generate(userId, JSON.stringify(file));

      expect(await job(taskId)).toMatchObject({
        status: 'SUCCEEDED',
        errorCode: null,
        warning: 'unreadable parts of the result file were skipped: 600 edges to missing nodes, 60 unreadable edges',
      });
      expect((await graphs.get(userId))?.edges).toHaveLength(60_000 - 660);
      expect(skippedLogLines(warn)).toEqual([`task ${taskId}: GRAPH_GENERATION_RESULT stored without unreadable parts: danglingEdges=600 edges=60`]);
      const [completed] = await moduleRef.get(JobEventsRepository).listForJob(taskId);
      expect(completed?.payload).toMatchObject({ edges: 60_000 - 660, partialFailure: true });
    }, 120_000);
  });

  describe('other shapes', () => {
    it('stores graph-result-ids-from-1.json with its ids as given, and merges an older add-node result after them', async () => {
      const userId = `user-${randomUUID()}`;
      const { taskId } = await generate(userId, fixture('graph-result-ids-from-1.json'));
      expect(await job(taskId)).toMatchObject({ status: 'SUCCEEDED', warning: null });
      const graph = await graphs.get(userId);
      expect(graph?.nodes.map((node) => [node.id, node.numSections, node.timestamp])).toEqual([
        [1, 12, '2024-11-01T01:00:00.900Z'],
        [2, 3, '2024-11-02T00:00:00.000Z'],
        [3, 7, null],
        [4, 1, null],
      ]);
      expect(graph?.edges.map((edge) => [edge.source, edge.target])).toEqual([
        [1, 2],
        [3, 4],
        [2, 4],
        [4, 1],
      ]);
      expect(graph?.clusters.map((cluster) => [cluster.id, cluster.name, cluster.size])).toEqual([
        ['cluster_0', 'Travel', 2],
        ['cluster_1', 'Taxes', 2],
      ]);
      expect(graph?.subclusters).toEqual([]);

      const sources = [
        { kind: 'conversation', id: '67f1a2b3-4c5d-800e-8f9a-0b1c2d3e4f01' },
        { kind: 'conversation', id: '67f1a2b3-4c5d-800e-8f9a-0b1c2d3e4f02' },
      ] as const;
      const added = await addNodes(userId, readGoldenJson('files/add-node-result-older.json', { taskId: 'unused', userId, payloadBucket: 'unused' }), sources);

      expect(await job(added)).toMatchObject({ status: 'SUCCEEDED', warning: null });
      const merged = await graphs.get(userId);
      expect(merged?.nodes.slice(4).map((node) => [node.id, node.clusterId, node.numSections])).toEqual([
        [5, 'cluster_0', 6],
        [6, 'cluster_0', 0],
      ]);
      expect(merged?.edges.slice(4).map((edge) => [edge.source, edge.target, edge.isIntraCluster])).toEqual([
        [5, 4, false],
        [5, 1, false],
        [6, 5, true],
      ]);
      expect(merged?.clusters.find((cluster) => cluster.id === 'cluster_0')?.size).toBe(4);
    });

    it('stores graph-result-numeric-clusters.json (integer cluster ids, keyword tuples and maps, a cluster given by name only)', async () => {
      const userId = `user-${randomUUID()}`;
      const { taskId } = await generate(userId, fixture('graph-result-numeric-clusters.json'));

      expect(await job(taskId)).toMatchObject({ status: 'SUCCEEDED', warning: null });
      const graph = await graphs.get(userId);
      expect(graph?.nodes.map((node) => [node.origId, node.clusterId, node.clusterName])).toEqual([
        ['1001', '0', 'Fitness'],
        ['note-77aa', '1', 'Baking'],
        ['67c0aa11-2b3c-800d-8e9f-0a1b2c3d4e5f', '0', 'Fitness'],
      ]);
      expect(graph?.nodes[1].keywords).toEqual([
        { term: 'sourdough', score: 0.7 },
        { term: 'starter', score: 0.4 },
      ]);
      expect(graph?.clusters.map((cluster) => [cluster.id, cluster.name, cluster.size])).toEqual([
        ['0', 'Fitness', 2],
        ['1', 'Baking', 1],
      ]);
      expect(graph?.generatedAt).toBe('2024-11-02T00:00:00.000Z');
    });

    it('stores text exactly, whatever characters it holds', async () => {
      const userId = `user-${randomUUID()}`;
      const odd = ['a "quoted" {braced}, comma', 'back\\slash', 'NULL', '', '김치찌개 🍲', "it's", '\t tab\nnewline'];
      const file = generateAiGraphOutput({ nodes: odd.length, edges: odd.length, clusters: 2 });
      file.nodes.forEach((node, index) => Object.assign(node, { orig_id: odd[index], cluster_name: odd[index], keywords: [{ term: odd[index], score: 0.5 }], top_keywords: odd }));
      file.edges.forEach((edge, index) => Object.assign(edge, { type: odd[index], confidence: odd[index] }));
      Object.assign(file.nodes[0], { cluster_name: 'nul\u0000byte' });

      const { taskId } = await generate(userId, JSON.stringify(file));

      expect((await job(taskId)).status).toBe('SUCCEEDED');
      const graph = await graphs.get(userId);
      expect(graph?.nodes.map((node) => node.origId)).toEqual(odd);
      expect(graph?.nodes.map((node) => node.keywords[0]?.term)).toEqual(odd);
      expect(graph?.nodes[3].topKeywords).toEqual(odd);
      expect(graph?.nodes.map((node) => node.clusterName)).toEqual(['nulbyte', ...odd.slice(1)]);
      expect(graph?.edges.map((edge) => [edge.type, edge.confidence])).toEqual(odd.map((text) => [text, text]));
    });
  });

  describe('broken optional parts', () => {
    it('stores graph-result-broken-parts.json without its broken parts, with a warning and one log line of counts', async () => {
      const userId = `user-${randomUUID()}`;
      const warn = jest.spyOn(Logger.prototype, 'warn');

      const { taskId } = await generate(userId, fixture('graph-result-broken-parts.json'));

      expect(await job(taskId)).toMatchObject({
        status: 'SUCCEEDED',
        errorCode: null,
        warning:
          'unreadable parts of the result file were skipped: 1 edge to a missing node, 2 unreadable edges, 2 unreadable subclusters, 1 unreadable cluster, ' +
          '3 keywords of the wrong type, 3 unreadable fields (stored as their defaults)',
      });
      const graph = await graphs.get(userId);
      expect(graph?.nodes).toHaveLength(3);
      expect(graph?.edges).toHaveLength(2);
      expect(graph?.subclusters.map((subcluster) => subcluster.id)).toEqual(['subcluster_1']);
      expect(graph?.clusters.map((cluster) => cluster.id)).toEqual(['cluster_1', 'cluster_2']);
      const lines = skippedLogLines(warn);
      expect(lines).toEqual([`task ${taskId}: GRAPH_GENERATION_RESULT stored without unreadable parts: danglingEdges=1 edges=2 subclusters=2 clusters=1 keywords=3 fields=3`]);
      for (const content of ['compost', 'Gardening', 'last tuesday', 'very high', 'many', 'strong']) {
        expect(warn.mock.calls.flat().join('\n')).not.toContain(content);
      }
      const [completed] = await moduleRef.get(JobEventsRepository).listForJob(taskId);
      expect(completed?.payload).toMatchObject({ status: 'SUCCEEDED', nodes: 3, edges: 2, partialFailure: true });
    });

    it('stores graph-result-unknown-blocks.json, naming the blocks of an unknown shape, with the AI error kept beside', async () => {
      const userId = `user-${randomUUID()}`;
      const { taskId } = await openJob(userId);
      const envelope = readGoldenEnvelope('results/graph-generation-partial.json', { taskId, userId, payloadBucket: aws.bucket });
      await putObject(envelope.payload.resultS3Key, fixture('graph-result-unknown-blocks.json'));

      expect(await dispatch(envelope)).toEqual({ kind: 'done', note: undefined });

      expect(await job(taskId)).toMatchObject({
        status: 'SUCCEEDED',
        warning:
          'summary generation failed: Request timed out.; unreadable parts of the result file were skipped: 2 blocks of an unknown shape (metadata.clusters, subclusters)',
      });
      const graph = await graphs.get(userId);
      expect(graph?.clusters).toEqual([{ id: 'cluster_1', name: 'Music', description: '', size: 2, keyThemes: [] }]);
      expect(graph?.subclusters).toEqual([]);
    });

    it("stores a file with Python's NaN and Infinity, counting those numbers as unreadable", async () => {
      const userId = `user-${randomUUID()}`;
      const body = fixture('graph-result.json')
        .replace('"cluster_confidence":0.93', '"cluster_confidence":NaN')
        .replace('"weight":0.81', '"weight":Infinity')
        .replace('"density":1', '"density":NaN');
      expect(body.match(/NaN|Infinity/g)).toHaveLength(3);

      const { taskId } = await generate(userId, body);

      expect(await job(taskId)).toMatchObject({
        status: 'SUCCEEDED',
        warning: 'unreadable parts of the result file were skipped: 1 unreadable edge, 2 unreadable fields (stored as their defaults)',
      });
      const graph = await graphs.get(userId);
      expect(graph?.nodes[0].clusterConfidence).toBeNull();
      expect(graph?.edges).toHaveLength(1);
      expect(graph?.subclusters[0]).toMatchObject({ id: 'subcluster_1', density: 0 });
    });

    it('merges add-node-result-broken-parts.json without its broken parts; the item it cannot read fails alone and its source stays pending', async () => {
      const userId = `user-${randomUUID()}`;
      await generate(userId, fixture('graph-result.json'));
      await moduleRef.get(SourcesRepository).upsert(userId, ADD_NODE_SOURCES.map((ref) => ({ ...ref, title: ref.id, content: {} })));
      const warn = jest.spyOn(Logger.prototype, 'warn');

      const taskId = await addNodes(userId, readGoldenJson('files/add-node-result-broken-parts.json', { taskId: 'unused', userId, payloadBucket: 'unused' }));

      expect(await job(taskId)).toMatchObject({
        status: 'SUCCEEDED',
        errorCode: null,
        warning:
          'note note-9d03 could not be added; unreadable parts of the result file were skipped: 1 unreadable result item, 1 block of an unknown shape (results[3].edges), ' +
          '1 edge to a missing node, 1 unreadable edge, 1 unreadable cluster assignment, 1 keyword of the wrong type, 1 unreadable field (stored as its default)',
      });
      const graph = await graphs.get(userId);
      expect(graph?.nodes.slice(3).map((node) => [node.id, node.origId, node.clusterId, node.timestamp])).toEqual([
        [3, '67a5f3d2-1e4b-800b-9a7c-4d2e8f6b1c03', 'cluster_1', null],
        [4, '67a5f3d2-2f5c-800b-9a7c-4d2e8f6b1c04', 'cluster_2', null],
      ]);
      expect(graph?.edges.slice(2).map((edge) => [edge.source, edge.target])).toEqual([[3, 0]]);
      const pending = await moduleRef.get(SourcesRepository).listAll(userId);
      expect(Object.fromEntries(pending.map((row) => [row.id, row.graphVersion]))).toEqual({ [ADD_NODE_SOURCES[0].id]: 2, [ADD_NODE_SOURCES[1].id]: null });
      expect(skippedLogLines(warn)).toEqual([
        `task ${taskId}: ADD_NODE_RESULT stored without unreadable parts: items=1 blocks=1 danglingEdges=1 edges=1 assignedClusters=1 keywords=1 fields=1`,
      ]);
    });

    it('merges a large generated add-node batch in the older shape onto a graph with ids from 1', async () => {
      const userId = `user-${randomUUID()}`;
      await generate(userId, JSON.stringify(generateAiGraphOutput({ ...OLDER_AI_GRAPH, nodes: 2000, edges: 6000 })));
      const file = generateAiAddNodeOutput({ items: 500, storedNodeIds: [1, 1000, 2000], sizeField: 'numMessages', assignedCluster: false, intraCluster: false }, userId);

      const taskId = await addNodes(userId, file, []);

      expect(await job(taskId)).toMatchObject({ status: 'SUCCEEDED', warning: null });
      const graph = await graphs.get(userId);
      expect(graph?.nodes).toHaveLength(2500);
      expect(graph?.nodes[2000]).toMatchObject({ id: 2001, origId: 'added-00000000', numSections: 1 });
      expect(graph?.nodes[2499].id).toBe(2500);
      expect(graph?.edges).toHaveLength(6000 + 999);
      expect(graph?.edges[6000 + 998]).toMatchObject({ source: 2500, target: 2499, isIntraCluster: true });
    }, 60_000);
  });

  describe('broken core', () => {
    it.each<[string, (file: Json & { nodes: Json[] }) => unknown, string]>([
      ['no nodes array', ({ nodes: _, ...file }) => file, 'nodes is required'],
      ['nodes that are not an array', (file) => ({ ...file, nodes: { 0: file.nodes[0] } }), 'nodes must be an array'],
      ['a node without an id', (file) => (delete file.nodes[1].id, file), 'nodes[1].id is required'],
      ['a node id that is not an integer', (file) => (Object.assign(file.nodes[1], { id: 'n1' }), file), 'nodes[1].id must be an integer from 0 to 2147483647'],
      ['a node id twice', (file) => (Object.assign(file.nodes[1], { id: 0 }), file), 'nodes has the id 0 more than once'],
    ])('fails the job with RESULT_INVALID for a graph file with %s and keeps the stored graph', async (_, edit, problem) => {
      const userId = `user-${randomUUID()}`;
      await generate(userId, fixture('graph-result-ids-from-1.json'));
      const before = await graphs.get(userId);
      const file = edit(readGoldenJson('files/graph-result.json') as Json & { nodes: Json[] });

      const { taskId } = await generate(userId, JSON.stringify(file));

      const row = await job(taskId);
      expect(row).toMatchObject({ status: 'FAILED', errorCode: 'RESULT_INVALID', warning: null });
      expect(row.errorDetail).toContain(problem);
      expect(await graphs.get(userId)).toEqual(before);
      expect((await moduleRef.get(JobEventsRepository).listForJob(taskId)).map((event) => event.type)).toEqual(['GRAPH_GENERATION_FAILED']);
    });

    it('fails the job with RESULT_INVALID for a graph file that is not JSON', async () => {
      const userId = `user-${randomUUID()}`;

      const { taskId } = await generate(userId, '{"nodes": [{"id": 0, ');

      expect(await job(taskId)).toMatchObject({ status: 'FAILED', errorCode: 'RESULT_INVALID', errorDetail: expect.stringContaining('not valid JSON') as unknown });
      expect(await graphs.get(userId)).toBeUndefined();
    });

    it('fails an add-node job with RESULT_INVALID for a result file without a results array, merging nothing', async () => {
      const userId = `user-${randomUUID()}`;
      await generate(userId, fixture('graph-result.json'));

      const taskId = await addNodes(userId, { userId, processedCount: 2, result: [] });

      expect(await job(taskId)).toMatchObject({ status: 'FAILED', errorCode: 'RESULT_INVALID', errorDetail: expect.stringContaining('results is required') as unknown });
      expect((await graphs.get(userId))?.version).toBe(1);
    });
  });
});
