import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Test, type TestingModule } from '@nestjs/testing';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { AwsModule } from '@app/aws';
import { DatabaseModule, type Job, JobEventsRepository, type JobKind, JobsRepository, type JobStatus } from '@app/database';
import { JobEventsModule, JobLedger } from '@app/job-events';
import { TEST_CREDENTIALS, TEST_REGION, type TestAwsResources } from '../../../../test/support/test-aws';
import { createTestDatabase, TEST_DRIVERS } from '../../../../libs/database/test/test-database';
import { FIXTURES_DIR, type GoldenEnvelope, readGoldenEnvelope } from '../../../../libs/queue-contracts/test/golden-contract';
import { WorkerEnvironment } from '../config/worker.environment';
import { type Outcome } from '../consumer/outcome';
import { ResultDispatcher } from '../results/result-dispatcher';
import { JobFilesCleaner } from '../retention/job-files.cleaner';
import { JOB_TIMED_OUT } from './job-deadline';
import { JobTimeoutSweeper } from './job-timeout.sweeper';
import { bootResultHandling, type ResultHandlingTestContext } from '../../test/result-handling-test-module';

const USER = 'u-timeouts';
const TIMEOUT_SECONDS = 60;
const GRAPH_RESULT = readFileSync(path.join(FIXTURES_DIR, 'files/graph-result.json'), 'utf8');
const TERMINAL_EVENTS = ['GRAPH_GENERATION_COMPLETED', 'GRAPH_GENERATION_FAILED'];

function workerEnvironment(overrides: Partial<WorkerEnvironment> = {}): WorkerEnvironment {
  return Object.assign(new WorkerEnvironment(), { SQS_RESULT_QUEUE_URL: 'http://localhost/queue', JOB_TIMEOUT_SECONDS: TIMEOUT_SECONDS }, overrides);
}

