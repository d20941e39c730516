import { bootDatabaseModule, type DatabaseTestContext } from '../test/database-test-module';
import { jobFactory } from '../test/factories/job.factory';
import { TEST_DRIVERS } from '../test/test-database';
import { JobEventsRepository } from './job-events.repository';
import { type Job } from './schema';
import { JobsRepository, type ProgressApplied, type ProgressItem, type ProgressMove } from './jobs.repository';

describe.each(TEST_DRIVERS)(`${JobsRepository.name} (%s)`, (driver) => {
  let context: DatabaseTestContext;
  let jobs: JobsRepository;

  beforeAll(async () => {
    context = await bootDatabaseModule(driver);
    jobs = context.moduleRef.get(JobsRepository);
  });

  afterAll(async () => {
    await context.close();
  });

  describe('create / findById', () => {
    it('stores a job with the column defaults applied', async () => {
      const created = await jobs.create(jobFactory.create({ options: undefined }));
      expect(created).toMatchObject({ status: 'QUEUED', attempt: 1, options: {}, resultKey: null, errorCode: null });
      expect(created.createdAt).toBeInstanceOf(Date);
      expect(await jobs.findById(created.taskId)).toEqual(created);
    });

    it('returns undefined for an unknown task', async () => {
      expect(await jobs.findById('missing')).toBeUndefined();
    });

    it('rejects a second job with the same taskId', async () => {
      const job = jobFactory.create();
      await jobs.create(job);
      await expect(jobs.create(job)).rejects.toThrow();
    });
  });

  describe('findForUser', () => {
    it('finds the job of its owner only', async () => {
      const job = await jobs.create(jobFactory.create({ userId: 'owner' }));
      expect((await jobs.findForUser('owner', job.taskId))?.taskId).toBe(job.taskId);
      expect(await jobs.findForUser('someone-else', job.taskId)).toBeUndefined();
    });
  });

  describe('listForUser', () => {
    it('pages through the user’s jobs newest first and leaves other users out', async () => {
      const created = [];
      for (let index = 0; index < 5; index++) created.push(await jobs.create(jobFactory.create({ userId: 'lister' })));
      await jobs.create(jobFactory.create({ userId: 'other-lister' }));
      const newestFirst = created.map((job) => job.taskId).reverse();

      const first = await jobs.listForUser('lister', { limit: 2 });
      const second = await jobs.listForUser('lister', { limit: 2, before: first[1].taskId });
      const rest = await jobs.listForUser('lister', { limit: 10, before: second[1].taskId });

      expect([...first, ...second, ...rest].map((job) => job.taskId)).toEqual(newestFirst);
      expect(await jobs.listForUser('lister', { limit: 10, before: 'unknown' })).toEqual([]);
    });
  });

  describe('advanceProgress', () => {
    const eventOf = (applied: ProgressApplied) => {
      if (!applied.event) throw new Error(`item ${applied.index} logged no event`);
      return applied.event;
    };
    const move = (): ProgressMove => ({
      kind: 'GRAPH_GENERATION',
      eventType: 'PROGRESS',
      startedAt: new Date('2026-11-22T06:00:00.000Z'),
      deadlineAt: new Date('2026-11-22T06:15:00.000Z'),
    });
    const item = (taskId: string, userId: string, percent: number): ProgressItem => ({
      taskId,
      userId,
      stage: `stage ${percent}`,
      percent,
      etaSeconds: percent === 0 ? null : 30,
      payload: { taskId, percent },
    });

    it('moves every live job of the batch, the newest item per job wins, one event per item in batch order', async () => {
      const [a, b] = [await jobs.create(jobFactory.create({ userId: 'p-1' })), await jobs.create(jobFactory.create({ userId: 'p-2', status: 'RUNNING' }))];
      const applied = await jobs.advanceProgress([item(a.taskId, 'p-1', 10), item(b.taskId, 'p-2', 50), item(a.taskId, 'p-1', 20)], move());

      expect(applied.map(({ index }) => index)).toEqual([0, 1, 2]);
      const ids = applied.map((one) => BigInt(eventOf(one).id));
      expect([...ids].sort((x, y) => (x < y ? -1 : 1))).toEqual(ids); // ids grow in batch order
      expect(applied[2].event).toMatchObject({ taskId: a.taskId, userId: 'p-1', type: 'PROGRESS', payload: { taskId: a.taskId, percent: 20 } });
      expect(await jobs.findById(a.taskId)).toMatchObject({
        status: 'RUNNING',
        progressPercent: 20,
        progressStage: 'stage 20',
        etaSeconds: 30,
        startedAt: move().startedAt,
        deadlineAt: move().deadlineAt,
      });
      const logged = await context.moduleRef.get(JobEventsRepository).listForJob(a.taskId);
      expect(logged.map((event) => [event.id, event.payload])).toEqual([
        [eventOf(applied[0]).id, { taskId: a.taskId, percent: 10 }],
        [eventOf(applied[2]).id, { taskId: a.taskId, percent: 20 }],
      ]);
    });

    it('moves the deadline in steps of at least 30 s (a smaller step leaves the indexed column alone), and never keeps a later one', async () => {
      const job = await jobs.create(jobFactory.create({ userId: 'p-steps', status: 'RUNNING', deadlineAt: move().deadlineAt }));
      const at = (seconds: number) => new Date(move().deadlineAt.getTime() + seconds * 1000);
      const report = async (percent: number, deadlineAt: Date) => {
        await jobs.advanceProgress([item(job.taskId, 'p-steps', percent)], { ...move(), deadlineAt });
        return (await jobs.findById(job.taskId))?.deadlineAt;
      };

      expect(await report(10, at(29))).toEqual(at(0));
      expect(await report(20, at(30))).toEqual(at(30));
      expect(await report(30, at(45))).toEqual(at(30));
      expect(await report(40, at(-100))).toEqual(at(-100));
    });

    it('leaves out items of finished, foreign, unknown or other-kind jobs and changes none of them', async () => {
      const done = await jobs.create(jobFactory.create({ userId: 'p-3', status: 'SUCCEEDED' }));
      const owned = await jobs.create(jobFactory.create({ userId: 'p-3' }));
      const summary = await jobs.create(jobFactory.create({ userId: 'p-3', kind: 'GRAPH_SUMMARY' }));
      const applied = await jobs.advanceProgress(
        [item(done.taskId, 'p-3', 10), item(owned.taskId, 'intruder', 10), item('task-missing', 'p-3', 10), item(summary.taskId, 'p-3', 10), item(owned.taskId, 'p-3', 5)],
        move(),
      );
      expect(applied.map(({ index }) => index)).toEqual([4]);
      expect(await jobs.findById(done.taskId)).toMatchObject({ status: 'SUCCEEDED', progressPercent: null });
      expect(await jobs.findById(summary.taskId)).toMatchObject({ status: 'QUEUED', progressPercent: null });
      expect(await jobs.findById(owned.taskId)).toMatchObject({ status: 'RUNNING', progressPercent: 5 });
      expect(await context.moduleRef.get(JobEventsRepository).listForJob(done.taskId)).toEqual([]);
    });

    it('applies a report that repeats its job’s progress without logging another event', async () => {
      const job = await jobs.create(jobFactory.create({ userId: 'p-dup' }));
      const events = context.moduleRef.get(JobEventsRepository);
      const first = await jobs.advanceProgress([item(job.taskId, 'p-dup', 40), item(job.taskId, 'p-dup', 40)], move());
      const redelivered = await jobs.advanceProgress([item(job.taskId, 'p-dup', 40)], move());
      const newEta = await jobs.advanceProgress([{ ...item(job.taskId, 'p-dup', 40), etaSeconds: 12 }], move());

      expect(first.map(({ index, event }) => [index, event !== undefined])).toEqual([
        [0, true],
        [1, false],
      ]);
      expect(redelivered.map(({ index, event }) => [index, event])).toEqual([[0, undefined]]);
      expect(newEta[0].event).toBeDefined(); // a new ETA is news for the client
      expect((await events.listForJob(job.taskId)).map((event) => event.payload)).toHaveLength(2);
      expect(await jobs.findById(job.taskId)).toMatchObject({ status: 'RUNNING', progressPercent: 40, etaSeconds: 12 });
    });

    it('keeps the first start time of a job that already started', async () => {
      const started = new Date('2026-11-01T00:00:00.000Z');
      const job = await jobs.create(jobFactory.create({ status: 'RUNNING', startedAt: started }));
      await jobs.advanceProgress([item(job.taskId, job.userId, 0)], move());
      expect(await jobs.findById(job.taskId)).toMatchObject({ startedAt: started, etaSeconds: null, progressPercent: 0 });
    });

    it('is empty for an empty batch', async () => {
      expect(await jobs.advanceProgress([], move())).toEqual([]);
    });

    it('lets concurrent batches over the same jobs and users finish without deadlock, every event logged', async () => {
      const batchJobs: Job[] = [];
      for (let index = 0; index < 6; index++) batchJobs.push(await jobs.create(jobFactory.create({ userId: `c-${index % 3}` })));
      // Each batch reports other percentages, so none of its items repeats a job's progress.
      const batch = (order: number[], round: number) => order.map((index) => item(batchJobs[index].taskId, batchJobs[index].userId, round * 10 + index));
      const orders = [[0, 1, 2, 3, 4, 5], [5, 4, 3, 2, 1, 0], [3, 0, 5, 1, 4, 2]];
      const results = await Promise.all(orders.map((order, round) => jobs.advanceProgress(batch(order, round + 1), move())));
      expect(results.map((applied) => applied.length)).toEqual([6, 6, 6]);
      const events = context.moduleRef.get(JobEventsRepository);
      for (const job of batchJobs) expect(await events.listForJob(job.taskId)).toHaveLength(3);
    });
  });

  describe('transition', () => {
    it('moves a job forward and stamps updated_at', async () => {
      const job = await jobs.create(jobFactory.create());
      const startedAt = new Date();
      const running = await jobs.transition(job.taskId, ['QUEUED'], { status: 'RUNNING', startedAt, progressPercent: 10 });
      expect(running).toMatchObject({ status: 'RUNNING', startedAt, progressPercent: 10 });
      expect(running!.updatedAt.getTime()).toBeGreaterThanOrEqual(job.updatedAt.getTime());
    });

    it('leaves a job alone when it is not in one of the expected states', async () => {
      const job = await jobs.create(jobFactory.create({ status: 'SUCCEEDED', resultKey: 'result.json' }));
      expect(await jobs.transition(job.taskId, ['QUEUED', 'RUNNING'], { status: 'RUNNING' })).toBeUndefined();
      expect(await jobs.transition(job.taskId, [], { status: 'FAILED' })).toBeUndefined();
      expect(await jobs.findById(job.taskId)).toMatchObject({ status: 'SUCCEEDED', resultKey: 'result.json' });
    });

    it('lets exactly one of two racing terminal transitions win', async () => {
      const job = await jobs.create(jobFactory.create({ status: 'RUNNING' }));
      const other = await context.otherConnection();
      const outcomes = await Promise.all([
        jobs.transition(job.taskId, ['RUNNING'], { status: 'SUCCEEDED' }),
        jobs.transition(job.taskId, ['RUNNING'], { status: 'FAILED', errorCode: 'AI_FAILED' }, other),
      ]);
      const winners = outcomes.filter((outcome) => outcome !== undefined);
      expect(winners).toHaveLength(1);
      expect((await jobs.findById(job.taskId))?.status).toBe(winners[0]?.status);
    });

    it('makes a writer blocked behind an uncommitted transition see its outcome', async () => {
      const job = await jobs.create(jobFactory.create({ status: 'RUNNING' }));
      const other = await context.otherConnection();
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let lateWriter: Promise<unknown> | undefined;
      let lateSettled = false;

      await context.database.transaction(async (tx) => {
        expect(await jobs.transition(job.taskId, ['RUNNING'], { status: 'SUCCEEDED' }, tx)).toBeDefined();
        lateWriter = jobs.transition(job.taskId, ['RUNNING'], { status: 'FAILED' }, other).finally(() => (lateSettled = true));
        setTimeout(release, 200);
        await held;
        expect(lateSettled).toBe(false);
      });

      expect(await lateWriter).toBeUndefined();
      expect((await jobs.findById(job.taskId))?.status).toBe('SUCCEEDED');
    });
  });

  describe('findExpired', () => {
    it('returns only live jobs whose deadline passed, oldest deadline first, up to the limit', async () => {
      const now = new Date('2031-01-01T00:00:00Z');
      const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
      const userId = 'expiry';
      const queued = await jobs.create(jobFactory.create({ userId, status: 'QUEUED', deadlineAt: at(-60) }));
      const running = await jobs.create(jobFactory.create({ userId, status: 'RUNNING', deadlineAt: at(-120) }));
      const onTheDot = await jobs.create(jobFactory.create({ userId, status: 'RUNNING', deadlineAt: now }));
      await jobs.create(jobFactory.create({ userId, status: 'RUNNING', deadlineAt: at(60) }));
      await jobs.create(jobFactory.create({ userId, status: 'QUEUED', deadlineAt: null }));
      for (const status of ['SUCCEEDED', 'FAILED', 'CANCELLED'] as const) {
        await jobs.create(jobFactory.create({ userId, status, deadlineAt: at(-600) }));
      }

      const mine = (rows: { userId: string; taskId: string }[]) => rows.filter((row) => row.userId === userId).map((row) => row.taskId);

      expect(mine(await jobs.findExpired(now, 100))).toEqual([running.taskId, queued.taskId, onTheDot.taskId]);
      expect(await jobs.findExpired(now, 1)).toHaveLength(1);
      expect(mine(await jobs.findExpired(at(-61), 100))).toEqual([running.taskId]);
    });
  });

  describe('lockForUpdate', () => {
    it('returns the row inside a transaction and undefined for an unknown task', async () => {
      const job = await jobs.create(jobFactory.create());
      await context.database.transaction(async (tx) => {
        expect((await jobs.lockForUpdate(job.taskId, tx))?.taskId).toBe(job.taskId);
        expect(await jobs.lockForUpdate('missing', tx)).toBeUndefined();
      });
    });

    it('makes a second locker wait until the first commits', async () => {
      const job = await jobs.create(jobFactory.create());
      const other = await context.otherConnection();
      const order: string[] = [];
      let second: Promise<unknown> | undefined;
      await context.database.transaction(async (tx) => {
        await jobs.lockForUpdate(job.taskId, tx);
        second = other.transaction(async (otherTx) => {
          await jobs.lockForUpdate(job.taskId, otherTx);
          order.push('second');
        });
        await new Promise((resolve) => setTimeout(resolve, 200));
        order.push('first');
      });
      await second;
      expect(order).toEqual(['first', 'second']);
    });
  });
});
