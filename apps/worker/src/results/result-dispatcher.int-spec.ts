import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type TestingModule } from '@nestjs/testing';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  GraphRepository,
  type Job,
  JobEventsRepository,
  type JobKind,
  JobsRepository,
  LateResultsRepository,
  type NewJob,
  SourcesRepository,
} from '@app/database';
import { type TestAwsResources } from '../../../../test/support/test-aws';
import { TEST_DRIVERS } from '../../../../libs/database/test/test-database';
import { FIXTURES_DIR, type GoldenEnvelope, readGoldenEnvelope, readGoldenJson, readGoldenText } from '../../../../libs/queue-contracts/test/golden-contract';
import { type Outcome } from '../consumer/outcome';
import { userMessageFor } from './failure-messages';
import { ResultDispatcher } from './result-dispatcher';
import { bootResultHandling, type ResultHandlingTestContext } from '../../test/result-handling-test-module';

const USER = 'u1';
const GRAPH_RESULT = readFileSync(path.join(FIXTURES_DIR, 'files/graph-result.json'), 'utf8');
const GRAPH_RESULT_LEGACY = readFileSync(path.join(FIXTURES_DIR, 'files/graph-result-legacy.json'), 'utf8');
const SUMMARY = readFileSync(path.join(FIXTURES_DIR, 'files/summary.json'), 'utf8');
/** Sources the golden add-node result answers for. */
const ADD_NODE_SOURCES = [
  { kind: 'conversation', id: '67a5f3d2-1e4b-800b-9a7c-4d2e8f6b1c03' },
  { kind: 'note', id: 'note-9d03' },
] as const;

