import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type TestingModule } from '@nestjs/testing';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ObjectStore } from '@app/aws';
import { DatabaseService, type Job, JobsRepository, type NewJob } from '@app/database';
import { JobLedger } from '@app/job-events';
import { TEST_CREDENTIALS, TEST_REGION, type TestAwsResources } from '../../../../test/support/test-aws';
import { TEST_DRIVERS } from '../../../../libs/database/test/test-database';
import { FIXTURES_DIR, type GoldenEnvelope, readGoldenEnvelope } from '../../../../libs/queue-contracts/test/golden-contract';
import { WorkerEnvironment } from '../config/worker.environment';
import { type Outcome } from '../consumer/outcome';
import { ResultDispatcher } from '../results/result-dispatcher';
import { JobTimeoutSweeper } from '../timeouts/job-timeout.sweeper';
import { JobFilesCleaner } from './job-files.cleaner';
import { bootResultHandling, type ResultHandlingTestContext } from '../../test/result-handling-test-module';

const USER = 'u-files';
/** A user id that starts with USER: its keys share every prefix of USER's but the task folder. */
const NEIGHBOUR = `${USER}0`;
const GRAPH_RESULT = readFileSync(path.join(FIXTURES_DIR, 'files/graph-result.json'), 'utf8');
const HOUR_MS = 3600 * 1000;

function workerEnvironment(): WorkerEnvironment {
  return Object.assign(new WorkerEnvironment(), { SQS_RESULT_QUEUE_URL: 'http://localhost/queue', JOB_TIMEOUT_SECONDS: 60 });
}

/** The harness around one booted result handling: jobs, their files, results. */
function harness(context: ResultHandlingTestContext) {
  const { aws, moduleRef } = context;
  const jobs = moduleRef.get(JobsRepository);
  const put = (key: string, body = '{}') => aws.s3.send(new PutObjectCommand({ Bucket: aws.bucket, Key: key, Body: body, ContentType: 'application/json' }));
  return {
    jobs,
    put,
    async openJob(overrides: Partial<NewJob> = {}, userId = USER): Promise<Job> {
      const taskId = overrides.taskId ?? `task_${userId}_${randomUUID()}`;
      const job = await jobs.create({ taskId, userId, kind: 'GRAPH_GENERATION', status: 'RUNNING', inputKey: `graph-generation/${taskId}/`, ...overrides });
      await put(`graph-generation/${taskId}/conversations.json`);
      await put(`graph-generation/${taskId}/notes/a.json`);
      return job;
    },
    /** Every key of the job's folders (input, results, the older AI's graphs/<userId>/<taskId>/). */
    async filesOf(job: Job): Promise<string[]> {
      const folders = [`graph-generation/${job.taskId}/`, `graph-results/${job.taskId}/`, `graphs/${job.userId}/${job.taskId}/`];
      return (await Promise.all(folders.map((folder) => aws.listKeys(folder)))).flat();
    },
    async row(taskId: string): Promise<Job> {
      const row = await jobs.findById(taskId);
      if (!row) throw new Error(`job ${taskId} is gone`);
      return row;
    },
    golden(name: string, job: Job): GoldenEnvelope {
      return readGoldenEnvelope(`results/${name}.json`, { taskId: job.taskId, userId: job.userId, payloadBucket: aws.bucket });
    },
    /** A COMPLETED result whose graph file the AI has written. */
    async completed(job: Job): Promise<GoldenEnvelope> {
      const envelope = readGoldenEnvelope('results/graph-generation-completed.json', { taskId: job.taskId, userId: job.userId, payloadBucket: aws.bucket });
      await put(envelope.payload.resultS3Key as string, GRAPH_RESULT);
      await put(envelope.payload.featuresS3Key as string);
      return envelope;
    },
    dispatch(envelope: GoldenEnvelope): Promise<Outcome> {
      return moduleRef.get(ResultDispatcher).dispatch({ messageId: 'm', body: JSON.stringify(envelope), receiveCount: 1 });
    },
    /** A cleaner of its own on the working store, as another worker process would have. */
    cleaner(worker: WorkerEnvironment): JobFilesCleaner {
      return new JobFilesCleaner(moduleRef.get(DatabaseService), jobs, moduleRef.get(ObjectStore), worker);
    },
  };
}

