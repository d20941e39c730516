import { sign } from 'cookie-signature';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FIXTURES_DIR } from '../../../../libs/queue-contracts/test/golden-contract';
import { type ApiTestApp, bearer, bootApiTestApp, drainQueue, readProblem, signToken } from '../../test/api-test-app';
import { CSRF_ORIGIN_REFUSED } from './csrf';
import { JwtAuthGuard } from './jwt-auth.guard';

/**
 * The web client as it really calls us: its SDK never sends Authorization, only
 * the cookies the login service set (cookie-parser-signed with SESSION_SECRET),
 * from the web app's origin, cross-origin with credentials.
 */
const SESSION_SECRET = 'the-login-services-cookie-parser-secret';
const WEB_APP = 'https://app.graphnode.dev';
const LOCAL_WEB_APP = 'http://localhost:5173';
const ELSEWHERE = 'https://evil.example';
const STREAM = '/v1/notifications/stream';
const CONVERSATIONS = readFileSync(resolve(FIXTURES_DIR, 'files/conversations.json'));

/** An access token as the login service mints it: `userId` and `sessionId`, no `sub`. */
const loginServiceToken = (userId: string, claims: Record<string, unknown> = {}) => signToken({ userId, sessionId: '0123456789abcdef', ...claims });

/** The wire form of a cookie-parser-signed cookie: `s:` + cookie-signature's sign, URL-encoded (`s%3A…`). */
const signedCookie = (jwt: string, secret = SESSION_SECRET) => `access_token=${encodeURIComponent(`s:${sign(jwt, secret)}`)}`;
const unsignedCookie = (jwt: string) => `access_token=${jwt}`;
const COOKIE_FORMS = [
  ['signed', (jwt: string) => signedCookie(jwt)],
  ['unsigned', unsignedCookie],
] as const;

const accessControlHeaders = (response: Response) => [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));

