import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { DatabaseService, JobEventsRepository, type JobStatus, JobsRepository, LateResultsRepository } from '@app/database';
import { TEST_DRIVERS } from '../../../../libs/database/test/test-database';
import { WorkerEnvironment } from '../config/worker.environment';
import { JobFilesCleaner } from './job-files.cleaner';
import { RetentionSweeper } from './retention.sweeper';
import { bootResultHandling, type ResultHandlingTestContext } from '../../test/result-handling-test-module';

const DAY_MS = 24 * 3600 * 1000;
const RETENTION_DAYS = 30;

describe.each(TEST_DRIVERS)(`${RetentionSweeper.name} (%s)`, (driver) => {
  let context: ResultHandlingTestContext;
  let database: DatabaseService;
  let jobs: JobsRepository;
  let events: JobEventsRepository;
  let lateResults: LateResultsRepository;
  const worker = Object.assign(new WorkerEnvironment(), {
    SQS_RESULT_QUEUE_URL: 'http://localhost/queue',
    WORKER_EVENT_RETENTION_DAYS: RETENTION_DAYS,
    WORKER_LATE_RESULT_RETENTION_DAYS: RETENTION_DAYS,
  });

  beforeAll(async () => {
    context = await bootResultHandling(driver, 'worker-retention', [{ provide: WorkerEnvironment, useValue: worker }]);
    const { moduleRef } = context;
    database = moduleRef.get(DatabaseService);
    jobs = moduleRef.get(JobsRepository);
    events = moduleRef.get(JobEventsRepository);
    lateResults = moduleRef.get(LateResultsRepository);
  });

  afterAll(async () => {
    await context?.close();
  });

  /** Built by hand, so no timer sweeps behind the tests' backs; two of them are two workers. */
  function sweeper(): RetentionSweeper {
    return new RetentionSweeper(context.moduleRef.get(JobFilesCleaner), events, lateResults, worker);
  }

  async function openJob(status: JobStatus): Promise<string> {
    const taskId = `task_u-retention_${randomUUID()}`;
    const ended = status !== 'QUEUED' && status !== 'RUNNING';
    await jobs.create({ taskId, userId: 'u-retention', kind: 'GRAPH_GENERATION', status, inputKey: `graph-generation/${taskId}/`, finishedAt: ended ? new Date() : null, filesDeletedAt: ended ? new Date() : null });
    return taskId;
  }

  /** `count` events of the job, all created at `at`. */
  async function addEvents(taskId: string, count: number, at: Date): Promise<void> {
    await database.db.execute(sql`
      INSERT INTO job_events (task_id, user_id, type, payload, created_at)
      SELECT ${taskId}, 'u-retention', 'GRAPH_GENERATION_PROGRESS', jsonb_build_object('n', n), ${at.toISOString()}::timestamptz
      FROM generate_series(1, ${count}::integer) AS n`);
  }

  async function addLateResults(taskId: string, count: number, at: Date): Promise<void> {
    await database.db.execute(sql`
      INSERT INTO late_results (task_id, task_type, job_status, envelope, received_at)
      SELECT ${taskId}, 'GRAPH_GENERATION_RESULT', 'SUCCEEDED', '{}'::jsonb, ${at.toISOString()}::timestamptz
      FROM generate_series(1, ${count}::integer)`);
  }

  async function countEvents(taskId: string): Promise<number> {
    return (await events.listForJob(taskId, undefined, 100_000)).length;
  }

  /** A `now` whose cutoff lies between `old` and `recent` (both relative to the real clock). */
  const now = new Date();
  const old = new Date(now.getTime() - (RETENTION_DAYS + 1) * DAY_MS);
  const recent = new Date(now.getTime() - (RETENTION_DAYS - 1) * DAY_MS);

  it('purges old events and late results, keeps recent ones and every event of a live job', async () => {
    const ended = await openJob('SUCCEEDED');
    const live = await openJob('RUNNING');
    await addEvents(ended, 5, old);
    await addEvents(ended, 2, recent);
    await addEvents(live, 3, old);
    await addLateResults(ended, 4, old);
    await addLateResults(ended, 1, recent);

    const swept = await sweeper().sweep(now);

    expect(swept).toMatchObject({ events: 5, lateResults: 4 });
    expect(await countEvents(ended)).toBe(2);
    expect(await countEvents(live)).toBe(3);
    const kept = await lateResults.listForTask(ended);
    expect(kept.map((row) => row.receivedAt.toISOString())).toEqual([recent.toISOString()]);
    expect(await sweeper().sweep(now)).toMatchObject({ events: 0, lateResults: 0 });
  });

  it('deletes at most `limit` rows per statement, only those before the cutoff', async () => {
    const ended = await openJob('FAILED');
    await addEvents(ended, 3, new Date(old.getTime() - DAY_MS));
    await addEvents(ended, 3, old);
    await addLateResults(ended, 3, old);

    expect(await events.purgeOlderThan(new Date(old.getTime() - DAY_MS / 2), 2)).toBe(2);
    expect(await events.purgeOlderThan(new Date(old.getTime() - DAY_MS / 2), 2)).toBe(1);
    expect(await events.purgeOlderThan(new Date(old.getTime() - DAY_MS / 2), 2)).toBe(0);
    expect(await countEvents(ended)).toBe(3);
    expect(await lateResults.purgeOlderThan(recent, 2)).toBe(2);
    expect(await lateResults.listForTask(ended)).toHaveLength(1);
    await sweeper().sweep(now);
  });

  it('deletes at most BATCH_SIZE x MAX_BATCHES rows per sweep and leaves the rest to the next', async () => {
    const bound = RetentionSweeper.BATCH_SIZE * RetentionSweeper.MAX_BATCHES;
    const ended = await openJob('CANCELLED');
    await addEvents(ended, bound + 250, old);

    expect((await sweeper().sweep(now)).events).toBe(bound);
    expect(await countEvents(ended)).toBe(250);
    expect((await sweeper().sweep(now)).events).toBe(250);
    expect(await countEvents(ended)).toBe(0);
  });

  it('lets two sweeps at once split the work without failing', async () => {
    const ended = await openJob('SUCCEEDED');
    await addEvents(ended, 3 * RetentionSweeper.BATCH_SIZE + 10, old);
    await addLateResults(ended, 1500, old);

    const sweeps = await Promise.all([sweeper().sweep(now), sweeper().sweep(now)]);

    expect(sweeps[0].events + sweeps[1].events).toBe(3 * RetentionSweeper.BATCH_SIZE + 10);
    expect(sweeps[0].lateResults + sweeps[1].lateResults).toBe(1500);
    expect(await countEvents(ended)).toBe(0);
    expect(await lateResults.listForTask(ended)).toEqual([]);
  });
});