describe.each(TEST_DRIVERS)(`${JobFilesCleaner.name} (%s)`, (driver) => {
  let context: ResultHandlingTestContext;
  let aws: TestAwsResources;
  let moduleRef: TestingModule;
  let h: ReturnType<typeof harness>;
  const worker = workerEnvironment();

  beforeAll(async () => {
    context = await bootResultHandling(driver, 'worker-files', [{ provide: WorkerEnvironment, useValue: worker }]);
    ({ aws, moduleRef } = context);
    h = harness(context);
  });

  afterEach(() => {
    worker.WORKER_JOB_FILES_RETENTION_SECONDS = 0;
  });

  afterAll(async () => {
    await context?.close();
  });

  /** The same user's and a neighbour's jobs whose ids and user ids start like `job`'s, and their files. */
  async function neighbours(job: Job): Promise<Job[]> {
    const longerTask = await h.openJob({ taskId: `${job.taskId}0` });
    const otherUser = await h.openJob({ taskId: job.taskId.replace(USER, NEIGHBOUR), status: 'RUNNING' }, NEIGHBOUR);
    await h.put(`graph-results/${longerTask.taskId}/graph_final.json`);
    await h.put(`graphs/${NEIGHBOUR}/${job.taskId}/graph_final.json`);
    await h.put(`graph-results/${job.taskId}.json`);
    return [longerTask, otherUser];
  }

  it('deletes a job\'s input bundle and result files right after its result, and only those', async () => {
    const job = await h.openJob();
    const others = await neighbours(job);
    const before = await Promise.all(others.map((other) => h.filesOf(other)));

    expect(await h.dispatch(await h.completed(job))).toEqual({ kind: 'done', note: undefined });

    const ended = await h.row(job.taskId);
    expect(ended.status).toBe('SUCCEEDED');
    expect(ended.filesDeletedAt).toBeInstanceOf(Date);
    expect(await h.filesOf(job)).toEqual([]);
    expect(await Promise.all(others.map((other) => h.filesOf(other)))).toEqual(before);
    expect(before.flat()).toHaveLength(5);
    expect(await aws.listKeys(`graphs/${NEIGHBOUR}/`)).toEqual([`graphs/${NEIGHBOUR}/${job.taskId}/graph_final.json`]);
    expect(await aws.listKeys(`graph-results/${job.taskId}.json`)).toEqual([`graph-results/${job.taskId}.json`]);
  });

  it('deletes the older AI\'s result folder (graphs/<userId>/<taskId>/) it recorded', async () => {
    const job = await h.openJob();
    const envelope = h.golden('graph-generation-completed-legacy-key', job);
    await h.put(envelope.payload.resultS3Key as string, GRAPH_RESULT);

    await h.dispatch(envelope);

    expect((await h.row(job.taskId)).resultKey).toMatch(new RegExp(`^graphs/${USER}/${job.taskId}/`));
    expect(await h.filesOf(job)).toEqual([]);
  });

  it('keeps the files for WORKER_JOB_FILES_RETENTION_SECONDS, then the sweep deletes them', async () => {
    worker.WORKER_JOB_FILES_RETENTION_SECONDS = 3600;
    const job = await h.openJob();
    await h.dispatch(await h.completed(job));
    const kept = await h.filesOf(job);
    expect(kept).toHaveLength(4);
    const cleaner = moduleRef.get(JobFilesCleaner);

    await cleaner.sweep(new Date(Date.now() + HOUR_MS - 60_000));
    expect(await h.filesOf(job)).toEqual(kept);
    expect((await h.row(job.taskId)).filesDeletedAt).toBeNull();

    expect(await cleaner.sweep(new Date(Date.now() + HOUR_MS + 60_000))).toBeGreaterThanOrEqual(1);
    expect(await h.filesOf(job)).toEqual([]);
    expect((await h.row(job.taskId)).filesDeletedAt).toBeInstanceOf(Date);
  });

  it('deletes the files of a job that a FAILED result ends', async () => {
    const job = await h.openJob();
    await h.put(`graph-results/${job.taskId}/partial.json`);

    await h.dispatch(h.golden('graph-generation-failed', job));

    expect(await h.row(job.taskId)).toMatchObject({ status: 'FAILED', errorCode: 'LLM_AUTH_FAILED' });
    expect(await h.filesOf(job)).toEqual([]);
  });

  it('deletes the files of a job that timed out', async () => {
    const job = await h.openJob({ deadlineAt: new Date('2030-01-01T00:00:00Z') });
    const sweeper = new JobTimeoutSweeper(h.jobs, moduleRef.get(JobLedger), worker, moduleRef.get(JobFilesCleaner));

    await sweeper.sweep(new Date('2030-01-01T00:00:01Z'));

    expect((await h.row(job.taskId)).status).toBe('FAILED');
    expect(await h.filesOf(job)).toEqual([]);
  });

  it('sweeps the files of a job the api failed because its request was not sent', async () => {
    // As JobLauncher.failUnsent leaves it when removing the bundle failed too.
    const job = await h.openJob({ status: 'FAILED', errorCode: 'QUEUE_UNAVAILABLE', finishedAt: new Date() });

    await moduleRef.get(JobFilesCleaner).sweep();

    expect(await h.filesOf(job)).toEqual([]);
    expect((await h.row(job.taskId)).filesDeletedAt).toBeInstanceOf(Date);
  });

  it('never lists the files of a job already cleaned', async () => {
    const job = await h.openJob();
    await h.dispatch(await h.completed(job));
    const stamped = (await h.row(job.taskId)).filesDeletedAt;
    await h.put(`graph-generation/${job.taskId}/written-after.json`);

    await moduleRef.get(JobFilesCleaner).sweep(new Date(Date.now() + HOUR_MS));
    expect(await h.filesOf(job)).toEqual([`graph-generation/${job.taskId}/written-after.json`]);
    expect((await h.row(job.taskId)).filesDeletedAt).toEqual(stamped);

    // A repeat of the result that ended it changes nothing either.
    await h.dispatch(await h.completed(job));
    expect((await h.row(job.taskId)).filesDeletedAt).toEqual(stamped);
  });

  it('looks again when a result arrives late for a timed-out job, whose files the AI wrote after the job\'s were deleted', async () => {
    const job = await h.openJob({ deadlineAt: new Date('2031-01-01T00:00:00Z') });
    await new JobTimeoutSweeper(h.jobs, moduleRef.get(JobLedger), worker, moduleRef.get(JobFilesCleaner)).sweep(new Date('2031-01-01T00:00:01Z'));
    expect(await h.filesOf(job)).toEqual([]);

    const late = await h.completed(job);
    expect((await h.dispatch(late)).kind).toBe('done');
    expect(await h.row(job.taskId)).toMatchObject({ status: 'FAILED', filesDeletedAt: null });
    expect(await h.filesOf(job)).toHaveLength(2);

    await moduleRef.get(JobFilesCleaner).sweep();
    expect(await h.filesOf(job)).toEqual([]);
    expect((await h.row(job.taskId)).filesDeletedAt).toBeInstanceOf(Date);
  });

  it('lets two sweeps at once clean each job exactly once', async () => {
    const cleaners = [h.cleaner(worker), h.cleaner(worker)];
    await cleaners[0].sweep(); // what earlier tests left
    const ended = await Promise.all(Array.from({ length: 60 }, () => h.openJob({ status: 'SUCCEEDED', finishedAt: new Date(Date.now() - HOUR_MS) })));

    const counts = await Promise.all(cleaners.map((cleaner) => cleaner.sweep()));

    expect(counts[0] + counts[1]).toBe(ended.length);
    for (const job of ended) expect(await h.filesOf(job)).toEqual([]);
    expect(await cleaners[1].sweep()).toBe(0);
  });
});

