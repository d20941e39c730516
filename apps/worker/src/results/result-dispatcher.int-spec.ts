import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Test, type TestingModule } from '@nestjs/testing';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { AwsModule } from '@app/aws';
import { DatabaseModule, GraphRepository, type Job, JobEventsRepository, JobsRepository } from '@app/database';
import { JobEventsModule } from '@app/job-events';
import { createTestAwsResources, TEST_CREDENTIALS, TEST_REGION, type TestAwsResources } from '../../../../test/support/test-aws';
import { createTestDatabase, TEST_DRIVERS, type TestDatabase } from '../../../../libs/database/test/test-database';
import { CONTRACT_DIR, type GoldenEnvelope, readGoldenEnvelope, readGoldenText } from '../../../../libs/queue-contracts/test/golden-contract';
import { type Outcome } from '../consumer/outcome';
import { ResultDispatcher } from './result-dispatcher';
import { RESULT_HANDLER_PROVIDERS } from './result-handlers.providers';

const USER = 'u1';
const GRAPH_RESULT = readFileSync(path.join(CONTRACT_DIR, 'files/graph-result.json'), 'utf8');

describe.each(TEST_DRIVERS)(`${ResultDispatcher.name} (%s)`, (driver) => {
  let aws: TestAwsResources;
  let testDatabase: TestDatabase;
  let moduleRef: TestingModule;
  let dispatcher: ResultDispatcher;
  let jobs: JobsRepository;
  let events: JobEventsRepository;
  let graphs: GraphRepository;

  beforeAll(async () => {
    aws = await createTestAwsResources('worker-dispatch');
    testDatabase = await createTestDatabase(driver);
    moduleRef = await Test.createTestingModule({
      imports: [
        DatabaseModule.forRoot(testDatabase.options),
        AwsModule.forRoot({ region: TEST_REGION, endpoint: aws.endpoint, ...TEST_CREDENTIALS, payloadBucket: aws.bucket, maxAttempts: 1 }),
        JobEventsModule.forRoot({}),
      ],
      providers: RESULT_HANDLER_PROVIDERS,
    }).compile();
    await moduleRef.init();
    dispatcher = moduleRef.get(ResultDispatcher);
    jobs = moduleRef.get(JobsRepository);
    events = moduleRef.get(JobEventsRepository);
    graphs = moduleRef.get(GraphRepository);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await testDatabase?.drop();
    aws?.destroy();
  });

  /** A fresh QUEUED graph job owned by `userId`. */
  async function openJob(userId = USER): Promise<Job> {
    const taskId = `task-${randomUUID()}`;
    return jobs.create({ taskId, userId, kind: 'GRAPH_GENERATION', status: 'QUEUED', inputKey: `graph-generation/${taskId}/` });
  }

  function golden(name: string, taskId: string, userId = USER): GoldenEnvelope {
    return readGoldenEnvelope(`results/${name}.json`, { taskId, userId, payloadBucket: aws.bucket });
  }

  /** Uploads graph-result.json where the golden says the result is. */
  async function putResult(envelope: GoldenEnvelope): Promise<void> {
    const key = envelope.payload.resultS3Key;
    if (typeof key !== 'string') throw new Error(`golden ${envelope.taskType} has no resultS3Key`);
    await aws.s3.send(new PutObjectCommand({ Bucket: aws.bucket, Key: key, Body: GRAPH_RESULT, ContentType: 'application/json' }));
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
      expect(row).toMatchObject({ status: 'RUNNING', progressStage: '[1단계] 임베딩 생성 중', progressPercent: 33, etaSeconds: null });
      expect(row.startedAt).toBeInstanceOf(Date);
      const logged = await events.listForJob(taskId);
      expect(logged.map((event) => event.type)).toEqual(['GRAPH_GENERATION_PROGRESS_UPDATED']);
      expect(logged[0]?.payload).toMatchObject({ taskId, status: 'RUNNING', stage: '[1단계] 임베딩 생성 중', percent: 33 });
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

      expect(await job(taskId)).toMatchObject({ status: 'SUCCEEDED', warning: 'summary generation failed: upstream model timeout', errorCode: null });
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

    it('unparseable-request-echo is dead-lettered and changes no job', async () => {
      const bystander = await openJob();
      const body = readGoldenText('results/unparseable-request-echo.json', { taskId: 'unused', userId: USER, payloadBucket: aws.bucket });

      const outcome = await dispatch(body);

      expect(outcome.kind).toBe('dead-letter');
      expect(await job(bystander.taskId)).toEqual(bystander);
      expect(await jobs.findById('unknown')).toBeUndefined();
    });

    it('add-node-completed is dead-lettered: no handler for ADD_NODE_RESULT in this version', async () => {
      const { taskId } = await openJob();

      const outcome = await dispatch(golden('add-node-completed', taskId));

      expect(outcome.kind).toBe('dead-letter');
      expect(outcome.kind === 'dead-letter' && outcome.reason).toContain('ADD_NODE_RESULT');
      expect((await job(taskId)).status).toBe('QUEUED');
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

      expect(outcome).toEqual({ kind: 'dead-letter', reason: `owner mismatch for ${created.taskId}` });
      expect(await job(created.taskId)).toEqual(created);
      expect(await eventTypes(created.taskId)).toEqual([]);
    });

    it('dead-letters a result for an unknown task id', async () => {
      const taskId = `task-${randomUUID()}`;

      const outcome = await dispatch(golden('graph-generation-failed', taskId));

      expect(outcome).toEqual({ kind: 'dead-letter', reason: `no job ${taskId}` });
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
