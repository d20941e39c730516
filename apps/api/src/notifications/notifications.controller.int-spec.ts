import { DatabaseService, JobEventsRepository, JobsRepository } from '@app/database';
import { failureDraft, type JobEvent, JobEventHub, JobLedger, notificationDraft, NotificationType } from '@app/job-events';
import { sql } from 'drizzle-orm';
import { SseClient } from '../../../../test/support/sse-client';
import { type ApiTestApp, bearer, bootApiTestApp, HEARTBEAT_MS, readProblem, sleep } from '../../test/api-test-app';
import { RawSseStream } from '../../test/raw-sse';
import { NotificationsController } from './notifications.controller';

const STREAM = '/v1/notifications/stream';
const RESTORE_MAX = 5;
const CONNECTED = 'data: {"type":"CONNECTED","message":"SSE Connection established"}\n\n';

/** A ULID of `time` (random part all zeros), as the current server's cursors are. */
function ulidAt(time: number): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let encoded = '';
  for (let rest = time, index = 0; index < 10; index += 1, rest = Math.floor(rest / 32)) encoded = alphabet[rest % 32] + encoded;
  return `${encoded}${'0'.repeat(16)}`;
}

describe(NotificationsController.name, () => {
  let api: ApiTestApp;
  let ledger: JobLedger;
  let events: JobEventsRepository;
  let jobs: JobsRepository;
  let hub: JobEventHub;
  const clients: SseClient[] = [];
  const raws: RawSseStream[] = [];

  beforeAll(async () => {
    api = await bootApiTestApp('notifications', { env: { SSE_RESTORE_MAX_EVENTS: String(RESTORE_MAX) } });
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
      notificationDraft(NotificationType.GraphGenerationRequested, taskId, { status: 'QUEUED' }),
    );
    for (const percent of [10, 60]) {
      await ledger.advance(taskId, ['QUEUED', 'RUNNING'], { status: 'RUNNING', progressPercent: percent }, () =>
        notificationDraft(NotificationType.GraphGenerationProgressUpdated, taskId, {
          status: 'RUNNING',
          currentStage: `[${percent}단계] 진행 중`,
          progressPercent: percent,
          etaSeconds: percent === 10 ? 30 : null,
        }),
      );
    }
    return (await events.listForJob(taskId)).map((event) => event.id);
  }

  /** Moves an event's created_at `seconds` into the past. */
  async function age(id: string, seconds: number): Promise<void> {
    await api.app.get(DatabaseService).db.execute(sql`UPDATE job_events SET created_at = now() - make_interval(secs => ${seconds}) WHERE id = ${BigInt(id)}`);
  }

  /** Fails a job that is still live, as the worker does. */
  async function failJob(taskId: string): Promise<void> {
    await ledger.advance(taskId, ['QUEUED', 'RUNNING'], { status: 'FAILED', errorCode: 'AI_FAILED', finishedAt: new Date() }, () =>
      failureDraft(NotificationType.GraphGenerationFailed, taskId, 'AI_FAILED', 'The AI could not finish this job. Please try again.'),
    );
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
        { taskId: 'task_nina_1', status: 'QUEUED', timestamp: stream.frames[0].timestamp },
        { taskId: 'task_nina_1', status: 'RUNNING', currentStage: '[10단계] 진행 중', progressPercent: 10, etaSeconds: 30, timestamp: stream.frames[1].timestamp },
        { taskId: 'task_nina_1', status: 'RUNNING', currentStage: '[60단계] 진행 중', progressPercent: 60, etaSeconds: null, timestamp: stream.frames[2].timestamp },
      ]);
    });

    it('writes frames as `id: N` and `data: {id,type,payload,timestamp}` with data.id equal to the SSE id', async () => {
      const ids = await jobWithThreeEvents('rita', 'task_rita_1');
      const stream = await raw('rita', '?since=0');

      expect(stream.response.status).toBe(200);
      expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      await stream.waitFor((s) => s.frames.length >= 4, 5000);
      expect(stream.text.startsWith(`${CONNECTED}retry: 3000\n\n`)).toBe(true);
      for (const [index, frame] of stream.frames.slice(1).entries()) {
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

    it('restores a fresh connection (no since, no Last-Event-ID): the unfinished job’s events and recent ones, oldest first, then live', async () => {
      const live = await jobWithThreeEvents('tom', 'task_tom_1');
      await age(live[0], 3 * 86400); // old, but its job is unfinished
      const finished = await jobWithThreeEvents('tom', 'task_tom_2');
      await failJob('task_tom_2');
      const finishedIds = (await events.listForJob('task_tom_2')).map((event) => event.id);
      for (const id of finishedIds.slice(0, 2)) await age(id, 3 * 86400); // old and finished: not restored
      await jobWithThreeEvents('other-of-tom', 'task_other_tom_1');

      const stream = client('tom');
      const stranger = client('ursula');
      await Promise.all([stream.opened, stranger.opened]);
      await stream.waitFor((frame) => frame.type === 'GRAPH_GENERATION_FAILED', 5000);
      await sleep(300);

      expect(stream.controls).toEqual([{ type: 'CONNECTED', message: 'SSE Connection established' }]);
      expect(stream.frames.map((frame) => frame.id)).toEqual([...live, finished[2], finishedIds[3]]);
      expect(stream.frames.map((frame) => frame.payload.taskId)).toEqual(['task_tom_1', 'task_tom_1', 'task_tom_1', 'task_tom_2', 'task_tom_2']);

      const completed = await ledger.advance('task_tom_1', ['RUNNING'], { status: 'SUCCEEDED', progressPercent: 100, finishedAt: new Date() }, () =>
        notificationDraft(NotificationType.GraphGenerationCompleted, 'task_tom_1', { status: 'SUCCEEDED', nodes: 1, edges: 0, partialFailure: false, graphReplaced: true }),
      );
      expect(completed?.status).toBe('SUCCEEDED');
      const frame = await stream.waitFor((received) => received.type === 'GRAPH_GENERATION_COMPLETED', 5000);
      await sleep(HEARTBEAT_MS * 1.5); // a heartbeat catch-up brings nothing twice

      expect(stream.frames.map((received) => received.id)).toEqual([...live, finished[2], finishedIds[3], frame.id]);
      expect(stranger.frames).toEqual([]);
    });

    it('restores at most SSE_RESTORE_MAX_EVENTS, the newest ones, oldest first', async () => {
      const ids = [...(await jobWithThreeEvents('quinn', 'task_quinn_1')), ...(await jobWithThreeEvents('quinn', 'task_quinn_2'))];
      const stream = client('quinn');
      await stream.opened;
      await stream.waitFor((frame) => frame.id === ids[5], 5000);
      await sleep(300);

      expect(stream.frames.map((frame) => frame.id)).toEqual(ids.slice(-RESTORE_MAX));
    });

    it('replays after the millisecond a ULID cursor encodes', async () => {
      const ids = await jobWithThreeEvents('uma', 'task_uma_1');
      await age(ids[0], 600);
      const cursor = ulidAt(Date.now() - 300_000);

      const viaQuery = client('uma', `?since=${cursor}`);
      const viaHeader = client('uma', '', { 'Last-Event-ID': cursor.toLowerCase() });
      await Promise.all([viaQuery.opened, viaHeader.opened]);
      await viaQuery.waitFor((frame) => frame.id === ids[2], 5000);
      await viaHeader.waitFor((frame) => frame.id === ids[2], 5000);
      await sleep(200);

      expect(viaQuery.frames.map((frame) => frame.id)).toEqual(ids.slice(1));
      expect(viaHeader.frames.map((frame) => frame.id)).toEqual(ids.slice(1));
    });

    it('writes ids as 19 zero-padded digits (string order = numeric order) and takes them back padded or not', async () => {
      const ids = await jobWithThreeEvents('pat', 'task_pat_1');
      const stream = await raw('pat', '?since=0');
      await stream.waitFor((s) => s.frames.length >= 4, 5000);
      const wire = stream.frames.slice(1).map((frame) => frame.id!);

      expect(wire).toEqual(ids);
      for (const id of wire) expect(id).toMatch(/^\d{19}$/);
      expect([...wire].sort()).toEqual(wire);
      expect(wire.map((id) => (JSON.parse(stream.frames[wire.indexOf(id) + 1].data) as { id: string }).id)).toEqual(wire);

      const unpadded = client('pat', `?since=${BigInt(ids[0]).toString()}`);
      await unpadded.opened;
      await unpadded.waitFor((frame) => frame.id === ids[2], 5000);
      expect(unpadded.frames.map((frame) => frame.id)).toEqual(ids.slice(1));
    });

    it('starts with a lone CONNECTED frame without id, and gives every event the client’s payload fields', async () => {
      const ids = await jobWithThreeEvents('cleo', 'task_cleo_1');
      await failJob('task_cleo_1');
      const stream = await raw('cleo', '?since=0');
      await stream.waitFor((s) => s.frames.length >= 5, 5000);

      expect(stream.text.startsWith(CONNECTED)).toBe(true);
      expect(stream.frames[0]).toEqual({ id: undefined, data: '{"type":"CONNECTED","message":"SSE Connection established"}' });
      const data = stream.frames.slice(1).map((frame) => JSON.parse(frame.data) as { id: string; type: string; timestamp: string; payload: Record<string, unknown> });
      expect(data.map((event) => event.id)).toEqual([...ids, expect.any(String) as unknown]);
      for (const event of data) {
        expect(event.payload.taskId).toBe('task_cleo_1');
        expect(event.payload.timestamp).toBe(event.timestamp);
        expect(event.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      }
      const progress = data[1];
      expect(progress.type).toBe('GRAPH_GENERATION_PROGRESS_UPDATED');
      expect(progress.payload).toMatchObject({ currentStage: '[10단계] 진행 중', progressPercent: 10, etaSeconds: 30 });
      const failed = data[3];
      expect(failed.type).toBe('GRAPH_GENERATION_FAILED');
      expect(failed.payload).toMatchObject({ error: 'The AI could not finish this job. Please try again.', errorCode: 'AI_FAILED' });
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
      expect(frame).toEqual({
        id: logged.id,
        type: 'GRAPH_GENERATION_FAILED',
        payload: { taskId: 'task_vera_1', status: 'FAILED', timestamp: logged.timestamp },
        timestamp: logged.timestamp,
      });
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
      expect(stream.frames.map((frame) => frame.id)).toEqual([undefined]); // CONNECTED only
    });

    it.each([
      ['?since=abc', {}],
      ['?since=-1', {}],
      ['?since=81ARZ3NDEKTSV4RRFFQ69G5FAV', {}],
      ['?since=99999999999999999999', {}],
      ['', { 'Last-Event-ID': 'abc' }],
      ['?since=0', { 'Last-Event-ID': '1e3' }],
    ])('answers 400 INVALID_EVENT_ID to %s %j', async (query, headers: Record<string, string>) => {
      const response = await fetch(`${api.base}${STREAM}${query}`, { headers: { ...bearer('xena'), ...headers } });

      expect(response.status).toBe(400);
      expect(await readProblem(response)).toMatchObject({ status: 400, code: 'INVALID_EVENT_ID', detail: expect.any(String) as unknown });
    });

    /*
     * SseStreamService.stream sends the headers, then awaits restoreForUsers, and only
     * then registers request.on('close'). A client gone during that query is never
     * noticed: its heartbeat timer runs (and queries the log) forever. The query is
     * slowed down here to make the window deterministic; the leaked timers are
     * cleared at the end so the run cannot hang.
     */
    it('stops catching up for a client that disconnected while the stream was starting', async () => {
      const timers = jest.spyOn(global, 'setInterval');
      const original = events.restoreForUsers.bind(events);
      const latest = jest.spyOn(events, 'restoreForUsers').mockImplementationOnce(async (...args) => {
        await sleep(300);
        return original(...args);
      });
      const list = jest.spyOn(events, 'listForUsers');
      const readsOf = (userId: string) => list.mock.calls.filter(([cursors]) => cursors.some((cursor) => cursor.userId === userId)).length;
      try {
        const abort = new AbortController();
        const response = await fetch(`${api.base}${STREAM}`, { headers: bearer('yuri'), signal: abort.signal });
        expect(response.status).toBe(200);
        abort.abort();
        await response.body?.cancel().catch(() => undefined);
        await sleep(500);
        const callsAfterDisconnect = readsOf('yuri');

        await sleep(HEARTBEAT_MS * 2.5);

        expect(readsOf('yuri')).toBe(callsAfterDisconnect);
      } finally {
        for (const result of timers.mock.results) clearInterval(result.value as NodeJS.Timeout);
        timers.mockRestore();
        latest.mockRestore();
        list.mockRestore();
      }
    });
  });
});
