import { JobEventsRepository, JobsRepository } from '@app/database';
import { SseClient } from '../../../../test/support/sse-client';
import { type ApiTestApp, bearer, bootApiTestApp, HEARTBEAT_MS, sleep } from '../../test/api-test-app';
import { SseStreamService } from './sse-stream.service';

const STREAM = '/v1/notifications/stream';
const USERS = 10;
const STREAMS_PER_USER = 3;

/**
 * Lost notices are made up for once per process: one query per heartbeat
 * interval for every user with a stream, and only the users behind it read
 * the log, once for all their streams. An idle stream reads nothing.
 */
describe(`${SseStreamService.name} catch-up`, () => {
  let api: ApiTestApp;
  let events: JobEventsRepository;
  let jobs: JobsRepository;
  const clients: SseClient[] = [];

  beforeAll(async () => {
    api = await bootApiTestApp('sse_catch_up');
    events = api.app.get(JobEventsRepository);
    jobs = api.app.get(JobsRepository);
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await api?.close();
  });

  it('queries once per interval for all streams, reads the log only for the streams behind, and delivers a never-published event', async () => {
    const users = Array.from({ length: USERS }, (_, index) => `catch-${index}`);
    for (const userId of users) {
      for (let copy = 0; copy < STREAMS_PER_USER; copy += 1) clients.push(new SseClient(`${api.base}${STREAM}`, bearer(userId)));
    }
    await Promise.all(clients.map((client) => client.opened));
    await sleep(200);

    const reads = jest.spyOn(events, 'listForUsers');
    const rounds = jest.spyOn(events, 'latestIdsForUsers');
    try {
      await sleep(HEARTBEAT_MS * 2.5);
      expect(reads).not.toHaveBeenCalled(); // idle streams: heartbeats only
      expect(rounds.mock.calls.length).toBeGreaterThanOrEqual(2);
      expect(rounds.mock.calls.length).toBeLessThanOrEqual(3); // one per interval, not one per stream
      expect([...rounds.mock.calls[0][0]].sort()).toEqual([...users].sort());

      // An event logged but never published (the notice was lost).
      const quiet = users[3];
      await jobs.create({ taskId: `task_${quiet}_1`, userId: quiet, kind: 'GRAPH_GENERATION', status: 'QUEUED', inputKey: `graph-generation/task_${quiet}_1/` });
      const logged = await events.append({ taskId: `task_${quiet}_1`, userId: quiet, type: 'GRAPH_GENERATION_FAILED', payload: { taskId: `task_${quiet}_1`, status: 'FAILED' } });
      const theirs = clients.slice(3 * STREAMS_PER_USER, 4 * STREAMS_PER_USER);
      await Promise.all(theirs.map((client) => client.waitFor((frame) => frame.id === logged.id, HEARTBEAT_MS * 2 + 500)));

      expect(reads.mock.calls.map(([cursors]) => cursors.map((cursor) => cursor.userId))).toEqual([[quiet]]); // one read for the user's streams together
      for (const other of clients.filter((client) => !theirs.includes(client))) expect(other.frames).toEqual([]);
    } finally {
      reads.mockRestore();
      rounds.mockRestore();
    }
  });

  it('stops its timer when the last stream closes', async () => {
    for (const client of clients.splice(0)) client.close();
    await sleep(300);
    const rounds = jest.spyOn(events, 'latestIdsForUsers');
    try {
      await sleep(HEARTBEAT_MS * 1.5);
      expect(rounds).not.toHaveBeenCalled();
    } finally {
      rounds.mockRestore();
    }
  });
});
