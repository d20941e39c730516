import { JobEventsRepository, JobsRepository } from '@app/database';
import { type JobEvent, JobEventHub, JobLedger } from '@app/job-events';
import { SseClient } from '../../../../test/support/sse-client';
import { type ApiTestApp, bearer, bootApiTestApp, HEARTBEAT_MS, readProblem, sleep } from '../../test/api-test-app';
import { RawSseStream } from '../../test/raw-sse';
import { NotificationsController } from './notifications.controller';

const STREAM = '/v1/notifications/stream';

describe(NotificationsController.name, () => {
  let api: ApiTestApp;
  let ledger: JobLedger;
  let events: JobEventsRepository;
  let jobs: JobsRepository;
  let hub: JobEventHub;
  const clients: SseClient[] = [];
  const raws: RawSseStream[] = [];

  beforeAll(async () => {
    api = await bootApiTestApp('notifications');
    ledger = api.app.get(JobLedger);
    events = api.app.get(JobEventsRepository);
    jobs = api.app.get(JobsRepository);
    hub = api.app.get(JobEventHub);
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await Promise.all(raws.map((raw) => raw.close()));
    await api?.close();
  });

  function client(userId: string, query = '', headers: Record<string, string> = {}): SseClient {
    const created = new SseClient(`${api.base}${STREAM}${query}`, { ...bearer(userId), ...headers });
    clients.push(created);
    return created;
  }

  async function raw(userId: string, query = '', headers: Record<string, string> = {}): Promise<RawSseStream> {
    const opened = await RawSseStream.open(`${api.base}${STREAM}${query}`, { ...bearer(userId), ...headers });
    raws.push(opened);
    return opened;
  }

  /** A job with three logged (and published) events: REQUESTED, then two progress updates. */
  async function jobWithThreeEvents(userId: string, taskId: string): Promise<string[]> {
    await ledger.open(
      { taskId, userId, kind: 'GRAPH_GENERATION', status: 'QUEUED', inputKey: `graph-generation/${taskId}/` },
      { type: 'GRAPH_GENERATION_REQUESTED', payload: { taskId, status: 'QUEUED' } },
    );
    for (const percent of [10, 60]) {
      await ledger.advance(taskId, ['QUEUED', 'RUNNING'], { status: 'RUNNING', progressPercent: percent }, () => ({
        type: 'GRAPH_GENERATION_PROGRESS_UPDATED',
        payload: { taskId, percent },
      }));
    }
    return (await events.listForJob(taskId)).map((event) => event.id);
  }

  describe('stream', () => {
    it('replays all of the user’s events in id order with ?since=0', async () => {
      const ids = await jobWithThreeEvents('nina', 'task_nina_1');
      await jobWithThreeEvents('other-of-nina', 'task_other_1');

      const stream = client('nina', '?since=0');
      await stream.opened;
      await stream.waitFor((frame) => frame.id === ids[2], 5000);
      await sleep(200);

      expect(stream.frames.map((frame) => frame.id)).toEqual(ids);
      expect(stream.frames.map((frame) => frame.type)).toEqual([
        'GRAPH_GENERATION_REQUESTED',
        'GRAPH_GENERATION_PROGRESS_UPDATED',
        'GRAPH_GENERATION_PROGRESS_UPDATED',
      ]);
      expect(stream.frames.map((frame) => frame.payload)).toEqual([
        { taskId: 'task_nina_1', status: 'QUEUED' },
        { taskId: 'task_nina_1', percent: 10 },
        { taskId: 'task_nina_1', percent: 60 },
      ]);
    });

    it('writes frames as `id: N` and `data: {id,type,payload,timestamp}` with data.id equal to the SSE id', async () => {
      const ids = await jobWithThreeEvents('rita', 'task_rita_1');
      const stream = await raw('rita', '?since=0');

      expect(stream.response.status).toBe(200);
      expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      await stream.waitFor((s) => s.frames.length >= 3, 5000);
      expect(stream.text.startsWith('retry: 3000\n\n')).toBe(true);
      for (const [index, frame] of stream.frames.entries()) {
        const data = JSON.parse(frame.data) as Record<string, unknown>;
        expect(frame.id).toBe(ids[index]);
        expect(Object.keys(data).sort()).toEqual(['id', 'payload', 'timestamp', 'type']);
        expect(data.id).toBe(frame.id);
        expect(data.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect((data.payload as { taskId: string }).taskId).toBe('task_rita_1');
      }
    });

    it('resumes after the Last-Event-ID header, which wins over ?since', async () => {
      const ids = await jobWithThreeEvents('sam', 'task_sam_1');

      const resumed = client('sam', '', { 'Last-Event-ID': ids[0] });
      const both = client('sam', '?since=0', { 'Last-Event-ID': ids[1] });
      await Promise.all([resumed.opened, both.opened]);
      await resumed.waitFor((frame) => frame.id === ids[2], 5000);
      await both.waitFor((frame) => frame.id === ids[2], 5000);
      await sleep(200);

      expect(resumed.frames.map((frame) => frame.id)).toEqual(ids.slice(1));
      expect(both.frames.map((frame) => frame.id)).toEqual(ids.slice(2));
    });

    it('replays nothing old without since or Last-Event-ID but delivers new events, and never another user’s', async () => {
      const old = await jobWithThreeEvents('tom', 'task_tom_1');
      const stream = client('tom');
      const stranger = client('ursula', '?since=0');
      await Promise.all([stream.opened, stranger.opened]);
      await sleep(300); // let the stream settle on its starting point (see the race described below)

      const live = await ledger.advance('task_tom_1', ['RUNNING'], { status: 'SUCCEEDED', progressPercent: 100, finishedAt: new Date() }, () => ({
        type: 'GRAPH_GENERATION_COMPLETED',
        payload: { taskId: 'task_tom_1', status: 'SUCCEEDED' },
      }));
      expect(live?.status).toBe('SUCCEEDED');
      const completed = await stream.waitFor((frame) => frame.type === 'GRAPH_GENERATION_COMPLETED', 5000);
      await sleep(HEARTBEAT_MS * 1.5); // a heartbeat catch-up must not bring the old events either

      expect(BigInt(completed.id) > BigInt(old[2])).toBe(true);
      expect(stream.frames.map((frame) => frame.id)).toEqual([completed.id]);
      expect(stranger.frames).toEqual([]);
    });

    it('delivers an event that was logged but never published within about two heartbeats (catch-up)', async () => {
      await jobs.create({ taskId: 'task_vera_1', userId: 'vera', kind: 'GRAPH_GENERATION', status: 'QUEUED', inputKey: 'graph-generation/task_vera_1/' });
      const stream = client('vera', '?since=0');
      await stream.opened;
      await sleep(100);

      const logged = await events.append({ taskId: 'task_vera_1', userId: 'vera', type: 'GRAPH_GENERATION_FAILED', payload: { taskId: 'task_vera_1', status: 'FAILED' } });
      const started = Date.now();
      const frame = await stream.waitFor((received) => received.id === logged.id, HEARTBEAT_MS * 2 + 500);

      expect(Date.now() - started).toBeLessThanOrEqual(HEARTBEAT_MS * 2 + 500);
      expect(frame).toEqual({ id: logged.id, type: 'GRAPH_GENERATION_FAILED', payload: { taskId: 'task_vera_1', status: 'FAILED' }, timestamp: logged.timestamp });
    });

    it('delivers every event once and in log order when notices arrive out of order, twice, or not at all', async () => {
      await jobs.create({ taskId: 'task_olga_1', userId: 'olga', kind: 'GRAPH_GENERATION', status: 'QUEUED', inputKey: 'graph-generation/task_olga_1/' });
      const stream = client('olga', '?since=0');
      await stream.opened;
      await sleep(100);
      // Events committed by different transactions; their notices come late, reversed, doubled, one never.
      const logged: JobEvent[] = [];
      for (const percent of [10, 20, 30, 40]) {
        logged.push(await events.append({ taskId: 'task_olga_1', userId: 'olga', type: 'GRAPH_GENERATION_PROGRESS_UPDATED', payload: { taskId: 'task_olga_1', percent } }));
      }
      for (const event of [logged[3], logged[1], logged[3], logged[0]]) await hub.publish(event);

      await stream.waitFor((frame) => frame.id === logged[3].id, 2000);
      await sleep(HEARTBEAT_MS * 1.5);

      expect(stream.frames.map((frame) => frame.id)).toEqual(logged.map((event) => event.id));
    });

    it('writes only what the log holds: a forged notice with a huge id neither shows nor blocks later events', async () => {
      await jobs.create({ taskId: 'task_pia_1', userId: 'pia', kind: 'GRAPH_GENERATION', status: 'QUEUED', inputKey: 'graph-generation/task_pia_1/' });
      const stream = client('pia', '?since=0');
      await stream.opened;
      const forged: JobEvent = {
        id: '9000000000000000000',
        userId: 'pia',
        taskId: 'task_pia_1',
        type: 'GRAPH_GENERATION_COMPLETED',
        payload: { taskId: 'task_pia_1', status: 'SUCCEEDED' },
        timestamp: new Date().toISOString(),
      };
      await hub.publish(forged);
      await sleep(200);

      const real = await events.append({ taskId: 'task_pia_1', userId: 'pia', type: 'GRAPH_GENERATION_FAILED', payload: { taskId: 'task_pia_1', status: 'FAILED' } });
      await hub.publish(real);
      await stream.waitFor((frame) => frame.id === real.id, 2000);

      expect(stream.frames.map((frame) => frame.id)).toEqual([real.id]);
    });

    it('sends a `: keep-alive` comment every heartbeat', async () => {
      const stream = await raw('walt', '?since=0');

      await stream.waitFor((s) => s.text.includes('\n: keep-alive\n\n'), HEARTBEAT_MS * 2 + 500);
      expect(stream.frames).toEqual([]);
    });

    it.each([
      ['?since=abc', {}],
      ['?since=-1', {}],
      ['', { 'Last-Event-ID': 'abc' }],
      ['?since=0', { 'Last-Event-ID': '1e3' }],
    ])('answers 400 INVALID_EVENT_ID to %s %j', async (query, headers: Record<string, string>) => {
      const response = await fetch(`${api.base}${STREAM}${query}`, { headers: { ...bearer('xena'), ...headers } });

      expect(response.status).toBe(400);
      expect(await readProblem(response)).toMatchObject({ code: 'INVALID_EVENT_ID', message: expect.any(String) as unknown });
    });

    /*
     * SseStreamService.stream sends the headers, then awaits latestIdForUser, and only
     * then registers request.on('close'). A client gone during that query is never
     * noticed: its heartbeat timer runs (and queries the log) forever. The query is
     * slowed down here to make the window deterministic; the leaked timers are
     * cleared at the end so the run cannot hang.
     */
    it('stops catching up for a client that disconnected while the stream was starting', async () => {
      const timers = jest.spyOn(global, 'setInterval');
      const original = events.latestIdForUser.bind(events);
      const latest = jest.spyOn(events, 'latestIdForUser').mockImplementationOnce(async (...args) => {
        await sleep(300);
        return original(...args);
      });
      const list = jest.spyOn(events, 'listForUser');
      try {
        const abort = new AbortController();
        const response = await fetch(`${api.base}${STREAM}`, { headers: bearer('yuri'), signal: abort.signal });
        expect(response.status).toBe(200);
        abort.abort();
        await response.body?.cancel().catch(() => undefined);
        await sleep(500);
        const callsAfterDisconnect = list.mock.calls.filter(([userId]) => userId === 'yuri').length;

        await sleep(HEARTBEAT_MS * 2.5);

        expect(list.mock.calls.filter(([userId]) => userId === 'yuri').length).toBe(callsAfterDisconnect);
      } finally {
        for (const result of timers.mock.results) clearInterval(result.value as NodeJS.Timeout);
        timers.mockRestore();
        latest.mockRestore();
        list.mockRestore();
      }
    });
  });
});
