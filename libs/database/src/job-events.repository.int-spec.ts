import { bootDatabaseModule, type DatabaseTestContext } from '../test/database-test-module';
import { jobFactory } from '../test/factories/job.factory';
import { TEST_DRIVERS } from '../test/test-database';
import { JobEventsRepository } from './job-events.repository';
import { JobsRepository } from './jobs.repository';

describe.each(TEST_DRIVERS)(`${JobEventsRepository.name} (%s)`, (driver) => {
  let context: DatabaseTestContext;
  let events: JobEventsRepository;
  let jobs: JobsRepository;

  beforeAll(async () => {
    context = await bootDatabaseModule(driver);
    events = context.moduleRef.get(JobEventsRepository);
    jobs = context.moduleRef.get(JobsRepository);
  });

  afterAll(async () => {
    await context.close();
  });

  async function jobOf(userId: string): Promise<string> {
    return (await jobs.create(jobFactory.create({ userId }))).taskId;
  }

  describe('append', () => {
    it('returns the stored event with a decimal id and an ISO timestamp', async () => {
      const taskId = await jobOf('appender');
      const before = Date.now();
      const event = await events.append({ taskId, userId: 'appender', type: 'GRAPH_GENERATION_REQUESTED', payload: { taskId } });
      expect(event).toEqual({
        id: expect.stringMatching(/^\d+$/) as unknown,
        taskId,
        userId: 'appender',
        type: 'GRAPH_GENERATION_REQUESTED',
        payload: { taskId },
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown,
      });
      expect(Date.parse(event.timestamp)).toBeGreaterThanOrEqual(before - 5000);
    });

    it('hands out strictly increasing ids, also to concurrent appends', async () => {
      const taskId = await jobOf('counter');
      const other = await context.otherConnection();
      const appended = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          events.append({ taskId, userId: 'counter', type: 'PROGRESS', payload: { index } }, index % 2 ? other : undefined),
        ),
      );
      const ids = (await events.listForJob(taskId)).map((event) => BigInt(event.id));
      expect(ids).toHaveLength(20);
      ids.slice(1).forEach((id, index) => expect(id > ids[index]).toBe(true));
      expect(new Set(appended.map((event) => event.id)).size).toBe(20);
    });

    it('commits a user’s events in id order, so a reader resuming after an id misses none', async () => {
      const taskId = await jobOf('ordered');
      const other = await context.otherConnection();
      let later: Promise<{ id: string }> | undefined;
      let laterSettled = false;
      const earlier = await context.database.transaction(async (tx) => {
        const event = await events.append({ taskId, userId: 'ordered', type: 'A', payload: {} }, tx);
        later = events.append({ taskId, userId: 'ordered', type: 'B', payload: {} }, other).finally(() => (laterSettled = true));
        await new Promise((resolve) => setTimeout(resolve, 200));
        // Had the later append committed now, a reader resuming after its id would skip `event`.
        expect(laterSettled).toBe(false);
        return event;
      });
      expect(BigInt((await later!).id) > BigInt(earlier.id)).toBe(true);
    });

    it('joins the caller’s transaction', async () => {
      const taskId = await jobOf('rollback');
      await expect(
        context.database.transaction(async (tx) => {
          await events.append({ taskId, userId: 'rollback', type: 'X', payload: {} }, tx);
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await events.listForJob(taskId)).toEqual([]);
    });

    it('rejects an event for an unknown job', async () => {
      await expect(events.append({ taskId: 'missing', userId: 'u', type: 'X', payload: {} })).rejects.toThrow();
    });
  });

  describe('listForUser', () => {
    it('returns only the user’s events after the given id, oldest first', async () => {
      const mine = await jobOf('reader');
      const theirs = await jobOf('stranger');
      const first = await events.append({ taskId: mine, userId: 'reader', type: 'A', payload: { n: 1 } });
      await events.append({ taskId: theirs, userId: 'stranger', type: 'A', payload: { n: 2 } });
      const second = await events.append({ taskId: mine, userId: 'reader', type: 'B', payload: { n: 3 } });
      const third = await events.append({ taskId: mine, userId: 'reader', type: 'C', payload: { n: 4 } });

      expect((await events.listForUser('reader')).map((event) => event.id)).toEqual([first.id, second.id, third.id]);
      expect(await events.listForUser('reader', first.id)).toEqual([second, third]);
      expect(await events.listForUser('reader', first.id, 1)).toEqual([second]);
      expect(await events.listForUser('reader', third.id)).toEqual([]);
      expect((await events.listForUser('stranger')).map((event) => event.userId)).toEqual(['stranger']);
    });

    it('refuses an id that is not a decimal number', async () => {
      await expect(events.listForUser('reader', '1; DROP TABLE jobs')).rejects.toThrow(RangeError);
    });
  });

  describe('latestIdForUser', () => {
    it('returns the newest id of that user only, or undefined without events', async () => {
      expect(await events.latestIdForUser('nobody-yet')).toBeUndefined();
      const mine = await jobOf('latest');
      const theirs = await jobOf('latest-other');
      await events.append({ taskId: mine, userId: 'latest', type: 'A', payload: {} });
      const newest = await events.append({ taskId: mine, userId: 'latest', type: 'B', payload: {} });
      await events.append({ taskId: theirs, userId: 'latest-other', type: 'A', payload: {} });
      expect(await events.latestIdForUser('latest')).toBe(newest.id);
    });
  });

  describe('listForJob', () => {
    it('returns one job’s events after the given id', async () => {
      const taskId = await jobOf('job-reader');
      const otherTask = await jobOf('job-reader');
      const first = await events.append({ taskId, userId: 'job-reader', type: 'A', payload: {} });
      await events.append({ taskId: otherTask, userId: 'job-reader', type: 'A', payload: {} });
      const second = await events.append({ taskId, userId: 'job-reader', type: 'B', payload: {} });

      expect(await events.listForJob(taskId)).toEqual([first, second]);
      expect(await events.listForJob(taskId, first.id)).toEqual([second]);
    });
  });
});