describe.each(TEST_DRIVERS)(`${ResultDispatcher.name} (%s)`, (driver) => {
  let aws: TestAwsResources;
  let context: ResultHandlingTestContext;
  let moduleRef: TestingModule;
  let dispatcher: ResultDispatcher;
  let jobs: JobsRepository;
  let events: JobEventsRepository;
  let graphs: GraphRepository;
  let lateResults: LateResultsRepository;
  let sourcesRepository: SourcesRepository;

  beforeAll(async () => {
    context = await bootResultHandling(driver, 'worker-dispatch');
    ({ aws, moduleRef } = context);
    dispatcher = moduleRef.get(ResultDispatcher);
    jobs = moduleRef.get(JobsRepository);
    events = moduleRef.get(JobEventsRepository);
    graphs = moduleRef.get(GraphRepository);
    lateResults = moduleRef.get(LateResultsRepository);
    sourcesRepository = moduleRef.get(SourcesRepository);
  });

  afterAll(async () => {
    await context?.close();
  });

  /** A fresh QUEUED graph job owned by `userId`. */
  async function openJob(userId = USER, kind: JobKind = 'GRAPH_GENERATION', extra: Partial<NewJob> = {}): Promise<Job> {
    const taskId = `task-${randomUUID()}`;
    return jobs.create({ taskId, userId, kind, status: 'QUEUED', inputKey: `jobs/${taskId}/`, ...extra });
  }

  async function putObject(key: unknown, body: string): Promise<void> {
    if (typeof key !== 'string') throw new Error('golden has no key there');
    await aws.s3.send(new PutObjectCommand({ Bucket: aws.bucket, Key: key, Body: body, ContentType: 'application/json' }));
  }

  /** A user of their own, with the golden graph stored (version 1, nodes 0-2, clusters cluster_1/cluster_2). */
  async function userWithGraph(): Promise<string> {
    const userId = `user-${randomUUID()}`;
    const { taskId } = await openJob(userId);
    const envelope = golden('graph-generation-completed', taskId, userId);
    await putResult(envelope);
    expect(await dispatch(envelope)).toEqual({ kind: 'done', note: undefined });
    return userId;
  }

  /** An add-node job whose result (add-node-result.json, optionally edited) is at the golden key. */
  async function addNodeJob(
    userId: string,
    edit?: (file: { results: Record<string, unknown>[] }) => void,
    graphVersion?: number,
  ): Promise<{ job: Job; envelope: GoldenEnvelope }> {
    const created = await openJob(userId, 'ADD_NODE', { options: { sourceIds: ADD_NODE_SOURCES, ...(graphVersion === undefined ? {} : { graphVersion }) } });
    const envelope = golden('add-node-completed', created.taskId, userId);
    const file = readGoldenJson('files/add-node-result.json', { taskId: created.taskId, userId, payloadBucket: aws.bucket }) as { results: Record<string, unknown>[] };
    edit?.(file);
    await putObject(envelope.payload.resultS3Key, JSON.stringify(file));
    return { job: created, envelope };
  }

  async function importSources(userId: string, refs: readonly { kind: 'conversation' | 'note'; id: string }[]): Promise<void> {
    await sourcesRepository.upsert(userId, refs.map((ref) => ({ ...ref, title: ref.id, content: {} })));
  }

  async function sourceVersions(userId: string): Promise<Record<string, number | null>> {
    const rows = await sourcesRepository.listAll(userId);
    return Object.fromEntries(rows.map((row) => [row.id, row.graphVersion]));
  }

  function golden(name: string, taskId: string, userId = USER): GoldenEnvelope {
    return readGoldenEnvelope(`results/${name}.json`, { taskId, userId, payloadBucket: aws.bucket });
  }

  /** Uploads graph-result.json (and summary.json when the golden includes one) where the golden says they are. */
  async function putResult(envelope: GoldenEnvelope, graph = GRAPH_RESULT): Promise<void> {
    const key = envelope.payload.resultS3Key;
    if (typeof key !== 'string') throw new Error(`golden ${envelope.taskType} has no resultS3Key`);
    await aws.s3.send(new PutObjectCommand({ Bucket: aws.bucket, Key: key, Body: graph, ContentType: 'application/json' }));
    if (envelope.payload.summaryIncluded === true) await putObject(envelope.payload.summaryS3Key, SUMMARY);
  }

  function dispatch(body: GoldenEnvelope | string): Promise<Outcome> {
    return dispatcher.dispatch({ messageId: 'm', body: typeof body === 'string' ? body : JSON.stringify(body), receiveCount: 1 });
  }

  async function job(taskId: string): Promise<Job> {
    const row = await jobs.findById(taskId);
    if (!row) throw new Error(`job ${taskId} is gone`);
    return row;
  }

  async function eventTypes(taskId: string): Promise<string[]> {
    return (await events.listForJob(taskId)).map((event) => event.type);
  }

  describe('golden results', () => {
    it('graph-generation-progress moves the job to RUNNING with its stage', async () => {
      const { taskId } = await openJob();

      expect(await dispatch(golden('graph-generation-progress', taskId))).toEqual({ kind: 'done', note: undefined });

      const row = await job(taskId);
      expect(row).toMatchObject({ status: 'RUNNING', progressStage: '[2단계] 클러스터링 중', progressPercent: 40, etaSeconds: null });
      expect(row.startedAt).toBeInstanceOf(Date);
      const logged = await events.listForJob(taskId);
      expect(logged.map((event) => event.type)).toEqual(['GRAPH_GENERATION_PROGRESS_UPDATED']);
      expect(logged[0]?.payload).toMatchObject({ taskId, status: 'RUNNING', currentStage: '[2단계] 클러스터링 중', progressPercent: 40, etaSeconds: null });
    });

    it('graph-generation-completed stores the graph and succeeds the job', async () => {
      const { taskId } = await openJob();
      const envelope = golden('graph-generation-completed', taskId);
      await putResult(envelope);

      expect(await dispatch(envelope)).toEqual({ kind: 'done', note: undefined });

      expect(await job(taskId)).toMatchObject({
        status: 'SUCCEEDED',
        progressPercent: 100,
        resultKey: `graph-results/${taskId}/graph_final.json`,
        warning: null,
        errorCode: null,
      });
      const graph = await graphs.get(USER);
      expect(graph?.taskId).toBe(taskId);
      expect(graph?.nodes).toHaveLength(3);
      expect(graph?.edges).toHaveLength(2);
      expect(graph?.clusters).toHaveLength(2);
      expect(graph?.subclusters).toHaveLength(1);
      const logged = await events.listForJob(taskId);
      expect(logged.map((event) => event.type)).toEqual(['GRAPH_GENERATION_COMPLETED']);
      expect(logged[0]?.payload).toMatchObject({ taskId, status: 'SUCCEEDED', nodes: 3, edges: 2, partialFailure: false });
    });

    it('graph-generation-partial succeeds the job with the AI error as warning', async () => {
      const { taskId } = await openJob();
      const envelope = golden('graph-generation-partial', taskId);
      await putResult(envelope);

      expect(await dispatch(envelope)).toEqual({ kind: 'done', note: undefined });

      expect(await job(taskId)).toMatchObject({ status: 'SUCCEEDED', warning: 'summary generation failed: Request timed out.', errorCode: null });
      const logged = await events.listForJob(taskId);
      expect(logged[0]?.payload).toMatchObject({ partialFailure: true });
    });

    it('graph-generation-completed-without-key fails the job with RESULT_MISSING', async () => {
      const { taskId } = await openJob();

      expect(await dispatch(golden('graph-generation-completed-without-key', taskId))).toEqual({ kind: 'done', note: undefined });

      expect(await job(taskId)).toMatchObject({ status: 'FAILED', errorCode: 'RESULT_MISSING', resultKey: null });
      expect(await graphs.get(`nobody-${taskId}`)).toBeUndefined();
      expect(await eventTypes(taskId)).toEqual(['GRAPH_GENERATION_FAILED']);
    });

    it('graph-generation-failed keeps the raw error for operators and a plain message for users', async () => {
      const { taskId } = await openJob();

      expect(await dispatch(golden('graph-generation-failed', taskId))).toEqual({ kind: 'done', note: undefined });

      const row = await job(taskId);
      expect(row).toMatchObject({ status: 'FAILED', errorCode: 'LLM_AUTH_FAILED' });
      expect(row.errorDetail).toContain('Incorrect API key');
      expect(row.errorMessage).toEqual(expect.any(String));
      expect(row.errorMessage).not.toContain('API key');
      expect(row.finishedAt).toBeInstanceOf(Date);
      const logged = await events.listForJob(taskId);
      expect(logged.map((event) => event.type)).toEqual(['GRAPH_GENERATION_FAILED']);
      expect(JSON.stringify(logged[0]?.payload)).not.toContain('Incorrect API key');
    });

    it('graph-generation-progress-with-eta records the ETA and ignores the unknown field', async () => {
      const { taskId } = await openJob();

      expect(await dispatch(golden('graph-generation-progress-with-eta', taskId))).toEqual({ kind: 'done', note: undefined });

      expect(await job(taskId)).toMatchObject({ status: 'RUNNING', progressStage: '[1단계] 임베딩 생성 중', progressPercent: 100, etaSeconds: 95 });
    });

    it('graph-generation-completed-legacy-key (an older AI version: graphs/{userId}/{taskId}/output.json, no timestamp) stores the graph', async () => {
      const userId = `user-${randomUUID()}`;
      const { taskId } = await openJob(userId);
      const envelope = golden('graph-generation-completed-legacy-key', taskId, userId);
      await putResult(envelope);

      expect(await dispatch(envelope)).toEqual({ kind: 'done', note: undefined });

      expect(await job(taskId)).toMatchObject({ status: 'SUCCEEDED', resultKey: `graphs/${userId}/${taskId}/output.json` });
      expect((await graphs.get(userId))?.nodes).toHaveLength(3);
    });

    it('graph-generation-failed-without-code fails the job with AI_FAILED', async () => {
      const { taskId } = await openJob();

      expect(await dispatch(golden('graph-generation-failed-without-code', taskId))).toEqual({ kind: 'done', note: undefined });

      expect(await job(taskId)).toMatchObject({ status: 'FAILED', errorCode: 'AI_FAILED', errorDetail: "KeyError: 'mapping'" });
      expect(await eventTypes(taskId)).toEqual(['GRAPH_GENERATION_FAILED']);
    });

    it('graph-summary-failed fails the job with the AI error code and stores no summary of its own', async () => {
      const userId = await userWithGraph();
      const created = await openJob(userId, 'GRAPH_SUMMARY', { options: { graphVersion: 1 } });

      expect(await dispatch(golden('graph-summary-failed', created.taskId, userId))).toEqual({ kind: 'done', note: undefined });

      expect(await job(created.taskId)).toMatchObject({ status: 'FAILED', errorCode: 'LLM_RATE_LIMITED', errorDetail: expect.stringContaining('Rate limit') as unknown });
      expect((await graphs.getSummary(userId))?.taskId).not.toBe(created.taskId);
    });

    it('unparseable-request-without-task-id is dead-lettered and changes no job', async () => {
      const bystander = await openJob();
      const body = readGoldenText('results/unparseable-request-without-task-id.json', { taskId: 'unused', userId: USER, payloadBucket: aws.bucket });

      expect((await dispatch(body)).kind).toBe('dead-letter');

      expect(await job(bystander.taskId)).toEqual(bystander);
    });

    it('unparseable-request-echo is dead-lettered and changes no job', async () => {
      const bystander = await openJob();
      const body = readGoldenText('results/unparseable-request-echo.json', { taskId: 'unused', userId: USER, payloadBucket: aws.bucket });

      const outcome = await dispatch(body);

      expect(outcome.kind).toBe('dead-letter');
      expect(await job(bystander.taskId)).toEqual(bystander);
      expect(await jobs.findById('unknown')).toBeUndefined();
    });

    it('add-node-completed merges the new nodes into the stored graph', async () => {
      const userId = await userWithGraph();
      await importSources(userId, [...ADD_NODE_SOURCES, { kind: 'note', id: 'imported-later' }]);
      const { job: created, envelope } = await addNodeJob(userId);

      expect(await dispatch(envelope)).toEqual({ kind: 'done', note: undefined });

      expect(await job(created.taskId)).toMatchObject({
        status: 'SUCCEEDED',
        resultKey: `add-node-results/${created.taskId}/result.json`,
        warning: null,
        errorCode: null,
      });
      const graph = await graphs.get(userId);
      expect(graph?.version).toBe(2);
      expect(graph?.nodes.map((node) => [node.id, node.origId, node.clusterId])).toEqual([
        [0, '67a4e0b1-6c3d-800b-8f2e-1d9a5b7c3e01', 'cluster_1'],
        [1, '67a4e7c9-2f80-800b-a4d1-8b3c6e2f9a52', 'cluster_2'],
        [2, 'note-4b7e', 'cluster_1'],
        [3, '67a5f3d2-1e4b-800b-9a7c-4d2e8f6b1c03', 'cluster_1'],
        [4, 'note-9d03', 'cluster_3'],
      ]);
      expect(graph?.nodes[3]).toMatchObject({ numSections: 4, timestamp: '2024-12-05T18:30:00.000Z', sourceType: 'chat' });
      expect(graph?.nodes[4]).toMatchObject({ numSections: 1, sourceType: 'markdown' });
      expect(graph?.edges).toContainEqual({ source: 3, target: 0, weight: 0.71, type: 'semantic', isIntraCluster: true, confidence: null });
      expect(graph?.edges).toHaveLength(3);
      expect(graph?.clusters).toEqual([
        { id: 'cluster_1', name: 'Gardening', description: 'Growing vegetables at home', size: 3, keyThemes: ['seedlings', 'balcony'] },
        { id: 'cluster_2', name: 'Cooking', description: 'Korean home cooking', size: 1, keyThemes: ['stews'] },
        { id: 'cluster_3', name: 'Running', description: '', size: 1, keyThemes: ['training plans'] },
      ]);
      expect(await sourceVersions(userId)).toEqual({ [ADD_NODE_SOURCES[0].id]: 2, [ADD_NODE_SOURCES[1].id]: 2, 'imported-later': null });
      const logged = await events.listForJob(created.taskId);
      expect(logged.map((event) => event.type)).toEqual(['ADD_CONVERSATION_COMPLETED']);
      expect(logged[0]?.payload).toMatchObject({ status: 'SUCCEEDED', graphVersion: 2, nodeCount: 2, edgeCount: 1, partialFailure: false });
    });

    it('graph-summary-completed stores the summary for the graph version the job was made for', async () => {
      const userId = await userWithGraph();
      await userWithGraphReplaced(userId);
      const created = await openJob(userId, 'GRAPH_SUMMARY', { options: { graphVersion: 1 } });
      const envelope = golden('graph-summary-completed', created.taskId, userId);
      await putObject(envelope.payload.summaryS3Key, SUMMARY);

      expect(await dispatch(envelope)).toEqual({ kind: 'done', note: undefined });

      expect(await job(created.taskId)).toMatchObject({ status: 'SUCCEEDED', resultKey: `graph-summary/${created.taskId}/summary.json`, warning: null });
      // Version 2's summary came with its generation; version 1's is now the summary job's.
      const stored = await graphs.getSummaryOf(userId, 1);
      expect(stored).toMatchObject({ graphVersion: 1, taskId: created.taskId });
      expect(stored?.summary).toEqual(JSON.parse(SUMMARY));
      expect((await graphs.getSummaryOf(userId, 2))?.taskId).not.toBe(created.taskId);
      const logged = await events.listForJob(created.taskId);
      expect(logged.map((event) => event.type)).toEqual(['GRAPH_SUMMARY_COMPLETED']);
      expect(logged[0]?.payload).toMatchObject({ status: 'SUCCEEDED', graphVersion: 1 });
    });
  });

  /** Stores the golden graph once more for `userId` (version 2 afterwards). */
  async function userWithGraphReplaced(userId: string): Promise<void> {
    const { taskId } = await openJob(userId);
    const envelope = golden('graph-generation-completed', taskId, userId);
    await putResult(envelope);
    await dispatch(envelope);
  }

  describe('add-node results', () => {
    it('skips edges to nodes that do not exist and names skipped items in the warning', async () => {
      const userId = await userWithGraph();
      const { job: created, envelope } = await addNodeJob(userId, (file) => {
        file.results[0].edges = [...(file.results[0].edges as unknown[]), { source: 'batch_0', target: 999, weight: 0.1, type: 'semantic', intraCluster: false }];
        file.results.push({ conversationId: 'conv-skipped', nodes: [], edges: [], skipped: true });
      });

      expect(await dispatch(envelope)).toEqual({ kind: 'done', note: undefined });

      const row = await job(created.taskId);
      expect(row.status).toBe('SUCCEEDED');
      expect(row.warning).toContain('1 edge to a missing node');
      expect(row.warning).toContain('conversation conv-skipped was skipped');
      expect((await graphs.get(userId))?.edges.filter((edge) => edge.source === 3)).toHaveLength(1);
    });

    it('fails with GRAPH_NOT_FOUND when the user has no graph yet', async () => {
      const userId = `user-${randomUUID()}`;
      const { job: created, envelope } = await addNodeJob(userId);

      expect(await dispatch(envelope)).toEqual({ kind: 'done', note: undefined });

      expect(await job(created.taskId)).toMatchObject({ status: 'FAILED', errorCode: 'GRAPH_NOT_FOUND', errorMessage: expect.any(String) as unknown });
      expect(await graphs.get(userId)).toBeUndefined();
      expect(await eventTypes(created.taskId)).toEqual(['ADD_CONVERSATION_FAILED']);
    });

    it('fails with AI_FAILED when the AI reports a failure', async () => {
      const userId = await userWithGraph();
      const { job: created } = await addNodeJob(userId);

      expect(await dispatch(golden('add-node-failed', created.taskId, userId))).toEqual({ kind: 'done', note: undefined });

      expect(await job(created.taskId)).toMatchObject({ status: 'FAILED', errorCode: 'AI_FAILED', errorDetail: expect.stringContaining('NoSuchKey') as unknown });
      expect((await graphs.get(userId))?.version).toBe(1);
      expect(await eventTypes(created.taskId)).toEqual(['ADD_CONVERSATION_FAILED']);
    });

    it('fails with GRAPH_REGENERATED, merging nothing, when the graph was regenerated after the request', async () => {
      const userId = await userWithGraph();
      await importSources(userId, ADD_NODE_SOURCES);
      const { job: created, envelope } = await addNodeJob(userId, undefined, 1);
      await userWithGraphReplaced(userId); // version 2: node ids 0-2 are the new generation's nodes

      expect(await dispatch(envelope)).toEqual({ kind: 'done', note: undefined });

      expect(await job(created.taskId)).toMatchObject({ status: 'FAILED', errorCode: 'GRAPH_REGENERATED', errorMessage: expect.stringContaining('regenerated') as unknown });
      const graph = await graphs.get(userId);
      expect(graph?.version).toBe(2);
      expect(graph?.nodes.map((node) => node.id)).toEqual([0, 1, 2]);
      expect(await sourceVersions(userId)).toEqual({ [ADD_NODE_SOURCES[0].id]: null, [ADD_NODE_SOURCES[1].id]: null });
      expect(await eventTypes(created.taskId)).toEqual(['ADD_CONVERSATION_FAILED']);
    });

    it('still merges a result made for an older version when only add-node merges came since', async () => {
      const userId = await userWithGraph();
      const first = await addNodeJob(userId, undefined, 1);
      const second = await addNodeJob(userId, undefined, 1);
      expect(await dispatch(first.envelope)).toEqual({ kind: 'done', note: undefined }); // version 2, ids 0-2 unchanged

      expect(await dispatch(second.envelope)).toEqual({ kind: 'done', note: undefined });

      expect((await job(second.job.taskId)).status).toBe('SUCCEEDED');
      expect((await graphs.get(userId))?.version).toBe(3);
    });

    it('merges concurrent results for one user without id collisions', async () => {
      const userId = await userWithGraph();
      const first = await addNodeJob(userId);
      const second = await addNodeJob(userId);

      const outcomes = await Promise.all([dispatch(first.envelope), dispatch(second.envelope)]);

      expect(outcomes).toEqual([
        { kind: 'done', note: undefined },
        { kind: 'done', note: undefined },
      ]);
      expect((await job(first.job.taskId)).status).toBe('SUCCEEDED');
      expect((await job(second.job.taskId)).status).toBe('SUCCEEDED');
      const graph = await graphs.get(userId);
      expect(graph?.version).toBe(3);
      expect(graph?.nodes.map((node) => node.id)).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(graph?.clusters.find((cluster) => cluster.id === 'cluster_1')?.size).toBe(4);
      expect(graph?.clusters.find((cluster) => cluster.id === 'cluster_3')?.size).toBe(2);
    });
  });

  describe('summaries', () => {
    it('attaches a summary without graphVersion to the current version', async () => {
      const userId = await userWithGraph();
      await userWithGraphReplaced(userId);
      const created = await openJob(userId, 'GRAPH_SUMMARY');
      const envelope = golden('graph-summary-completed', created.taskId, userId);
      await putObject(envelope.payload.summaryS3Key, SUMMARY);

      await dispatch(envelope);

      expect(await graphs.getSummary(userId)).toMatchObject({ graphVersion: 2, taskId: created.taskId });
    });

    it('fails an unreadable summary with RESULT_INVALID', async () => {
      const userId = await userWithGraph();
      const created = await openJob(userId, 'GRAPH_SUMMARY');
      const envelope = golden('graph-summary-completed', created.taskId, userId);
      await putObject(envelope.payload.summaryS3Key, '{"clusters": []}');

      await dispatch(envelope);

      expect(await job(created.taskId)).toMatchObject({ status: 'FAILED', errorCode: 'RESULT_INVALID' });
      expect(await eventTypes(created.taskId)).toEqual(['GRAPH_SUMMARY_FAILED']);
    });

    it('stores the summary a graph generation includes for the new graph version', async () => {
      const userId = await userWithGraph();
      const { taskId } = await openJob(userId);
      const envelope = golden('graph-generation-completed', taskId, userId);
      await putResult(envelope);

      await dispatch(envelope);

      expect(await job(taskId)).toMatchObject({ status: 'SUCCEEDED', warning: null });
      expect(await graphs.getSummary(userId)).toMatchObject({ graphVersion: 2, taskId, summary: JSON.parse(SUMMARY) as unknown });
    });

    it('succeeds a generation whose summary cannot be read, with a warning', async () => {
      const userId = `user-${randomUUID()}`;
      const { taskId } = await openJob(userId);
      const envelope = golden('graph-generation-completed', taskId, userId);
      await putObject(envelope.payload.resultS3Key, GRAPH_RESULT);

      await dispatch(envelope);

      const row = await job(taskId);
      expect(row.status).toBe('SUCCEEDED');
      expect(row.warning).toContain('summaryS3Key could not be read (RESULT_NOT_FOUND)');
      expect((await graphs.get(userId))?.version).toBe(1);
      expect(await graphs.getSummary(userId)).toBeUndefined();
    });
  });

  describe('order and drift', () => {
    it('does not let an older generation overwrite a graph produced by a newer job', async () => {
      const userId = `user-${randomUUID()}`;
      const older = await openJob(userId, 'GRAPH_GENERATION', { createdAt: new Date('2026-01-01T00:00:00Z') });
      const newer = await openJob(userId, 'GRAPH_GENERATION', { createdAt: new Date('2026-01-01T00:05:00Z') });
      const newerResult = golden('graph-generation-completed', newer.taskId, userId);
      await putResult(newerResult);
      await dispatch(newerResult);
      const olderResult = golden('graph-generation-completed', older.taskId, userId);
      await putResult(olderResult);

      expect(await dispatch(olderResult)).toEqual({ kind: 'done', note: undefined });

      const row = await job(older.taskId);
      expect(row.status).toBe('SUCCEEDED');
      expect(row.warning).toContain(`graph not replaced: the stored graph (version 1) comes from the newer job ${newer.taskId}`);
      expect(await graphs.get(userId)).toMatchObject({ version: 1, taskId: newer.taskId });
      expect(await graphs.getSummary(userId)).toMatchObject({ graphVersion: 1, taskId: newer.taskId });
      expect((await events.listForJob(older.taskId))[0]?.payload).toMatchObject({ graphReplaced: false, partialFailure: true });
    });

    it('marks the sources a generation job sent as included in the new version', async () => {
      const userId = `user-${randomUUID()}`;
      await importSources(userId, [...ADD_NODE_SOURCES, { kind: 'note', id: 'imported-later' }]);
      const { taskId } = await openJob(userId, 'GRAPH_GENERATION', { options: { sourceIds: ADD_NODE_SOURCES } });
      const envelope = golden('graph-generation-completed', taskId, userId);
      await putResult(envelope);

      await dispatch(envelope);

      expect(await sourceVersions(userId)).toEqual({ [ADD_NODE_SOURCES[0].id]: 1, [ADD_NODE_SOURCES[1].id]: 1, 'imported-later': null });
    });

    it('lets a newer generation replace a graph from an older job', async () => {
      const userId = `user-${randomUUID()}`;
      const older = await openJob(userId, 'GRAPH_GENERATION', { createdAt: new Date('2026-01-01T00:00:00Z') });
      const newer = await openJob(userId, 'GRAPH_GENERATION', { createdAt: new Date('2026-01-01T00:05:00Z') });
      for (const created of [older, newer]) {
        const envelope = golden('graph-generation-completed', created.taskId, userId);
        await putResult(envelope);
        await dispatch(envelope);
      }

      expect(await graphs.get(userId)).toMatchObject({ version: 2, taskId: newer.taskId });
      expect((await job(newer.taskId)).warning).toBeNull();
    });

    it('accepts a graph file of an older AI version (graph-result-legacy.json: num_messages, create_time/update_time)', async () => {
      const userId = `user-${randomUUID()}`;
      const { taskId } = await openJob(userId);
      const envelope = golden('graph-generation-partial', taskId, userId);
      await putResult(envelope, GRAPH_RESULT_LEGACY);

      expect(await dispatch(envelope)).toEqual({ kind: 'done', note: undefined });

      expect((await job(taskId)).status).toBe('SUCCEEDED');
      const graph = await graphs.get(userId);
      expect(graph?.nodes.map((node) => node.numSections)).toEqual([5, 1, 2]);
      expect(graph?.nodes.map((node) => node.timestamp)).toEqual(['2024-12-02T07:14:05.000Z', null, '2024-12-03T20:00:00.000Z']);
    });
  });

  describe('late results', () => {
    it.each([
      ['graph-generation-completed', 'GRAPH_GENERATION'],
      ['add-node-completed', 'ADD_NODE'],
      ['graph-summary-completed', 'GRAPH_SUMMARY'],
    ] as const)('records %s for a timed-out job in late_results and leaves the job alone', async (name, kind) => {
      const userId = `user-${randomUUID()}`;
      const created = await openJob(userId, kind);
      const timedOut = await jobs.transition(created.taskId, ['QUEUED'], { status: 'FAILED', errorCode: 'JOB_TIMED_OUT', finishedAt: new Date() });
      const envelope = golden(name, created.taskId, userId);

      const outcome = await dispatch(envelope);

      expect(outcome.kind).toBe('done');
      expect(outcome.kind === 'done' && outcome.note).toContain('already finished (FAILED)');
      expect(await job(created.taskId)).toEqual(timedOut);
      expect(await eventTypes(created.taskId)).toEqual([]);
      expect(await graphs.get(userId)).toBeUndefined();
      const recorded = await lateResults.listForTask(created.taskId);
      expect(recorded).toHaveLength(1);
      expect(recorded[0]).toMatchObject({ taskType: envelope.taskType, jobStatus: 'FAILED', envelope: { taskId: created.taskId, payload: envelope.payload } });
    });
  });

  describe('result keys', () => {
    /** A key for the result of task `own`, given another user's task `other` and that user (or, for add-node, the owner). */
    type KeyFor = (own: string, other: string, otherUser: string) => string;

    /** The failure an authentic result that cannot be used leaves: the job FAILED with `code`, exactly one failure event, nothing stored. */
    async function expectFailedAtOnce(created: Job, code: string, failedEvent: string): Promise<void> {
      const row = await job(created.taskId);
      expect(row).toMatchObject({ status: 'FAILED', errorCode: code, errorMessage: userMessageFor(code), resultKey: null });
      expect(row.finishedAt).toBeInstanceOf(Date);
      const logged = await events.listForJob(created.taskId);
      expect(logged.map((event) => event.type)).toEqual([failedEvent]);
      expect(logged[0]?.payload).toEqual({ taskId: created.taskId, status: 'FAILED', errorCode: code, error: userMessageFor(code) });
    }

    function expectDeadLettered(outcome: Outcome, envelope: GoldenEnvelope, ...mentions: string[]): void {
      expect(outcome).toEqual({ kind: 'dead-letter', reason: expect.any(String) as unknown, taskId: envelope.taskId, taskType: envelope.taskType });
      for (const mention of mentions) expect(outcome.kind === 'dead-letter' && outcome.reason).toContain(mention);
    }

    /** Another user's finished graph job: its result file and its upload are in the bucket. */
    async function victim(): Promise<{ taskId: string; userId: string }> {
      const userId = `victim-${randomUUID()}`;
      const { taskId } = await openJob(userId);
      await putObject(`graph-results/${taskId}/graph_final.json`, GRAPH_RESULT);
      await putObject(`graph-results/${taskId}/summary.json`, SUMMARY);
      await putObject(`graph-generation/${taskId}/input.json`, readGoldenText('files/conversations.json'));
      await putObject(`add-node-results/${taskId}/result.json`, JSON.stringify(readGoldenJson('files/add-node-result.json', { taskId, userId, payloadBucket: aws.bucket })));
      await putObject(`graph-summary/${taskId}/summary.json`, SUMMARY);
      return { taskId, userId };
    }

    it.each<[string, KeyFor]>([
      ['in another bucket', () => 's3://someone-elses-bucket/graph-results/x/graph_final.json'],
      ['absolute', () => '/graph-results/x/graph_final.json'],
      ['a ".." path out of the prefix', () => 'graph-results/../../other-user/graph_final.json'],
      ['a URI', () => 'https://example.com/graph_final.json'],
      ["another task's result", (_, other) => `graph-results/${other}/graph_final.json`],
      ["another task's result as an s3:// URI of our bucket", (_, other) => `s3://${aws.bucket}/graph-results/${other}/graph_final.json`],
      ["another user's upload", (_, other) => `graph-generation/${other}/input.json`],
      ['a ".." path from its own folder into another task', (own, other) => `graph-results/${own}/../${other}/graph_final.json`],
      ['the legacy form with the other user id', (own, _other, otherUser) => `graphs/${otherUser}/${own}/output.json`],
      ['its own folder with an empty segment', (own) => `graph-results/${own}//graph_final.json`],
    ])('fails a graph job at once (RESULT_KEY_FOREIGN) and dead-letters the result whose key is %s', async (_, keyFor) => {
      const other = await victim();
      const created = await openJob(`user-${randomUUID()}`);
      const envelope = golden('graph-generation-completed', created.taskId, created.userId);
      const key = keyFor(created.taskId, other.taskId, other.userId);
      envelope.payload.resultS3Key = key;
      await putObject(`graph-results/${created.taskId}/summary.json`, SUMMARY);

      const outcome = await dispatch(envelope);

      expectDeadLettered(outcome, envelope, 'resultS3Key', JSON.stringify(key), 'job failed with RESULT_KEY_FOREIGN');
      await expectFailedAtOnce(created, 'RESULT_KEY_FOREIGN', 'GRAPH_GENERATION_FAILED');
      expect((await job(created.taskId)).errorDetail).toContain(JSON.stringify(key));
      expect(await graphs.get(created.userId)).toBeUndefined();
      expect(await graphs.getSummary(created.userId)).toBeUndefined();
    });

    it.each(['summaryS3Key', 'featuresS3Key'])("fails a graph job whose %s is another task's, before reading its own graph", async (field) => {
      const other = await victim();
      const created = await openJob(`user-${randomUUID()}`);
      const envelope = golden('graph-generation-completed', created.taskId, created.userId);
      await putResult(envelope);
      envelope.payload[field] = `graph-results/${other.taskId}/${field === 'summaryS3Key' ? 'summary' : 'features'}.json`;

      expectDeadLettered(await dispatch(envelope), envelope, field, other.taskId, 'RESULT_KEY_FOREIGN');

      await expectFailedAtOnce(created, 'RESULT_KEY_FOREIGN', 'GRAPH_GENERATION_FAILED');
      expect(await graphs.get(created.userId)).toBeUndefined();
    });

    it("fails a FAILED result that points at another task's file like a COMPLETED one", async () => {
      const other = await victim();
      const created = await openJob(`user-${randomUUID()}`);
      const envelope = golden('graph-generation-failed', created.taskId, created.userId);
      envelope.payload.resultS3Key = `graph-results/${other.taskId}/graph_final.json`;

      expectDeadLettered(await dispatch(envelope), envelope, 'RESULT_KEY_FOREIGN');

      await expectFailedAtOnce(created, 'RESULT_KEY_FOREIGN', 'GRAPH_GENERATION_FAILED');
    });

    it.each<[string, KeyFor]>([
      ['the summary request input (graph-summary/{taskId}/graph.json)', (own) => `graph-summary/${own}/graph.json`],
      ['the summary request input as an s3:// URI of our bucket', (own) => `s3://${aws.bucket}/graph-summary/${own}/graph.json`],
      ["another task's summary", (_, other) => `graph-summary/${other}/summary.json`],
      ["another task's generation summary", (_, other) => `graph-results/${other}/summary.json`],
    ])('fails a summary job at once (RESULT_KEY_FOREIGN) and dead-letters the result whose key is %s', async (_, keyFor) => {
      const other = await victim();
      const userId = await userWithGraph();
      const created = await openJob(userId, 'GRAPH_SUMMARY', { options: { graphVersion: 1 } });
      // What the api put there for this job; summary-shaped here, so only the key rule can refuse it.
      await putObject(`graph-summary/${created.taskId}/graph.json`, SUMMARY);
      const before = await graphs.getSummaryOf(userId, 1);
      const envelope = golden('graph-summary-completed', created.taskId, userId);
      const key = keyFor(created.taskId, other.taskId, other.userId);
      envelope.payload.summaryS3Key = key;

      expectDeadLettered(await dispatch(envelope), envelope, 'summaryS3Key', JSON.stringify(key), 'job failed with RESULT_KEY_FOREIGN');

      await expectFailedAtOnce(created, 'RESULT_KEY_FOREIGN', 'GRAPH_SUMMARY_FAILED');
      expect(await graphs.getSummaryOf(userId, 1)).toEqual(before);
    });

    it.each<[string, KeyFor]>([
      ['in another bucket', () => 's3://attacker/add-node-results/x/result.json'],
      ["another task's result", (_, other) => `add-node-results/${other}/result.json`],
      ["another task's graph result", (_, other) => `graph-results/${other}/graph_final.json`],
      ['the legacy graph form', (own, _other, user) => `graphs/${user}/${own}/output.json`],
    ])('fails an add-node job at once (RESULT_KEY_FOREIGN) and dead-letters the result whose key is %s', async (_, keyFor) => {
      const other = await victim();
      const userId = await userWithGraph();
      const { job: created, envelope } = await addNodeJob(userId);
      const key = keyFor(created.taskId, other.taskId, userId);
      envelope.payload.resultS3Key = key;

      expectDeadLettered(await dispatch(envelope), envelope, 'resultS3Key', JSON.stringify(key), 'job failed with RESULT_KEY_FOREIGN');

      await expectFailedAtOnce(created, 'RESULT_KEY_FOREIGN', 'ADD_CONVERSATION_FAILED');
      expect((await graphs.get(userId))?.version).toBe(1);
    });

    it('fails an empty key like a missing one (RESULT_MISSING), so the job does not hang', async () => {
      const created = await openJob(`user-${randomUUID()}`);
      const envelope = golden('graph-generation-completed', created.taskId, created.userId);
      envelope.payload.resultS3Key = '';

      expect(await dispatch(envelope)).toEqual({ kind: 'done', note: undefined });

      expect(await job(created.taskId)).toMatchObject({ status: 'FAILED', errorCode: 'RESULT_MISSING' });
    });

    it('accepts an s3:// URI that names the payload bucket', async () => {
      const userId = `user-${randomUUID()}`;
      const { taskId } = await openJob(userId);
      const envelope = golden('graph-generation-partial', taskId, userId);
      await putResult(envelope);
      envelope.payload.resultS3Key = `s3://${aws.bucket}/${String(envelope.payload.resultS3Key)}`;

      expect(await dispatch(envelope)).toEqual({ kind: 'done', note: undefined });

      expect(await job(taskId)).toMatchObject({ status: 'SUCCEEDED', resultKey: `graph-results/${taskId}/graph_final.json` });
    });

    it("records a late result with another task's key without reading it, and leaves the ended job alone", async () => {
      const other = await victim();
      const created = await openJob(`user-${randomUUID()}`);
      const timedOut = await jobs.transition(created.taskId, ['QUEUED'], { status: 'FAILED', errorCode: 'JOB_TIMED_OUT', finishedAt: new Date() });
      const envelope = golden('graph-generation-completed', created.taskId, created.userId);
      envelope.payload.resultS3Key = `graph-results/${other.taskId}/graph_final.json`;

      expect((await dispatch(envelope)).kind).toBe('done');

      expect(await job(created.taskId)).toEqual(timedOut);
      expect(await eventTypes(created.taskId)).toEqual([]);
      expect(await lateResults.listForTask(created.taskId)).toHaveLength(1);
    });
  });

  describe('faults while handling', () => {
    afterEach(() => jest.restoreAllMocks());

    it('fails the job at once with PROCESSING_FAILED and dead-letters the result when handling it hits a bug', async () => {
      const userId = `user-${randomUUID()}`;
      const { taskId } = await openJob(userId);
      const envelope = golden('graph-generation-completed', taskId, userId);
      await putResult(envelope);
      jest.spyOn(graphs, 'replace').mockRejectedValueOnce(new TypeError("Cannot read properties of undefined (reading 'id')"));

      const outcome = await dispatch(envelope);

      expect(outcome).toMatchObject({ kind: 'dead-letter', taskId, taskType: 'GRAPH_GENERATION_RESULT', reason: expect.stringContaining('PROCESSING_FAILED') as unknown });
      expect(await job(taskId)).toMatchObject({ status: 'FAILED', errorCode: 'PROCESSING_FAILED' });
      expect(await eventTypes(taskId)).toEqual(['GRAPH_GENERATION_FAILED']);
    });

    it('retries, changing nothing, while the database is down', async () => {
      const userId = `user-${randomUUID()}`;
      const { taskId } = await openJob(userId);
      const envelope = golden('graph-generation-completed', taskId, userId);
      await putResult(envelope);
      const down = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
      jest.spyOn(graphs, 'replace').mockRejectedValueOnce(new Error('Failed query: insert ...', { cause: down }));

      expect(await dispatch(envelope)).toMatchObject({ kind: 'retry', reason: expect.stringContaining('database unavailable') as unknown });
      expect(await job(taskId)).toMatchObject({ status: 'QUEUED' });

      expect(await dispatch(envelope)).toEqual({ kind: 'done', note: undefined }); // the database is back
      expect(await job(taskId)).toMatchObject({ status: 'SUCCEEDED' });
    });
  });

  describe('broken or foreign results', () => {
    it('fails the job with RESULT_NOT_FOUND when the result object is missing', async () => {
      const { taskId } = await openJob();

      expect(await dispatch(golden('graph-generation-completed', taskId))).toEqual({ kind: 'done', note: undefined });

      const row = await job(taskId);
      expect(row).toMatchObject({ status: 'FAILED', errorCode: 'RESULT_NOT_FOUND' });
      expect(row.errorDetail).toContain(`graph-results/${taskId}/graph_final.json`);
    });

    it('dead-letters a result for a job of another user and leaves the job alone', async () => {
      const created = await openJob('someone-else');
      const envelope = golden('graph-generation-completed', created.taskId);
      await putResult(envelope);

      const outcome = await dispatch(envelope);

      expect(outcome).toEqual({ kind: 'dead-letter', reason: `owner mismatch for ${created.taskId}`, taskId: created.taskId, taskType: 'GRAPH_GENERATION_RESULT' });
      expect(await job(created.taskId)).toEqual(created);
      expect(await eventTypes(created.taskId)).toEqual([]);
    });

    it('dead-letters a result for a job of another kind and leaves the job alone', async () => {
      const created = await openJob(USER, 'ADD_NODE');

      const outcome = await dispatch(golden('graph-generation-failed', created.taskId));

      expect(outcome).toEqual({ kind: 'dead-letter', reason: `job ${created.taskId} is ADD_NODE, not GRAPH_GENERATION`, taskId: created.taskId, taskType: 'GRAPH_GENERATION_RESULT' });
      expect(await job(created.taskId)).toEqual(created);
    });

    it('dead-letters a result for an unknown task id', async () => {
      const taskId = `task-${randomUUID()}`;

      const outcome = await dispatch(golden('graph-generation-failed', taskId));

      expect(outcome).toEqual({ kind: 'dead-letter', reason: `no job ${taskId}`, taskId, taskType: 'GRAPH_GENERATION_RESULT' });
      expect(await jobs.findById(taskId)).toBeUndefined();
    });

    it('dead-letters an unknown task type', async () => {
      const { taskId } = await openJob();
      const envelope = { ...golden('graph-generation-progress', taskId), taskType: 'MICROSCOPE_INGEST_RESULT' };

      const outcome = await dispatch(envelope);

      expect(outcome.kind).toBe('dead-letter');
      expect((await job(taskId)).status).toBe('QUEUED');
    });

    it('dead-letters a body that is not JSON', async () => {
      expect((await dispatch('{"taskId": "t", ')).kind).toBe('dead-letter');
    });
  });

  describe('messages that break the contract', () => {
    function breakPayload(envelope: GoldenEnvelope): GoldenEnvelope {
      return { ...envelope, payload: { ...envelope.payload, status: 'DONE' } };
    }

    it.each([
      ['graph-generation-completed', 'GRAPH_GENERATION', 'GRAPH_GENERATION_FAILED', 'INVALID_PAYLOAD', breakPayload],
      ['add-node-completed', 'ADD_NODE', 'ADD_CONVERSATION_FAILED', 'INVALID_PAYLOAD', breakPayload],
      ['graph-summary-completed', 'GRAPH_SUMMARY', 'GRAPH_SUMMARY_FAILED', 'INVALID_PAYLOAD', breakPayload],
      ['graph-summary-completed', 'GRAPH_SUMMARY', 'GRAPH_SUMMARY_FAILED', 'INVALID_ENVELOPE', (envelope: GoldenEnvelope) => ({ ...envelope, timestamp: 'yesterday' })],
    ] as const)('fails the live job a %s names at once (RESULT_MESSAGE_INVALID) and dead-letters it (%s, %s, %s)', async (name, kind, failedEvent, code, edit) => {
      const created = await openJob(`user-${randomUUID()}`, kind);
      const envelope = edit(golden(name, created.taskId, created.userId));

      const outcome = await dispatch(envelope);

      expect(outcome).toEqual({ kind: 'dead-letter', reason: expect.stringContaining(`${code}: `) as unknown, taskId: created.taskId, taskType: envelope.taskType });
      expect(outcome.kind === 'dead-letter' && outcome.reason).toContain('job failed with RESULT_MESSAGE_INVALID');
      const row = await job(created.taskId);
      expect(row).toMatchObject({ status: 'FAILED', errorCode: 'RESULT_MESSAGE_INVALID', errorMessage: userMessageFor('RESULT_MESSAGE_INVALID') });
      expect(row.errorDetail).toContain(code);
      const logged = await events.listForJob(created.taskId);
      expect(logged.map((event) => event.type)).toEqual([failedEvent]);
      expect(logged[0]?.payload).toMatchObject({ taskId: created.taskId, status: 'FAILED', errorCode: 'RESULT_MESSAGE_INVALID' });
    });

    it.each([
      ['another owner', async () => (await openJob('someone-else')).taskId],
      ['another kind', async () => (await openJob(USER, 'ADD_NODE')).taskId],
      ['no job', () => Promise.resolve(`task-${randomUUID()}`)],
    ])('dead-letters a broken result that names %s and changes no job', async (_, taskIdFor) => {
      const taskId = await taskIdFor();
      const before = await jobs.findById(taskId);
      const envelope = breakPayload(golden('graph-generation-completed', taskId));

      const outcome = await dispatch(envelope);

      expect(outcome).toEqual({ kind: 'dead-letter', reason: expect.stringMatching(/^INVALID_PAYLOAD: /) as unknown, taskId, taskType: 'GRAPH_GENERATION_RESULT' });
      expect(outcome.kind === 'dead-letter' && outcome.reason).not.toContain('job failed');
      expect(await jobs.findById(taskId)).toEqual(before);
      expect(await eventTypes(taskId)).toEqual([]);
    });

    it('dead-letters a broken result for a job that already ended and leaves the job alone', async () => {
      const created = await openJob();
      const timedOut = await jobs.transition(created.taskId, ['QUEUED'], { status: 'FAILED', errorCode: 'JOB_TIMED_OUT', finishedAt: new Date() });

      expect((await dispatch(breakPayload(golden('graph-generation-completed', created.taskId)))).kind).toBe('dead-letter');

      expect(await job(created.taskId)).toEqual(timedOut);
      expect(await eventTypes(created.taskId)).toEqual([]);
    });

    it('dead-letters broken progress for a live job but leaves the job to its result', async () => {
      const created = await openJob();
      const envelope = golden('graph-generation-progress', created.taskId);
      envelope.payload.progressPercent = 101;

      const outcome = await dispatch(envelope);

      expect(outcome).toEqual({ kind: 'dead-letter', reason: expect.stringMatching(/^INVALID_PAYLOAD: /) as unknown, taskId: created.taskId, taskType: 'GRAPH_GENERATION_PROGRESS' });
      expect(await job(created.taskId)).toEqual(created);
    });

    it('dead-letters a request envelope on the result queue with its task labels and leaves the job alone', async () => {
      const created = await openJob();
      const request = readGoldenEnvelope('requests/graph-generation.json', { taskId: created.taskId, userId: USER, payloadBucket: aws.bucket });
      request.taskId = created.taskId;

      expect(await dispatch(request)).toEqual({ kind: 'dead-letter', reason: 'no handler for task type GRAPH_GENERATION_REQUEST', taskId: created.taskId, taskType: 'GRAPH_GENERATION_REQUEST' });
      expect(await job(created.taskId)).toEqual(created);
    });
  });

  describe('redelivery', () => {
    it('ignores a second copy of the completed result', async () => {
      const { taskId } = await openJob();
      const envelope = golden('graph-generation-completed', taskId);
      await putResult(envelope);

      expect(await dispatch(envelope)).toEqual({ kind: 'done', note: undefined });
      const first = await graphs.get(USER);
      const finished = await job(taskId);

      const second = await dispatch(envelope);

      expect(second.kind).toBe('done');
      expect(second.kind === 'done' && second.note).toContain('already finished');
      expect((await graphs.get(USER))?.version).toBe(first?.version);
      expect(await job(taskId)).toEqual(finished);
      expect(await eventTypes(taskId)).toEqual(['GRAPH_GENERATION_COMPLETED']);
    });

    it('acknowledges a repeated result without reading S3 again, even after the result object is gone', async () => {
      const { taskId } = await openJob();
      const envelope = golden('graph-generation-completed', taskId);
      await putResult(envelope);
      await dispatch(envelope);
      const key = (envelope.payload as { resultS3Key: string }).resultS3Key;
      await aws.s3.send(new DeleteObjectCommand({ Bucket: aws.bucket, Key: key }));

      const repeated = await dispatch(envelope);

      expect(repeated.kind === 'done' && repeated.note).toContain('already finished');
      expect(await job(taskId)).toMatchObject({ status: 'SUCCEEDED', errorCode: null });
    });

    it('ignores progress that arrives after completion', async () => {
      const { taskId } = await openJob();
      const completed = golden('graph-generation-completed', taskId);
      await putResult(completed);
      await dispatch(completed);

      const outcome = await dispatch(golden('graph-generation-progress', taskId));

      expect(outcome.kind).toBe('done');
      expect(outcome.kind === 'done' && outcome.note).toContain('late progress ignored');
      expect(await job(taskId)).toMatchObject({ status: 'SUCCEEDED', progressPercent: 100 });
      expect(await eventTypes(taskId)).toEqual(['GRAPH_GENERATION_COMPLETED']);
    });

    it('ignores a failure that arrives after completion', async () => {
      const { taskId } = await openJob();
      const completed = golden('graph-generation-completed', taskId);
      await putResult(completed);
      await dispatch(completed);

      const outcome = await dispatch(golden('graph-generation-failed', taskId));

      expect(outcome.kind === 'done' && outcome.note).toContain('already finished');
      expect(await job(taskId)).toMatchObject({ status: 'SUCCEEDED', errorCode: null });
    });
  });
});
