import { JwtService } from '@nestjs/jwt';
import { sign } from 'cookie-signature';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Browser, type Page, type Request } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { REPO_ROOT } from '../support/node-process';
import { type Pipeline, startPipeline } from '../support/pipeline';
import { sdkEventTypeErrors } from '../support/sdk-types';
import { type SdkPage, serveSdkPage } from '../support/sdk-page';

const JWT_SECRET = 'web-client-e2e-secret-of-at-least-32-characters';
const SESSION_SECRET = 'the-login-services-cookie-parser-secret-for-e2e';
const EXPORT = readFileSync(resolve(REPO_ROOT, 'examples/chatgpt-export.json'), 'utf8');
const jwt = new JwtService({ secret: JWT_SECRET });

/** An access token as the login service mints it: `userId` and `sessionId` (no `sub`), HS256, one hour. */
const loginToken = (userId: string) => jwt.sign({ userId, sessionId: '0123456789abcdef' }, { expiresIn: '1h' });

/** The cookie's value on the wire: cookie-parser's signed form (`s:` + HMAC-SHA256 with SESSION_SECRET, URL-encoded), or the bare JWT. */
const COOKIE_VALUE = {
  signed: (token: string) => encodeURIComponent(`s:${sign(token, SESSION_SECRET)}`),
  unsigned: (token: string) => token,
  'signed with another secret': (token: string) => encodeURIComponent(`s:${sign(token, 'not-the-login-services-secret-at-all')}`),
} as const;
type CookieForm = keyof typeof COOKIE_VALUE;

/** What the SDK's calls resolve to (dist/http-builder.js). */
type SdkResult<T> = { isSuccess: true; statusCode: number; data: T } | { isSuccess: false; error: { statusCode: number; message: string; body?: unknown } };
interface JobAccepted {
  message: string;
  taskId: string;
  status: string;
}
type Frame = { lastEventId: string; data: string } | { error: true; readyState: number };
interface FetchResult {
  status?: number;
  contentType?: string | null;
  body?: string;
  networkError?: string;
}
interface Envelope {
  id: string;
  type: string;
  timestamp: string;
  payload: { taskId: string; timestamp: string } & Record<string, unknown>;
}

/** Calls `window.harness[method](...args)` in the page (test/support/web-client-harness.mjs). */
function inPage<T>(page: Page, method: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(
    ([name, values]) => (globalThis as unknown as { harness: Record<string, (...a: unknown[]) => unknown> }).harness[name](...values),
    [method, args] as const,
  ) as Promise<T>;
}

interface WireExchange {
  preflight: boolean;
  cookie: boolean;
  origin?: string;
  status?: number;
  allowOrigin?: string;
}

/**
 * What crossed the wire between a page and the api, read from Chromium's
 * network layer over CDP: also the answers CORS hides from the page (their
 * status and headers) and the preflights the page never sees.
 */
async function wireLog(page: Page): Promise<() => WireExchange[]> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const exchanges = new Map<string, WireExchange>();
  const lower = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  const entry = (requestId: string) => exchanges.get(requestId) ?? exchanges.set(requestId, { preflight: false, cookie: false }).get(requestId)!;
  cdp.on('Network.requestWillBeSentExtraInfo', (event) => {
    const headers = lower(event.headers);
    Object.assign(entry(event.requestId), { preflight: 'access-control-request-method' in headers, cookie: 'cookie' in headers, origin: headers.origin });
  });
  cdp.on('Network.responseReceivedExtraInfo', (event) => {
    const headers = lower(event.headers);
    Object.assign(entry(event.requestId), { status: event.statusCode, allowOrigin: headers['access-control-allow-origin'] });
  });
  return () => [...exchanges.values()];
}

const messages = (frames: readonly Frame[]) => frames.filter((frame): frame is { lastEventId: string; data: string } => !('error' in frame));
const envelopes = (frames: readonly Frame[]) => messages(frames).slice(1).map((frame) => JSON.parse(frame.data) as Envelope);

/**
 * The GraphNode web app as it really runs: its published SDK
 * (@taco_tsinghua/graphnode-sdk, loaded unchanged as ES modules) in Debian's
 * Chromium, on a page of an allowed origin (http://localhost:<port>) talking
 * cross-origin to the api (http://localhost:<other port>) with only the
 * `access_token` cookie the login service sets. The SDK never sends
 * Authorization; every request here is the browser's own, with its Origin,
 * preflights and cookie rules. The pipeline behind it is the real one
 * (test/support/pipeline).
 */
