import { sign } from 'cookie-signature';
import { JobsRepository } from '@app/database';
import { type ApiTestApp, bearer, bootApiTestApp, drainQueue, MAX_UPLOAD_BYTES, signToken, tokenFor } from '../../test/api-test-app';
import { TOKEN_REJECTIONS } from '../auth/token-policy';
import { MAX_TASK_ID_LENGTH } from '../graph-ai/task-id';
import { ApiExceptionFilter, RETRY_AFTER_SECONDS } from './api-exception.filter';

const SESSION_SECRET = 'problem-json-spec-cookie-parser-secret';
const WEB_APP = 'https://app.graphnode.dev';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

/** What node-postgres throws through drizzle when the server goes away (SQLSTATE 57P01). */
const databaseGone = () =>
  new Error('Failed query: select * from "jobs" where "user_id" = $1', {
    cause: Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
  });

interface Expected {
  readonly status: number;
  readonly code: string;
  readonly detail: string | RegExp;
  readonly instance: string;
  readonly errors?: readonly (string | RegExp)[];
  /** Extension members (RFC 9457 §3.2) the problem must carry, e.g. a 409's running `taskId`. */
  readonly extensions?: Record<string, unknown>;
}

/**
 * Every error answer, whoever refuses the request (guard, JSON gate, pipe,
 * controller, router, a dependency), is RFC 9457 problem+json with the same
 * fields, and X-Correlation-Id repeats its correlationId.
 */