describe(`${JwtAuthGuard.name} with the web client's cookies, CORS and CSRF`, () => {
  let api: ApiTestApp;
  let user = 0;
  const nextUser = () => `web-user-${++user}`;
  const streams: AbortController[] = [];

  beforeAll(async () => {
    api = await bootApiTestApp('web_client', { env: { SESSION_SECRET, CORS_ORIGINS: `${WEB_APP},${LOCAL_WEB_APP}` } });
  });

  afterAll(async () => {
    for (const stream of streams) stream.abort();
    await api?.close();
  });

  const get = (path: string, headers: Record<string, string>) => fetch(`${api.base}${path}`, { headers });
  const postNote = (headers: Record<string, string>, id = 'note-1') =>
    fetch(`${api.base}/v1/sources/notes`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify({ notes: [{ id, title: 'Garden', content: 'Tomatoes need sun' }] }),
    });
  /** The user's sources, read with a bearer token for them (`sub`), whatever wrote them. */
  const sourceIds = async (userId: string) => {
    const response = await get('/v1/sources', bearer(userId));
    expect(response.status).toBe(200);
    return ((await response.json()) as { sources: { id: string }[] }).sources.map((source) => source.id);
  };

  /** Opens the SSE stream (always `since=0`, see jwt-auth.guard.int-spec.ts) and returns its status; a 200 stream is aborted at once. */
  async function streamStatus(headers: Record<string, string>): Promise<number> {
    const abort = new AbortController();
    streams.push(abort);
    const response = await fetch(`${api.base}${STREAM}?since=0`, { headers, signal: abort.signal });
    if (response.status === 200) expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    abort.abort();
    await response.body?.cancel().catch(() => undefined);
    return response.status;
  }

  describe('the access_token cookie with the userId claim', () => {
    it.each(COOKIE_FORMS)('authenticates a GET, a POST and the SSE stream with the %s cookie, as the userId', async (_form, cookie) => {
      const userId = nextUser();
      const headers = { Cookie: `gn-logged-in=1; ${cookie(loginServiceToken(userId))}; theme=dark` };

      const posted = await postNote({ ...headers, Origin: WEB_APP });
      expect(posted.status).toBe(201);
      expect(await posted.json()).toEqual({ imported: 1, ids: ['note-1'] });

      const listed = await get('/v1/sources', headers);
      expect(listed.status).toBe(200);
      expect(((await listed.json()) as { sources: { id: string }[] }).sources.map((source) => source.id)).toEqual(['note-1']);
      expect(await sourceIds(userId)).toEqual(['note-1']);

      expect(await streamStatus(headers)).toBe(200);
    });

    it.each([
      ['signed with another secret', () => signedCookie(loginServiceToken('mallory'), 'another-cookie-secret-that-is-long-enough')],
      ['with its signature cut off', () => `access_token=${encodeURIComponent(`s:${loginServiceToken('mallory')}`)}`],
      ['with a tampered JWT under a valid-looking signature', () => signedCookie(loginServiceToken('mallory')).replace('access_token=s%3A', 'access_token=s%3Ax')],
    ])('counts a cookie %s as absent: 401 AUTH_REQUIRED on a GET, a POST and the stream', async (_label, cookie) => {
      const headers = { Cookie: cookie() };

      const listed = await get('/v1/sources', headers);
      expect(listed.status).toBe(401);
      expect(await readProblem(listed)).toMatchObject({ status: 401, code: 'AUTH_REQUIRED', detail: expect.any(String) as unknown, retryable: false });
      const posted = await postNote({ ...headers, Origin: WEB_APP });
      expect(posted.status).toBe(401);
      expect((await readProblem(posted)).code).toBe('AUTH_REQUIRED');
      expect(await streamStatus(headers)).toBe(401);
      expect(await sourceIds('mallory')).toEqual([]);
    });

    it('holds a cookie token to the token policy, with a code on every 401', async () => {
      const now = Math.floor(Date.now() / 1000);
      const cases: [string, string][] = [
        [signToken({ userId: 'alice', exp: now - 3600 }), 'TOKEN_EXPIRED'],
        [signToken({ userId: 'alice', exp: now + 30 * 24 * 3600 }), 'TOKEN_INVALID'],
        [signToken({ userId: 'alice' }, 'a-jwt-secret-that-is-not-the-apis-own'), 'TOKEN_INVALID'],
        [signToken({ userId: 'alice/../bob' }), 'TOKEN_INVALID'],
        [signToken({ userId: 'alice', sub: 'bob' }), 'TOKEN_INVALID'],
        ['not.a.jwt', 'TOKEN_INVALID'],
      ];
      for (const [jwt, code] of cases) {
        const response = await get('/v1/sources', { Cookie: signedCookie(jwt) });
        expect(response.status).toBe(401);
        expect(await readProblem(response)).toMatchObject({ status: 401, code, detail: expect.any(String) as unknown, retryable: false });
      }
    });

    it('lets the bearer token win over the cookie, and judges a bad bearer token alone', async () => {
      const [cookieUser, bearerUser] = [nextUser(), nextUser()];
      const cookie = { Cookie: signedCookie(loginServiceToken(cookieUser)) };

      expect((await postNote({ ...cookie, ...bearer(bearerUser), Origin: ELSEWHERE }, 'by-bearer')).status).toBe(201);
      expect(await sourceIds(bearerUser)).toEqual(['by-bearer']);
      expect(await sourceIds(cookieUser)).toEqual([]);

      const refused = await get('/v1/sources', { ...cookie, Authorization: 'Bearer not.a.jwt' });
      expect(refused.status).toBe(401);
      expect((await readProblem(refused)).code).toBe('TOKEN_INVALID');
    });
  });

  describe('CORS', () => {
    it.each([WEB_APP, LOCAL_WEB_APP])('gives %s credentialed CORS on answers, errors included', async (origin) => {
      const health = await get('/healthz', { Origin: origin });
      expect(health.status).toBe(200);
      expect(health.headers.get('access-control-allow-origin')).toBe(origin);
      expect(health.headers.get('access-control-allow-credentials')).toBe('true');
      expect(health.headers.get('vary')).toMatch(/\bOrigin\b/);

      // The SDK must be able to read a 401 to call /auth/refresh.
      const unauthorized = await get('/v1/sources', { Origin: origin });
      expect(unauthorized.status).toBe(401);
      expect(unauthorized.headers.get('access-control-allow-origin')).toBe(origin);
      expect(unauthorized.headers.get('access-control-allow-credentials')).toBe('true');

      // The body gate answers before any route, and its errors are readable too.
      const notJson = await fetch(`${api.base}/v1/sources/notes`, { method: 'POST', headers: { ...bearer('alice'), Origin: origin, 'Content-Type': 'text/plain' }, body: 'x' });
      expect(notJson.status).toBe(415);
      expect(notJson.headers.get('access-control-allow-origin')).toBe(origin);
    });

    it('answers the preflight of a JSON POST with 204, allowing the method and the requested headers', async () => {
      const response = await fetch(`${api.base}/v1/sources/notes`, {
        method: 'OPTIONS',
        headers: { Origin: WEB_APP, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
      });

      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(WEB_APP);
      expect(response.headers.get('access-control-allow-credentials')).toBe('true');
      expect(response.headers.get('access-control-allow-methods')?.split(',')).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']));
      expect(response.headers.get('access-control-allow-headers')).toBe('content-type');
      expect(response.headers.get('vary')).toMatch(/\bOrigin\b/);
    });

    it.each([
      ['another origin', ELSEWHERE],
      ['the web app on another scheme', 'http://app.graphnode.dev'],
      ['the web app on another port', 'https://app.graphnode.dev:8443'],
      ['a subdomain of the web app', 'https://x.app.graphnode.dev'],
      ['the opaque origin null', 'null'],
    ])('gives %s no Access-Control-* header at all, preflight included (while the web app gets them)', async (_label, origin) => {
      expect((await get('/healthz', { Origin: WEB_APP })).headers.get('access-control-allow-origin')).toBe(WEB_APP);

      const plain = await get('/healthz', { Origin: origin });
      expect(plain.status).toBe(200);
      expect(accessControlHeaders(plain)).toEqual([]);
      expect(plain.headers.get('vary')).toMatch(/\bOrigin\b/);

      const preflight = await fetch(`${api.base}/v1/sources/notes`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
      });
      expect(preflight.status).not.toBe(204);
      expect(accessControlHeaders(preflight)).toEqual([]);
    });

    it('adds no CORS header to a request without Origin (while the web app gets them)', async () => {
      expect((await get('/healthz', { Origin: WEB_APP })).headers.get('access-control-allow-origin')).toBe(WEB_APP);
      expect(accessControlHeaders(await get('/healthz', {}))).toEqual([]);
    });
  });

  describe('CSRF: a cookie request that changes state', () => {
    const cookieOf = (userId: string) => ({ Cookie: signedCookie(loginServiceToken(userId)) });

    it.each([
      ['another Origin', { Origin: ELSEWHERE }],
      ['Origin: null', { Origin: 'null' }],
      ['another Origin with the web app as Referer', { Origin: ELSEWHERE, Referer: `${WEB_APP}/graph` }],
      ['no Origin and another Referer', { Referer: `${ELSEWHERE}/page` }],
      ['neither Origin nor Referer', {}],
    ])('is refused with 403 CSRF_ORIGIN_REFUSED from %s, and nothing is stored', async (_label, origin: Record<string, string>) => {
      const userId = nextUser();
      const response = await postNote({ ...cookieOf(userId), ...origin });

      expect(response.status).toBe(403);
      expect(await readProblem(response)).toMatchObject({ status: 403, code: CSRF_ORIGIN_REFUSED, detail: expect.any(String) as unknown, retryable: false });
      expect(await sourceIds(userId)).toEqual([]);
    });

    it('is refused before an upload is read: no job, no stored bundle, nothing queued', async () => {
      const userId = nextUser();
      const response = await fetch(`${api.base}/v1/graph-ai/test/generate-json`, {
        method: 'POST',
        headers: { ...cookieOf(userId), Origin: ELSEWHERE, 'Content-Type': 'application/json' },
        body: CONVERSATIONS,
      });

      expect(response.status).toBe(403);
      expect((await readProblem(response)).code).toBe(CSRF_ORIGIN_REFUSED);
      expect(await drainQueue(api.aws)).toEqual([]);
      expect(await api.aws.listKeys('graph-generation/')).toEqual([]);
      const jobs = await get('/v1/jobs', bearer(userId));
      expect(((await jobs.json()) as { jobs: unknown[] }).jobs).toEqual([]);
    });

    it.each([
      ['the web app', { Origin: WEB_APP }],
      ['the local web app', { Origin: LOCAL_WEB_APP }],
      ['no Origin and the web app as Referer', { Referer: `${WEB_APP}/graph?tab=1` }],
    ])('is accepted from %s', async (_label, origin: Record<string, string>) => {
      const userId = nextUser();
      expect((await postNote({ ...cookieOf(userId), ...origin })).status).toBe(201);
      expect(await sourceIds(userId)).toEqual(['note-1']);
    });

    it('is not a read: a cookie GET from any origin is answered (CORS keeps the answer from a foreign page)', async () => {
      const response = await get('/v1/sources', { ...cookieOf(nextUser()), Origin: ELSEWHERE });
      expect(response.status).toBe(200);
      expect(accessControlHeaders(response)).toEqual([]);
    });
  });

  describe('a bearer request that changes state', () => {
    it.each([
      ['another Origin', { Origin: ELSEWHERE }],
      ['no Origin', {}],
    ])('is accepted from %s, where the same request by cookie is refused', async (_label, origin: Record<string, string>) => {
      const userId = nextUser();
      const byCookie = await postNote({ Cookie: signedCookie(loginServiceToken(userId)), ...origin }, 'by-cookie');
      expect(byCookie.status).toBe(403);
      expect((await readProblem(byCookie)).code).toBe(CSRF_ORIGIN_REFUSED);

      expect((await postNote({ ...bearer(userId), ...origin })).status).toBe(201);
      expect(await sourceIds(userId)).toEqual(['note-1']);
    });
  });
});