describe('the web client (its SDK in Chromium) against the pipeline', () => {
  let pipeline: Pipeline;
  let browser: Browser;
  let app: SdkPage;
  let elsewhere: SdkPage;
  const pages: Page[] = [];

  beforeAll(async () => {
    [app, elsewhere, browser] = await Promise.all([serveSdkPage(), serveSdkPage(), launchChromium()]);
    pipeline = await startPipeline('web-client', { host: 'localhost', api: { JWT_SECRET, SESSION_SECRET, CORS_ORIGINS: app.origin, MAX_UPLOAD_BYTES: '1048576' } });
  }, 90000);

  afterAll(async () => {
    await browser?.close();
    await pipeline?.destroy();
    await Promise.all([app?.close(), elsewhere?.close()]);
  }, 30000);

  /** A fresh browser profile signed in as `userId` (the cookie on the api's host, as the login service leaves it), on a page of `origin`. */
  async function openApp(userId: string, form: CookieForm | 'none', origin = app.origin): Promise<{ page: Page; apiRequests: Request[] }> {
    const context = await browser.newContext();
    if (form !== 'none') {
      await context.addCookies([
        { name: 'access_token', value: COOKIE_VALUE[form](loginToken(userId)), domain: 'localhost', path: '/', httpOnly: true, sameSite: 'Lax' },
      ]);
    }
    const page = await context.newPage();
    pages.push(page);
    const apiRequests: Request[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(pipeline.base)) apiRequests.push(request);
    });
    await page.goto(`${origin}/?api=${encodeURIComponent(pipeline.base)}`);
    await page.waitForFunction(() => (globalThis as unknown as { harnessReady?: boolean }).harnessReady === true);
    return { page, apiRequests };
  }

  /** The user's jobs, read from outside the browser with a bearer token for them. */
  const jobsOf = async (userId: string) => {
    const response = await fetch(`${pipeline.base.replace('localhost', '127.0.0.1')}/v1/jobs`, { headers: { Authorization: `Bearer ${jwt.sign({ sub: userId }, { expiresIn: '1h' })}` } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { jobs: { taskId: string; status: string }[] }).jobs;
  };
  const importExport = (page: Page) =>
    inPage<FetchResult>(page, 'fetch', '/v1/sources/conversations', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: EXPORT });

  it.each(['signed', 'unsigned'] as const)(
    'with the %s access_token cookie: health, a problem, import, generate, and the job followed over the SDK stream URL to COMPLETED; a reload restores it',
    async (form) => {
      const userId = `web-${form}-${Date.now()}`;
      const { page, apiRequests } = await openApp(userId, form);

      expect(await inPage(page, 'sdk', 'health', 'get')).toEqual({ isSuccess: true, statusCode: 200, data: { ok: true } });
      const noGraph = await inPage<SdkResult<unknown>>(page, 'sdk', 'graphAi', 'addNode');
      expect(noGraph).toMatchObject({ isSuccess: false, error: { statusCode: 404, body: { status: 404, code: 'GRAPH_NOT_FOUND', type: 'https://graphnode.dev/problems/graph-not-found' } } });
      if (!noGraph.isSuccess) expect(noGraph.error.message).toBe((noGraph.error.body as { detail: string }).detail);

      expect(await inPage<string>(page, 'streamUrl')).toBe(`${pipeline.base}/v1/notifications/stream`);
      await inPage(page, 'openStream');
      await inPage(page, 'waitFor', { count: 1 });

      const imported = await importExport(page);
      expect(imported.status).toBe(201);
      expect((JSON.parse(imported.body ?? '{}') as { imported: number }).imported).toBe(5);

      const accepted = await inPage<SdkResult<JobAccepted>>(page, 'sdk', 'graphAi', 'generateGraph', { includeSummary: false });
      expect(accepted).toMatchObject({ isSuccess: true, statusCode: 202, data: { status: 'queued' } });
      if (!accepted.isSuccess) return;
      const { taskId } = accepted.data;
      expect(taskId).toMatch(new RegExp(`^task_${userId}_[0-9A-HJKMNP-TV-Z]{26}$`));

      const frames = await inPage<Frame[]>(page, 'waitFor', { type: 'GRAPH_GENERATION_COMPLETED', taskId });
      expect(frames.filter((frame) => 'error' in frame)).toEqual([]);
      const [connected, ...rest] = messages(frames);
      expect(connected).toEqual({ lastEventId: '', data: '{"type":"CONNECTED","message":"SSE Connection established"}' });
      const events = envelopes(frames);
      expect(sdkEventTypeErrors(events)).toEqual([]);
      expect(rest.map((frame) => frame.lastEventId)).toEqual(events.map((event) => event.id));
      for (const event of events) {
        expect(event.id).toMatch(/^\d{19}$/);
        expect(event.payload.timestamp).toBe(event.timestamp);
        expect(event.payload.taskId).toBe(taskId);
      }
      const ids = events.map((event) => event.id);
      expect([...ids].sort()).toEqual(ids);
      expect([...ids].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))).toEqual(ids);
      const types = events.map((event) => event.type);
      expect(types[0]).toBe('GRAPH_GENERATION_REQUESTED');
      expect(types).toContain('GRAPH_GENERATION_PROGRESS_UPDATED');
      expect(types[types.length - 1]).toBe('GRAPH_GENERATION_COMPLETED');
      expect(new Set(ids).size).toBe(ids.length);

      // A reloaded page: the SDK's URL again, no cursor; the stream restores how the job stands.
      await inPage(page, 'closeStream');
      await page.reload();
      await page.waitForFunction(() => (globalThis as unknown as { harnessReady?: boolean }).harnessReady === true);
      await inPage(page, 'openStream');
      const restored = envelopes(await inPage<Frame[]>(page, 'waitFor', { type: 'GRAPH_GENERATION_COMPLETED', taskId }));
      expect(restored.map((event) => event.id)).toEqual(ids);
      expect(sdkEventTypeErrors(restored)).toEqual([]);

      expect(apiRequests.length).toBeGreaterThan(4);
      for (const request of apiRequests) expect(await request.allHeaders()).not.toHaveProperty('authorization');
      expect((await jobsOf(userId)).map((job) => [job.taskId, job.status])).toEqual([[taskId, 'SUCCEEDED']]);
    },
    90000,
  );

  it('every graph-job call of the web client through its SDK: store conversations and notes, generate, watch, stats and snapshot, summary, add-node, delete and restore', async () => {
    const userId = `web-all-${Date.now()}`;
    const { page } = await openApp(userId, 'signed');
    const sdk = <T>(api: string, method: string, ...args: unknown[]) => inPage<SdkResult<T>>(page, 'sdk', api, method, ...args);
    const data = <T>(result: SdkResult<T>, statusCode: number): T => {
      expect(result).toMatchObject({ isSuccess: true, statusCode });
      if (!result.isSuccess) throw new Error(`expected ${statusCode}, got ${JSON.stringify(result.error)}`);
      return result.data;
    };
    const stats = async () => data(await sdk<{ userId: string; nodes: number; edges: number; clusters: number; status: string }>('graph', 'getStats'), 200);
    const finished = async (type: string, taskId: string) => envelopes(await inPage<Frame[]>(page, 'waitFor', { type, taskId, timeoutMs: 60000 }));
    await inPage(page, 'openStream');
    await inPage(page, 'waitFor', { count: 1 });

    expect(await stats()).toEqual({ userId, nodes: 0, edges: 0, clusters: 0, status: 'NOT_CREATED' });

    // What the app stores before it generates: conversations and notes, through the SDK's own calls.
    const message = (id: string, role: string, content: string) => ({ id, role, content });
    const bulk = data(
      await sdk<{ conversations: { id: string; messages: unknown[] }[] }>('conversations', 'bulkCreate', {
        conversations: [
          { id: 'c-garden', title: 'Tomatoes', messages: [message('m1', 'user', 'How much sun do tomatoes need?'), message('m2', 'assistant', 'Six to eight hours.')] },
          { id: 'c-bread', title: 'Sourdough', messages: [message('m3', 'user', 'Why is my sourdough dense?'), message('m4', 'assistant', 'Proof it longer.')] },
        ],
      }),
      201,
    );
    expect(bulk.conversations.map((conversation) => [conversation.id, conversation.messages])).toEqual([
      ['c-garden', []],
      ['c-bread', []],
    ]);
    expect(data(await sdk<{ id: string; title: string }>('note', 'createNote', { id: 'n-compost', title: 'Compost', content: 'Greens and browns, turned weekly.' }), 201)).toMatchObject({
      id: 'n-compost',
      title: 'Compost',
    });
    const notes = data(await sdk<{ notes: { id: string; title: string }[] }>('note', 'bulkCreate', { notes: [{ id: 'n-seeds', content: 'Save seeds from the best fruit.' }] }), 201);
    expect(notes.notes).toEqual([expect.objectContaining({ id: 'n-seeds', title: 'Save seeds...' })]);
    const again = await sdk('conversations', 'create', { id: 'c-garden', title: 'Tomatoes again', messages: [message('m9', 'user', 'Again?')] });
    expect(again).toMatchObject({ isSuccess: false, error: { statusCode: 409, body: { code: 'CONVERSATION_EXISTS' } } });

    // Generate, watch it, read what the app renders.
    const generated = data(await sdk<JobAccepted & { macroId: string }>('graphAi', 'generateGraph', { includeSummary: false }), 202);
    expect(generated).toMatchObject({ status: 'queued', taskId: expect.stringMatching(`^task_${userId}_`) as unknown, macroId: expect.any(String) as unknown });
    const { macroId } = generated;
    await finished('GRAPH_GENERATION_COMPLETED', generated.taskId);
    const created = await stats();
    expect(created).toMatchObject({ userId, status: 'CREATED' });
    expect(created.nodes).toBe(4);
    const snapshot = data(await sdk<{ nodes: { id: number; origId: string; numMessages: number }[]; edges: unknown[]; clusters: unknown[]; subclusters: unknown[]; stats: unknown }>('graph', 'getSnapshot'), 200);
    expect(snapshot.nodes.map((node) => node.origId).sort()).toEqual(['c-bread', 'c-garden', 'n-compost', 'n-seeds']);
    expect(snapshot.stats).toMatchObject({ nodes: 4, edges: snapshot.edges.length, clusters: snapshot.clusters.length, status: 'CREATED' });
    expect(data(await sdk<{ graphs: { macroId: string }[] }>('graph', 'listGraphs'), 200).graphs.map((graph) => graph.macroId)).toEqual([macroId]);
    expect(data(await sdk<{ graph: { macroId: string; userId: string } }>('graph', 'getGraphMetadata', macroId), 200).graph).toMatchObject({ macroId, userId });
    expect(await sdk('graph', 'getSnapshot', 'graph_not-this-users')).toMatchObject({ isSuccess: false, error: { statusCode: 404 } });

    // Summary: request, watch, read; delete and restore it.
    const summaryJob = data(await sdk<JobAccepted>('graphAi', 'requestSummary'), 202);
    await finished('GRAPH_SUMMARY_COMPLETED', summaryJob.taskId);
    const summary = data(await sdk<{ overview: { total_conversations: number; total_notes: number }; generated_at: string }>('graphAi', 'getSummary'), 200);
    expect(summary.overview).toMatchObject({ total_conversations: 2, total_notes: 2 });
    expect(await sdk('graphAi', 'deleteSummary')).toMatchObject({ isSuccess: true, statusCode: 204 });
    expect(data(await sdk<{ detail_level: string; clusters: unknown[] }>('graphAi', 'getSummary'), 200)).toMatchObject({ detail_level: 'standard', clusters: [] });
    expect(await sdk('graphAi', 'restoreSummary')).toMatchObject({ isSuccess: true, statusCode: 200, data: { message: 'Summary restored' } });
    expect(data(await sdk('graphAi', 'getSummary'), 200)).toEqual(summary);

    // A new conversation, added to the graph.
    expect(await sdk('conversations', 'create', { id: 'c-bees', title: 'Bees', messages: [message('m5', 'user', 'Do bees like tomatoes?')] })).toMatchObject({ statusCode: 201 });
    const added = data(await sdk<JobAccepted>('graphAi', 'addNode'), 202);
    expect(added.taskId).toMatch(new RegExp(`^task_add_node_${userId}_[0-9A-Z]{26}$`));
    const addEvents = await finished('ADD_CONVERSATION_COMPLETED', added.taskId);
    expect(addEvents.find((event) => event.type === 'ADD_CONVERSATION_COMPLETED')?.payload).toMatchObject({ nodeCount: 1 });
    expect(await stats()).toMatchObject({ status: 'UPDATED', nodes: 5 });

    // Delete and restore the graph; then delete it for good.
    expect(await sdk('graphAi', 'deleteGraph')).toMatchObject({ isSuccess: true, statusCode: 204 });
    expect(await stats()).toMatchObject({ status: 'NOT_CREATED', nodes: 0 });
    expect(await sdk('graphAi', 'restoreGraph')).toMatchObject({ isSuccess: true, statusCode: 200, data: { message: 'Graph restored' } });
    expect(await stats()).toMatchObject({ status: 'UPDATED', nodes: 5 });
    expect(await sdk('graphAi', 'deleteGraph', { permanent: true })).toMatchObject({ isSuccess: true, statusCode: 204 });
    expect(await sdk('graphAi', 'restoreGraph')).toMatchObject({ isSuccess: false, error: { statusCode: 404, body: { code: 'GRAPH_NOT_FOUND' } } });
    expect(data(await sdk<{ nodes: unknown[] }>('graph', 'getSnapshot'), 200).nodes).toEqual([]);
    expect(await pipeline.aws.listKeys(`graph-generation/${generated.taskId}/`)).toEqual([]);

    // The SDK's test route: conversations in the export shape without ids (AiInputData[]).
    const node = (id: string, parent: string | null, children: string[], role: string | null, text = '') => ({
      id,
      parent,
      children,
      message: role ? { id, author: { role }, content: { content_type: 'text', parts: [text] } } : null,
    });
    const aiInput = [
      {
        title: 'Pruning',
        create_time: 1764547200,
        update_time: 1764547260,
        mapping: {
          root: node('root', null, ['q'], null),
          q: node('q', 'root', ['a'], 'user', 'When do I prune tomatoes?'),
          a: node('a', 'q', [], 'assistant', 'Pinch suckers weekly.'),
        },
      },
    ];
    const tested = data(await sdk<JobAccepted>('graphAi', 'generateGraphTest', aiInput), 202);
    await finished('GRAPH_GENERATION_COMPLETED', tested.taskId);
    expect(await stats()).toMatchObject({ status: 'CREATED', nodes: 1 });

    const events = envelopes(await inPage<Frame[]>(page, 'frames'));
    expect(sdkEventTypeErrors(events)).toEqual([]);
    expect(new Set(events.map((event) => event.type))).toEqual(
      new Set([
        'GRAPH_GENERATION_REQUESTED',
        'GRAPH_GENERATION_PROGRESS_UPDATED',
        'GRAPH_GENERATION_COMPLETED',
        'GRAPH_SUMMARY_REQUESTED',
        'GRAPH_SUMMARY_COMPLETED',
        'ADD_CONVERSATION_REQUESTED',
        'ADD_CONVERSATION_COMPLETED',
      ]),
    );
  }, 180000);

  it('a page on an origin not in CORS_ORIGINS cannot act with the same cookies: its preflights get no CORS answer and its simple POST is refused before anything is queued', async () => {
    const userId = `web-csrf-${Date.now()}`;
    const own = await openApp(userId, 'signed');
    expect((await importExport(own.page)).status).toBe(201);

    const foreign = await openApp(userId, 'signed', elsewhere.origin);
    const wire = await wireLog(foreign.page);
    // No body: a simple request the browser sends without asking, with the cookie (same site) and the foreign Origin.
    const simple = await inPage<SdkResult<unknown>>(foreign.page, 'sdk', 'graphAi', 'generateGraph');
    // A JSON body: preflighted; the preflight gets no CORS headers, so the POST itself is never sent.
    const preflighted = await inPage<SdkResult<unknown>>(foreign.page, 'sdk', 'graphAi', 'generateGraph', { includeSummary: false });
    for (const result of [simple, preflighted]) expect(result).toMatchObject({ isSuccess: false, error: { statusCode: 0 } });
    expect(wire()).toEqual([
      { preflight: false, cookie: true, origin: elsewhere.origin, status: 403, allowOrigin: undefined },
      { preflight: true, cookie: false, origin: elsewhere.origin, status: expect.any(Number) as number, allowOrigin: undefined },
    ]);
    expect(await jobsOf(userId)).toEqual([]);

    // The same call from the app's own origin is served.
    expect(await inPage(own.page, 'sdk', 'graphAi', 'generateGraph')).toMatchObject({ isSuccess: true, statusCode: 202 });
    expect(await jobsOf(userId)).toHaveLength(1);
  }, 60000);

  it.each(['none', 'signed with another secret'] as const)(
    'with %s cookie: 401 problem+json through the SDK after its one refresh try on the same origin, and a stream the browser does not retry',
    async (form) => {
      const { page, apiRequests } = await openApp(`web-anonymous-${form.length}`, form);
      const result = await inPage<SdkResult<unknown>>(page, 'sdk', 'graphAi', 'requestSummary');
      expect(result).toMatchObject({
        isSuccess: false,
        error: { statusCode: 401, body: { type: 'https://graphnode.dev/problems/auth-required', title: 'AUTH REQUIRED', status: 401, code: 'AUTH_REQUIRED', retryable: false } },
      });
      if (!result.isSuccess) expect(result.error.message).toBe((result.error.body as { detail: string }).detail);
      // /auth/refresh belongs to the login service (same origin in production); here nothing serves it.
      expect(apiRequests.map((request) => `${request.method()} ${new URL(request.url()).pathname}`)).toEqual(
        expect.arrayContaining(['POST /v1/graph-ai/summary', 'POST /auth/refresh']),
      );

      await inPage(page, 'openStream');
      const frames = await inPage<Frame[]>(page, 'waitFor', { count: 1 });
      expect(frames).toEqual([{ error: true, readyState: 2 }]);
    },
    30000,
  );
});