describe.each(TEST_DRIVERS)(`${JobTimeoutSweeper.name} (%s)`, (driver) => {
  let aws: TestAwsResources;
  let context: ResultHandlingTestContext;
  let moduleRef: TestingModule;
  let dispatcher: ResultDispatcher;
  let jobs: JobsRepository;
  let events: JobEventsRepository;
  let ledger: JobLedger;

  beforeAll(async () => {
    // The sweeper is built by hand below, so no timer sweeps behind the tests' backs.
    context = await bootResultHandling(driver, 'worker-timeouts', [{ provide: WorkerEnvironment, useValue: workerEnvironment() }]);
    ({ aws, moduleRef } = context);
    dispatcher = moduleRef.get(ResultDispatcher);
    jobs = moduleRef.get(JobsRepository);
    events = moduleRef.get(JobEventsRepository);
    ledger = moduleRef.get(JobLedger);
  });

  afterAll(async () => {
    await context?.close();
  });

  function sweeper(): JobTimeoutSweeper {
    return new JobTimeoutSweeper(jobs, ledger, workerEnvironment(), moduleRef.get(JobFilesCleaner));
  }

  /** A live job whose deadline is `deadlineAt`; the tests sweep at explicit times far from the real clock. */
  async function openJob(deadlineAt: Date | null, status: JobStatus = 'QUEUED', kind: JobKind = 'GRAPH_GENERATION'): Promise<Job> {
    const taskId = `task-${randomUUID()}`;
    return jobs.create({ taskId, userId: USER, kind, status, inputKey: `graph-generation/${taskId}/`, deadlineAt });
  }

  async function job(taskId: string): Promise<Job> {
    const row = await jobs.findById(taskId);
    if (!row) throw new Error(`job ${taskId} is gone`);
    return row;
  }

  async function eventTypes(taskId: string): Promise<string[]> {
    return (await events.listForJob(taskId)).map((event) => event.type);
  }

  function golden(name: string, taskId: string): GoldenEnvelope {
    return readGoldenEnvelope(`results/${name}.json`, { taskId, userId: USER, payloadBucket: aws.bucket });
  }

  function dispatch(envelope: GoldenEnvelope): Promise<Outcome> {
    return dispatcher.dispatch({ messageId: 'm', body: JSON.stringify(envelope), receiveCount: 1 });
  }

  async function completedWithResult(taskId: string): Promise<GoldenEnvelope> {
    const envelope = golden('graph-generation-completed', taskId);
    const key = envelope.payload.resultS3Key as string;
    await aws.s3.send(new PutObjectCommand({ Bucket: aws.bucket, Key: key, Body: GRAPH_RESULT, ContentType: 'application/json' }));
    return envelope;
  }

  const at = (iso: string) => new Date(iso);

  it('fails an expired job with JOB_TIMED_OUT and one FAILED event, and leaves a fresh one alone', async () => {
    const now = at('2040-01-01T00:00:00Z');
    const expired = await openJob(at('2039-12-31T23:59:00Z'), 'RUNNING');
    const fresh = await openJob(at('2040-01-01T00:01:00Z'));

    expect(await sweeper().sweep(now)).toBeGreaterThanOrEqual(1);

    const failed = await job(expired.taskId);
    expect(failed).toMatchObject({ status: 'FAILED', errorCode: JOB_TIMED_OUT });
    expect(failed.errorMessage).toEqual(expect.any(String));
    expect(failed.errorDetail).toContain(`${TIMEOUT_SECONDS} s`);
    expect(failed.finishedAt).toBeInstanceOf(Date);
    const logged = await events.listForJob(expired.taskId);
    expect(logged.map((event) => event.type)).toEqual(['GRAPH_GENERATION_FAILED']);
    expect(logged[0]?.payload).toMatchObject({ taskId: expired.taskId, status: 'FAILED', errorCode: JOB_TIMED_OUT });
    expect(await job(fresh.taskId)).toEqual(fresh);
    expect(await eventTypes(fresh.taskId)).toEqual([]);

    // A second sweep finds nothing more to do for it.
    await sweeper().sweep(now);
    expect(await eventTypes(expired.taskId)).toEqual(['GRAPH_GENERATION_FAILED']);
  });

  it('uses the FAILED event of the job kind', async () => {
    const now = at('2041-01-01T00:00:00Z');
    const addNode = await openJob(at('2040-12-31T00:00:00Z'), 'QUEUED', 'ADD_NODE');
    const summary = await openJob(at('2040-12-31T00:00:00Z'), 'RUNNING', 'GRAPH_SUMMARY');

    await sweeper().sweep(now);

    expect(await eventTypes(addNode.taskId)).toEqual(['ADD_CONVERSATION_FAILED']);
    expect(await eventTypes(summary.taskId)).toEqual(['GRAPH_SUMMARY_FAILED']);
  });

  it('sweeps more than one batch', async () => {
    const now = at('2042-01-01T00:00:00Z');
    const created: Job[] = [];
    for (let index = 0; index < JobTimeoutSweeper.BATCH_SIZE + 5; index++) created.push(await openJob(at('2041-12-31T00:00:00Z')));

    await sweeper().sweep(now);

    for (const row of created) expect((await job(row.taskId)).status).toBe('FAILED');
  });

  it('never times out a job without a deadline or one that already ended', async () => {
    const now = at('2043-01-01T00:00:00Z');
    const noDeadline = await openJob(null);
    const succeeded = await openJob(at('2042-01-01T00:00:00Z'), 'SUCCEEDED');

    await sweeper().sweep(now);

    expect(await job(noDeadline.taskId)).toEqual(noDeadline);
    expect(await job(succeeded.taskId)).toEqual(succeeded);
  });

  it('progress pushes the deadline to now + JOB_TIMEOUT_SECONDS', async () => {
    const stale = await openJob(new Date(Date.now() - 3_600_000));
    const before = Date.now();

    expect(await dispatch(golden('graph-generation-progress', stale.taskId))).toEqual({ kind: 'done', note: undefined });

    const row = await job(stale.taskId);
    expect(row.status).toBe('RUNNING');
    expect(row.deadlineAt!.getTime()).toBeGreaterThanOrEqual(before + TIMEOUT_SECONDS * 1000);
    expect(row.deadlineAt!.getTime()).toBeLessThanOrEqual(Date.now() + TIMEOUT_SECONDS * 1000);
    await sweeper().sweep(new Date());
    expect((await job(stale.taskId)).status).toBe('RUNNING');
  });

  it('leaves a job alone when progress moved its deadline after the sweep read it', async () => {
    const stale = await openJob(new Date(Date.now() - 3_600_000));
    const findExpired = jobs.findExpired.bind(jobs);
    const spy = jest.spyOn(jobs, 'findExpired').mockImplementationOnce(async (now, limit) => {
      const rows = await findExpired(now, limit);
      await dispatch(golden('graph-generation-progress', stale.taskId));
      return rows;
    });

    try {
      await sweeper().sweep(new Date());
    } finally {
      spy.mockRestore();
    }

    expect((await job(stale.taskId)).status).toBe('RUNNING');
    expect(await eventTypes(stale.taskId)).toEqual(['GRAPH_GENERATION_PROGRESS_UPDATED']);
  });

  it('lets concurrent sweepers fail a job once', async () => {
    const now = at('2044-01-01T00:00:00Z');
    const expired = await openJob(at('2043-12-31T00:00:00Z'), 'RUNNING');

    await Promise.all([sweeper().sweep(now), sweeper().sweep(now), sweeper().sweep(now)]);

    expect(await eventTypes(expired.taskId)).toEqual(['GRAPH_GENERATION_FAILED']);
    expect(await job(expired.taskId)).toMatchObject({ status: 'FAILED', errorCode: JOB_TIMED_OUT });
  });

  it('ends a sweep racing a result in exactly one terminal state', async () => {
    const now = at('2045-01-01T00:00:00Z');
    const expired = await openJob(at('2044-12-31T00:00:00Z'), 'RUNNING');
    const envelope = await completedWithResult(expired.taskId);

    const [, outcome] = await Promise.all([sweeper().sweep(now), dispatch(envelope)]);

    expect(outcome.kind).toBe('done');
    const logged = (await eventTypes(expired.taskId)).filter((type) => TERMINAL_EVENTS.includes(type));
    expect(logged).toHaveLength(1);
    const row = await job(expired.taskId);
    expect(row.status).toBe(logged[0] === 'GRAPH_GENERATION_COMPLETED' ? 'SUCCEEDED' : 'FAILED');
    if (row.status === 'FAILED') expect(row.errorCode).toBe(JOB_TIMED_OUT);
  });

  it('keeps a timed-out job FAILED when its result arrives late', async () => {
    const now = at('2046-01-01T00:00:00Z');
    const expired = await openJob(at('2045-12-31T00:00:00Z'), 'RUNNING');
    await sweeper().sweep(now);

    const outcome = await dispatch(await completedWithResult(expired.taskId));

    expect(outcome.kind).toBe('done');
    expect(await job(expired.taskId)).toMatchObject({ status: 'FAILED', errorCode: JOB_TIMED_OUT, resultKey: null });
    expect(await eventTypes(expired.taskId)).toEqual(['GRAPH_GENERATION_FAILED']);
  });

  it('makes a sweep after the result a no-op', async () => {
    const now = at('2047-01-01T00:00:00Z');
    const expired = await openJob(at('2046-12-31T00:00:00Z'), 'RUNNING');
    await dispatch(await completedWithResult(expired.taskId));

    await sweeper().sweep(now);

    expect((await job(expired.taskId)).status).toBe('SUCCEEDED');
    expect(await eventTypes(expired.taskId)).toEqual(['GRAPH_GENERATION_COMPLETED']);
  });

  it('logs and carries on when the database fails', async () => {
    const spy = jest.spyOn(jobs, 'findExpired').mockRejectedValueOnce(new Error('connection reset'));
    try {
      await expect(sweeper().sweep(new Date())).resolves.toBe(0);
    } finally {
      spy.mockRestore();
    }
  });

  it('sweeps on its own once the app is up and stops on shutdown', async () => {
    const lifecycleDatabase = await createTestDatabase(driver);
    const app = await Test.createTestingModule({
      imports: [
        DatabaseModule.forRoot(lifecycleDatabase.options),
        AwsModule.forRoot({ region: TEST_REGION, endpoint: aws.endpoint, ...TEST_CREDENTIALS, payloadBucket: aws.bucket, maxAttempts: 1 }),
        JobEventsModule.forRoot({}),
      ],
      providers: [JobTimeoutSweeper, JobFilesCleaner, { provide: WorkerEnvironment, useValue: workerEnvironment({ JOB_SWEEP_INTERVAL_MS: 500 }) }],
    }).compile();
    let closed = false;
    try {
      await app.init();
      const appJobs = app.get(JobsRepository);
      const sweeps = jest.spyOn(app.get(JobTimeoutSweeper), 'sweep');
      const taskId = `task-${randomUUID()}`;
      await appJobs.create({ taskId, userId: USER, kind: 'GRAPH_GENERATION', status: 'QUEUED', inputKey: 'k', deadlineAt: new Date(Date.now() - 1000) });

      const deadline = Date.now() + 10_000;
      while ((await appJobs.findById(taskId))?.status !== 'FAILED' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await appJobs.findById(taskId))?.errorCode).toBe(JOB_TIMED_OUT);

      await app.close();
      closed = true;
      const calls = sweeps.mock.calls.length;
      await new Promise((resolve) => setTimeout(resolve, 1200));
      expect(sweeps.mock.calls.length).toBe(calls);
    } finally {
      if (!closed) await app.close();
      await lifecycleDatabase.drop();
    }
  });
});