describe(`${ApiExceptionFilter.name}: application/problem+json`, () => {
  let api: ApiTestApp;
  let user = 0;
  const nextUser = () => `problem-user-${++user}`;

  beforeAll(async () => {
    api = await bootApiTestApp('problem_json', { env: { SESSION_SECRET, CORS_ORIGINS: WEB_APP } });
  });

  afterAll(async () => {
    await api?.close();
  });

  afterEach(() => jest.restoreAllMocks());

  const request = (path: string, init: RequestInit = {}) => fetch(`${api.base}${path}`, init);
  const postJson = (path: string, headers: Record<string, string>, body: string | Buffer) =>
    request(path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });

  /** Asserts the content type, every field (nothing more) and the correlation header; returns the body. */
  async function expectProblem(response: Response, expected: Expected): Promise<Record<string, unknown>> {
    const { status, code, detail, instance, errors, extensions } = expected;
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({
      type: `https://graphnode.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
      title: code.replace(/_/g, ' '),
      status,
      detail: typeof detail === 'string' ? detail : (expect.stringMatching(detail) as unknown),
      instance,
      correlationId: expect.stringMatching(UUID) as unknown,
      retryable: [429, 502, 503, 504].includes(status),
      ...(errors ? { errors: errors.map((error) => (typeof error === 'string' ? error : expect.stringMatching(error) as unknown)) } : {}),
      code,
      ...extensions,
    });
    expect(response.headers.get('x-correlation-id')).toBe(body.correlationId);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('retry-after')).toBe(status === 503 ? String(RETRY_AFTER_SECONDS) : null);
    return body;
  }

  it('401 AUTH_REQUIRED without a token', async () => {
    await expectProblem(await request('/v1/jobs?limit=5'), { status: 401, code: 'AUTH_REQUIRED', detail: TOKEN_REJECTIONS.missing, instance: '/v1/jobs?limit=5' });
  });

  it('401 TOKEN_INVALID for a token signed with another secret', async () => {
    const response = await request('/v1/jobs', { headers: { Authorization: `Bearer ${signToken({ sub: 'mallory' }, 'another-secret-that-is-long-enough-too')}` } });
    await expectProblem(response, { status: 401, code: 'TOKEN_INVALID', detail: TOKEN_REJECTIONS.invalid, instance: '/v1/jobs' });
  });

  it('403 CSRF_ORIGIN_REFUSED for a cookie-authenticated POST from a foreign Origin', async () => {
    const cookie = `access_token=${encodeURIComponent(`s:${sign(signToken({ userId: nextUser() }), SESSION_SECRET)}`)}`;
    const response = await postJson('/v1/sources/notes', { Cookie: cookie, Origin: 'https://evil.example' }, JSON.stringify({ notes: [{ title: 'a', content: 'b' }] }));
    await expectProblem(response, {
      status: 403,
      code: 'CSRF_ORIGIN_REFUSED',
      detail: 'A request that changes state and is authenticated by cookie must come from an allowed origin of the web app',
      instance: '/v1/sources/notes',
    });
  });

  it('400 INVALID_JSON from the JSON gate', async () => {
    const response = await postJson('/v1/graph-ai/generate', bearer(nextUser()), '{"includeSummary":');
    await expectProblem(response, {
      status: 400,
      code: 'INVALID_JSON',
      detail: 'The request body is not valid JSON: the JSON text ends early at byte 18 (line 1, column 19)',
      instance: '/v1/graph-ai/generate',
    });
  });

  it('400 VALIDATION_FAILED from the ValidationPipe, each problem in errors', async () => {
    const response = await postJson('/v1/graph-ai/generate?x=1', bearer(nextUser()), JSON.stringify({ includeSummary: 'yes' }));
    await expectProblem(response, {
      status: 400,
      code: 'VALIDATION_FAILED',
      detail: 'The request is invalid',
      instance: '/v1/graph-ai/generate?x=1',
      errors: [/^includeSummary must be /],
    });
  });

  it('400 INVALID_TASK_ID, the instance as sent', async () => {
    await expectProblem(await request('/v1/jobs/task%20x', { headers: bearer(nextUser()) }), {
      status: 400,
      code: 'INVALID_TASK_ID',
      detail: `taskId must be a task id: letters, digits and _ . @ - only, at most ${MAX_TASK_ID_LENGTH} characters`,
      instance: '/v1/jobs/task%20x',
    });
  });

  it('404 NOT_FOUND for an unknown route, with or without a token', async () => {
    await expectProblem(await request('/v1/nowhere?since=1', { headers: bearer(nextUser()) }), {
      status: 404,
      code: 'NOT_FOUND',
      detail: 'Route GET /v1/nowhere not found',
      instance: '/v1/nowhere?since=1',
    });
    await expectProblem(await request('/nowhere', { method: 'DELETE' }), { status: 404, code: 'NOT_FOUND', detail: 'Route DELETE /nowhere not found', instance: '/nowhere' });
  });

  it('404 JOB_NOT_FOUND for a job that is not the caller’s', async () => {
    await expectProblem(await request('/v1/jobs/task_nobody_1', { headers: bearer(nextUser()) }), {
      status: 404,
      code: 'JOB_NOT_FOUND',
      detail: 'No job task_nobody_1',
      instance: '/v1/jobs/task_nobody_1',
    });
  });

  it('409 JOB_ALREADY_RUNNING while a graph job runs', async () => {
    const userId = nextUser();
    const imported = await postJson('/v1/sources/notes', bearer(userId), JSON.stringify({ notes: [{ title: 'Garden', content: 'Tomatoes need sun' }] }));
    expect(imported.status).toBe(201);
    const running = await postJson('/v1/graph-ai/generate', bearer(userId), '{}');
    expect(running.status).toBe(202);
    const { taskId } = (await running.json()) as { taskId: string };

    await expectProblem(await postJson('/v1/graph-ai/generate', bearer(userId), '{}'), {
      status: 409,
      code: 'JOB_ALREADY_RUNNING',
      detail: /^Job \S+ is still running; wait for it to finish$/,
      instance: '/v1/graph-ai/generate',
      extensions: { taskId },
    });
    await drainQueue(api.aws);
  });

  it('413 BODY_TOO_LARGE for an upload over the limit', async () => {
    const response = await postJson('/v1/graph-ai/test/generate-json', bearer(nextUser()), Buffer.alloc(MAX_UPLOAD_BYTES + 1, 0x20));
    await expectProblem(response, {
      status: 413,
      code: 'BODY_TOO_LARGE',
      detail: `The request body exceeds the limit of ${MAX_UPLOAD_BYTES} bytes`,
      instance: '/v1/graph-ai/test/generate-json',
    });
  });

  it('415 UNSUPPORTED_MEDIA_TYPE for a body that is not JSON', async () => {
    const response = await request('/v1/sources/notes', { method: 'POST', headers: { ...bearer(nextUser()), 'Content-Type': 'text/plain' }, body: 'notes' });
    await expectProblem(response, {
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      detail: 'Send the body as JSON with Content-Type: application/json (charset, if given, utf-8)',
      instance: '/v1/sources/notes',
    });
  });

  it('503 DATABASE_UNAVAILABLE, retryable, with Retry-After, while the database is down', async () => {
    jest.spyOn(api.app.get(JobsRepository), 'listForUser').mockRejectedValue(databaseGone());
    await expectProblem(await request('/v1/jobs', { headers: bearer(nextUser()) }), {
      status: 503,
      code: 'DATABASE_UNAVAILABLE',
      detail: `The service cannot reach the database right now. Try again in ${RETRY_AFTER_SECONDS} s.`,
      instance: '/v1/jobs',
    });
  });

  describe('the SSE route, before the stream opens', () => {
    it('401 TOKEN_INVALID for a bad ?access_token=, which the instance does not echo', async () => {
      await expectProblem(await request('/v1/notifications/stream?since=0&access_token=not.a.jwt'), {
        status: 401,
        code: 'TOKEN_INVALID',
        detail: TOKEN_REJECTIONS.invalid,
        instance: '/v1/notifications/stream?since=0&access_token=REDACTED',
      });
    });

    it('400 INVALID_EVENT_ID for a since that is no event id', async () => {
      await expectProblem(await request('/v1/notifications/stream?since=abc', { headers: bearer(nextUser()) }), {
        status: 400,
        code: 'INVALID_EVENT_ID',
        detail: /^since \/ Last-Event-ID must be an event id/, // the wording is the SSE route's own
        instance: '/v1/notifications/stream?since=abc',
      });
    });
  });

  describe('correlationId', () => {
    it('is the trace-id of a valid traceparent, also in X-Correlation-Id', async () => {
      const response = await request('/v1/jobs', { headers: { traceparent: TRACEPARENT } });
      expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
      expect(response.headers.get('x-correlation-id')).toBe(TRACE_ID);
      expect(await response.json()).toMatchObject({ status: 401, code: 'AUTH_REQUIRED', correlationId: TRACE_ID });
    });

    it.each([
      ['an all-zero trace-id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
      ['version ff', `ff-${TRACE_ID}-00f067aa0ba902b7-01`],
      ['upper-case hex', `00-${TRACE_ID.toUpperCase()}-00f067aa0ba902b7-01`],
      ['no parent-id', `00-${TRACE_ID}-01`],
    ])('is a fresh UUID for a traceparent with %s', async (_label, traceparent) => {
      const response = await request('/v1/jobs', { headers: { traceparent, Authorization: `Bearer ${tokenFor('')}` } });
      const body = (await response.json()) as { correlationId: string };
      expect(body.correlationId).toMatch(UUID);
      expect(response.headers.get('x-correlation-id')).toBe(body.correlationId);
    });

    it('differs between two requests without a traceparent', async () => {
      const [a, b] = await Promise.all([request('/v1/jobs'), request('/v1/jobs')]);
      expect(a.headers.get('x-correlation-id')).not.toBe(b.headers.get('x-correlation-id'));
    });
  });
});