describe.each(TEST_DRIVERS)(`${JobFilesCleaner.name} when S3 is down (%s)`, (driver) => {
  let context: ResultHandlingTestContext;
  let h: ReturnType<typeof harness>;
  let down: ObjectStore | undefined;
  const worker = workerEnvironment();

  beforeAll(async () => {
    // Nothing listens on port 9: every call is refused, as when S3 is unreachable.
    const downStore = (bucket: string) =>
      (down = new ObjectStore({ region: TEST_REGION, endpoint: 'http://127.0.0.1:9', ...TEST_CREDENTIALS, payloadBucket: bucket, maxAttempts: 1 }));
    context = await bootResultHandling(driver, 'worker-files-down', [
      { provide: WorkerEnvironment, useValue: worker },
      // Only the cleanup meets the outage: the result itself is read from the working store.
      {
        provide: JobFilesCleaner,
        inject: [DatabaseService, JobsRepository, ObjectStore],
        useFactory: (database: DatabaseService, jobs: JobsRepository, store: ObjectStore) => new JobFilesCleaner(database, jobs, downStore(store.bucket), worker),
      },
    ]);
    h = harness(context);
  });

  afterAll(async () => {
    down?.onApplicationShutdown();
    await context?.close();
  });

  it('leaves the job SUCCEEDED with its files pending, and the sweep deletes them once S3 is back', async () => {
    const job = await h.openJob();

    expect(await h.dispatch(await h.completed(job))).toEqual({ kind: 'done', note: undefined });

    expect(await h.row(job.taskId)).toMatchObject({ status: 'SUCCEEDED', filesDeletedAt: null });
    expect(await h.filesOf(job)).toHaveLength(4);
    expect(await context.moduleRef.get(JobFilesCleaner).sweep()).toBe(0);

    expect(await h.cleaner(worker).sweep()).toBe(1);
    expect(await h.filesOf(job)).toEqual([]);
    expect((await h.row(job.taskId)).filesDeletedAt).toBeInstanceOf(Date);
  });
});
