import { sql } from 'drizzle-orm';
import { bootDatabaseModule, type DatabaseTestContext } from '../test/database-test-module';
import { jobFactory } from '../test/factories/job.factory';
import { TEST_DRIVERS } from '../test/test-database';
import { formatEventId, isEventId, JobEventsRepository } from './job-events.repository';
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

  async function jobOf(userId: string, status: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' = 'QUEUED'): Promise<string> {
    return (await jobs.create(jobFactory.create({ userId, status }))).taskId;
  }

  /** Moves an event's created_at `seconds` into the past. */
  async function age(id: string, seconds: number): Promise<void> {
    await context.database.db.execute(sql`UPDATE job_events SET created_at = now() - make_interval(secs => ${seconds}) WHERE id = ${BigInt(id)}`);
  }

  describe('event ids', () => {
    it('are 19 zero-padded digits, so string order equals numeric order', async () => {
      const taskId = await jobOf('padded');
      const event = await events.append({ taskId, userId: 'padded', type: 'A', payload: {} });
      expect(event.id).toMatch(/^\d{19}$/);
      expect((await events.listForJob(taskId))[0].id).toBe(event.id);
      expect(await events.latestIdForUser('padded')).toBe(event.id);
      expect(formatEventId(42n)).toBe('0000000000000000042');
      const ids = ['9', '10', '100', '99'].map(formatEventId);
      expect([...ids].sort()).toEqual(['9', '10', '99', '100'].map(formatEventId));
    });

    it('are accepted back padded or not', async () => {
      const taskId = await jobOf('cursor');
      const first = await events.append({ taskId, userId: 'cursor', type: 'A', payload: {} });
      const second = await events.append({ taskId, userId: 'cursor', type: 'B', payload: {} });
      const unpadded = BigInt(first.id).toString();
      expect(await events.listForUser('cursor', unpadded)).toEqual([second]);
      expect(await events.listForUser('cursor', first.id)).toEqual([second]);
      expect(isEventId('0000000000000000042')).toBe(true);
      expect(isEventId('42')).toBe(true);
      expect(isEventId('9999999999999999999')).toBe(false);
      expect(isEventId('01ARZ3NDEKTSV4RRFFQ69G5FAV')).toBe(false);
    });
  });

  describe('listRestore', () => {
    it('returns every event of unfinished jobs and the recent ones up to the given id, oldest first', async () => {
      const user = 'restorer';
      const running = await jobOf(user, 'RUNNING');
      const done = await jobOf(user, 'SUCCEEDED');
      const other = await jobOf('restorer-other', 'RUNNING');
      const oldLive = await events.append({ taskId: running, userId: user, type: 'REQUESTED', payload: {} });
      const oldDone = await events.append({ taskId: done, userId: user, type: 'REQUESTED', payload: {} });
      const recentDone = await events.append({ taskId: done, userId: user, type: 'COMPLETED', payload: {} });
      const recentLive = await events.append({ taskId: running, userId: user, type: 'PROGRESS', payload: {} });
      await events.append({ taskId: other, userId: 'restorer-other', type: 'PROGRESS', payload: {} });
      const later = await events.append({ taskId: running, userId: user, type: 'PROGRESS', payload: {} });
      await age(oldLive.id, 3 * 86400);
      await age(oldDone.id, 3 * 86400);
      const recentSince = new Date(Date.now() - 86400 * 1000);

      const restored = await events.listRestore(user, { upToId: recentLive.id, recentSince, limit: 10 });

      expect(restored.map((event) => event.id)).toEqual([oldLive.id, recentDone.id, recentLive.id]);
      expect(restored.map((event) => event.type)).toEqual(['REQUESTED', 'COMPLETED', 'PROGRESS']);
      expect((await events.listRestore(user, { upToId: later.id, recentSince, limit: 10 })).map((event) => event.id)).toContain(later.id);
    });

    it('keeps at most `limit`: the unfinished jobs’ newest first, then the newest recent ones, returned oldest first', async () => {
      const user = 'restore-bound';
      const running = await jobOf(user, 'QUEUED');
      const done = await jobOf(user, 'FAILED');
      const live: string[] = [];
      const finished: string[] = [];
      for (let index = 0; index < 3; index += 1) {
        finished.push((await events.append({ taskId: done, userId: user, type: 'D', payload: { index } })).id);
        live.push((await events.append({ taskId: running, userId: user, type: 'L', payload: { index } })).id);
      }
      await age(live[0], 7 * 86400);
      const upToId = (await events.latestIdForUser(user))!;
      const recentSince = new Date(Date.now() - 3600 * 1000);

      expect((await events.listRestore(user, { upToId, recentSince, limit: 4 })).map((event) => event.id)).toEqual([
        live[0],
        live[1],
        finished[2],
        live[2],
      ]);
      expect((await events.listRestore(user, { upToId, recentSince, limit: 2 })).map((event) => event.id)).toEqual([live[1], live[2]]);
      expect(await events.listRestore('nobody-to-restore', { upToId, recentSince, limit: 4 })).toEqual([]);
    });
  });

  describe('restoreForUser', () => {
    it('answers the newest id and what listRestore answers up to it, in one query', async () => {
      const user = 'restore-one-query';
      const running = await jobOf(user, 'RUNNING');
      const done = await jobOf(user, 'SUCCEEDED');
      const oldLive = await events.append({ taskId: running, userId: user, type: 'REQUESTED', payload: { a: 1 } });
      const oldDone = await events.append({ taskId: done, userId: user, type: 'REQUESTED', payload: {} });
      await events.append({ taskId: done, userId: user, type: 'COMPLETED', payload: {} });
      const newest = await events.append({ taskId: running, userId: user, type: 'PROGRESS', payload: {} });
      await age(oldLive.id, 3 * 86400);
      await age(oldDone.id, 3 * 86400);
      const recentSince = new Date(Date.now() - 86400 * 1000);

      for (const limit of [10, 2, 1]) {
        const restored = await events.restoreForUser(user, { recentSince, limit });
        expect(restored.latestId).toBe(newest.id);
        expect(restored.events).toEqual(await events.listRestore(user, { upToId: newest.id, recentSince, limit }));
      }
      expect(await events.restoreForUser(user, { recentSince, limit: 0 })).toEqual({ latestId: newest.id, events: [] });
      expect(await events.restoreForUser('nobody-restores', { recentSince, limit: 10 })).toEqual({ latestId: undefined, events: [] });
    });
  });

  describe('restoreForUsers', () => {
    it('answers each user with events as restoreForUser does, in one query', async () => {
      const users = ['restore-many-a', 'restore-many-b'];
      for (const user of users) {
        const taskId = await jobOf(user, 'RUNNING');
        for (let index = 0; index < 3; index += 1) await events.append({ taskId, userId: user, type: 'P', payload: { index } });
      }
      const query = { recentSince: new Date(Date.now() - 3600 * 1000), limit: 2 };

      const starts = await events.restoreForUsers([...users, 'restore-many-none'], query);

      expect([...starts.keys()].sort()).toEqual(users);
      for (const user of users) expect(starts.get(user)).toEqual(await events.restoreForUser(user, query));
    });
  });

  describe('listForUsers', () => {
    it('answers each user its events after its own cursor, oldest first, at most `limit` each', async () => {
      const appended: Record<string, string[]> = { 'many-a': [], 'many-b': [] };
      for (const userId of Object.keys(appended)) {
        const taskId = await jobOf(userId);
        for (let index = 0; index < 4; index += 1) appended[userId].push((await events.append({ taskId, userId, type: 'P', payload: { index } })).id);
      }
      const cursors = [
        { userId: 'many-a', afterId: appended['many-a'][0] },
        { userId: 'many-b', afterId: BigInt(appended['many-b'][2]).toString() },
        { userId: 'many-none', afterId: '0' },
      ];

      const pages = await events.listForUsers(cursors, 2);

      expect([...pages.keys()].sort()).toEqual(['many-a', 'many-b']);
      expect(pages.get('many-a')).toEqual((await events.listForUser('many-a', appended['many-a'][0])).slice(0, 2));
      expect(pages.get('many-b')?.map((event) => event.id)).toEqual([appended['many-b'][3]]);
      expect(await events.listForUsers([])).toEqual(new Map());
    });
  });

  describe('latestIdsForUsers', () => {
    it('answers the newest event id of each user that has events, in one query, for user ids that need quoting too', async () => {
      const odd = 'latest"quote\\slash,comma{brace}';
      const appended: Record<string, string> = {};
      for (const userId of ['latest-a', 'latest-b', odd]) {
        const taskId = await jobOf(userId);
        for (let index = 0; index < 3; index += 1) {
          appended[userId] = (await events.append({ taskId, userId, type: 'GRAPH_GENERATION_PROGRESS_UPDATED', payload: { taskId, index } })).id;
        }
      }
      const latest = await events.latestIdsForUsers(['latest-a', 'latest-b', odd, 'latest-none']);
      expect(Object.fromEntries(latest)).toEqual(appended);
      expect(await events.latestIdsForUsers([])).toEqual(new Map());
    });
  });

  describe('idBeforeTime', () => {
    it('returns the id just before the user’s first event created at or after the time, else the newest id', async () => {
      const user = 'timer';
      const taskId = await jobOf(user);
      expect(await events.idBeforeTime(user, new Date())).toBeUndefined();
      const old = await events.append({ taskId, userId: user, type: 'A', payload: {} });
      const recent = await events.append({ taskId, userId: user, type: 'B', payload: {} });
      await age(old.id, 600);

      const start = await events.idBeforeTime(user, new Date(Date.now() - 60_000));
      expect(start).toBe(formatEventId(BigInt(recent.id) - 1n));
      expect(await events.listForUser(user, start)).toEqual([recent]);
      expect(await events.idBeforeTime(user, new Date(Date.now() + 60_000))).toBe(recent.id);
    });
  });

  describe('append', () => {
    it('returns the stored event with a decimal id and an ISO timestamp', async () => {
      const taskId = await jobOf('appender');
      const before = Date.now();
      const event = await events.append({ taskId, userId: 'appender', type: 'GRAPH_GENERATION_REQUESTED', payload: { taskId } });
      expect(event).toEqual({
        id: expect.stringMatching(/^\d{19}$/) as unknown,
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
