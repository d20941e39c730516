import { JwtService, type JwtSignOptions } from '@nestjs/jwt';
import { JWT_MODULE_OPTIONS } from '@nestjs/jwt/dist/jwt.constants';
import { sign } from 'cookie-signature';
import { execFileSync } from 'node:child_process';
import { KeyObject } from 'node:crypto';
import { resolve } from 'node:path';
import { type ApiTestApp, bootApiTestApp, JWT_SECRET, readProblem, signToken, tokenFor } from '../../test/api-test-app';
import { JwtAuthGuard } from './jwt-auth.guard';
import { TOKEN_REJECTIONS } from './token-policy';

const STREAM = '/v1/notifications/stream';
const DAY = 24 * 3600;
const now = () => Math.floor(Date.now() / 1000);

/** Signs exactly `claims` (plus `iat`, unless `noTimestamp`): no `exp` is added, unlike signToken. */
const signExactly = (claims: Record<string, unknown>, options: JwtSignOptions = {}) => new JwtService({ secret: JWT_SECRET }).sign(claims, options);

/** An `alg: none` token: no signature at all. */
function unsignedToken(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

/** What `npm run token` (scripts/dev-token.mjs, also behind `npm start`'s welcome) prints, signed with the test secret. */
function devScriptToken(userId: string): string {
  const script = resolve(__dirname, '../../../../scripts/dev-token.mjs');
  return execFileSync(process.execPath, [script, userId], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', JWT_SECRET } }).trim();
}

/** The message of a 401, which always has a code: AUTH_REQUIRED without a token, TOKEN_EXPIRED or TOKEN_INVALID with a bad one. */
async function rejection(response: Response): Promise<string> {
  expect(response.status).toBe(401);
  const body = await readProblem(response);
  expect(body.status).toBe(401);
  expect(body.code).toBe(body.detail === TOKEN_REJECTIONS.missing ? 'AUTH_REQUIRED' : body.detail === TOKEN_REJECTIONS.expired ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID');
  return body.detail;
}

describe(JwtAuthGuard.name, () => {
  let api: ApiTestApp;
  const streams: AbortController[] = [];

  beforeAll(async () => {
    api = await bootApiTestApp('auth');
  });

  afterAll(async () => {
    for (const stream of streams) stream.abort();
    await api?.close();
  });

  const jobsWith = (headers: Record<string, string>) => fetch(`${api.base}/v1/jobs`, { headers });

  /**
   * Opens the SSE route and returns its status; a 200 stream is aborted right away.
   * Always with `since=0`: without it, a client that leaves during the service's first
   * query leaks the stream's heartbeat timer (see notifications.controller.int-spec.ts).
   */
  async function streamStatus(query: string, headers: Record<string, string> = {}): Promise<number> {
    const abort = new AbortController();
    streams.push(abort);
    const response = await fetch(`${api.base}${STREAM}?since=0${query}`, { headers, signal: abort.signal });
    if (response.status === 200) expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    abort.abort();
    await response.body?.cancel().catch(() => undefined);
    return response.status;
  }

  describe('canActivate', () => {
    it('verifies with one HS256 key object made at boot, not one per request', () => {
      const options = api.app.get<{ secretOrKeyProvider?: () => unknown }>(JWT_MODULE_OPTIONS);
      const first = options.secretOrKeyProvider?.();
      expect(first).toBeInstanceOf(KeyObject);
      expect((first as KeyObject).type).toBe('secret');
      expect((first as KeyObject).export().toString('utf8')).toBe(JWT_SECRET);
      expect(options.secretOrKeyProvider?.()).toBe(first);
    });

    it('lets a valid bearer token through', async () => {
      expect((await jobsWith({ Authorization: `Bearer ${tokenFor('valid.user@example-1')}` })).status).toBe(200);
    });

    it('lets the 24 h token of scripts/dev-token.mjs through under the default policy', async () => {
      expect((await jobsWith({ Authorization: `Bearer ${devScriptToken('dev-user')}` })).status).toBe(200);
    });

    it.each([
      ['no token', {}],
      ['a garbage token', { Authorization: 'Bearer not.a.jwt' }],
      ['a token signed with another secret', { Authorization: `Bearer ${signToken({ sub: 'alice' }, 'another-secret-that-is-also-32-characters')}` }],
      ['an expired token', { Authorization: `Bearer ${signToken({ sub: 'alice', exp: Math.floor(Date.now() / 1000) - 60 })}` }],
      ['a token without sub', { Authorization: `Bearer ${signToken({ name: 'alice' })}` }],
      ['a sub with a slash', { Authorization: `Bearer ${signToken({ sub: 'alice/../bob' })}` }],
      ['a numeric sub', { Authorization: `Bearer ${signToken({ sub: 42 })}` }],
      ['a sub longer than 128 characters', { Authorization: `Bearer ${signToken({ sub: 'a'.repeat(129) })}` }],
      ['an HS512 token with the right secret', { Authorization: `Bearer ${new JwtService({ secret: JWT_SECRET }).sign({ sub: 'alice' }, { algorithm: 'HS512' })}` }],
      ['a non-bearer scheme', { Authorization: `Basic ${tokenFor('alice')}` }],
    ])('answers 401 to %s', async (_label, headers: Record<string, string>) => {
      const response = await jobsWith(headers);

      expect(response.status).toBe(401);
      const body = await readProblem(response);
      expect(body.status).toBe(401);
      expect(body.code).toMatch(/^(AUTH_REQUIRED|TOKEN_EXPIRED|TOKEN_INVALID)$/);
      expect(body.detail.length).toBeGreaterThan(0);
    });

    it.each([
      ['no token', () => ({}), TOKEN_REJECTIONS.missing],
      ['a token without exp', () => ({ Authorization: `Bearer ${signExactly({ sub: 'alice' })}` }), TOKEN_REJECTIONS.noExpiry],
      ['a token without exp or iat', () => ({ Authorization: `Bearer ${signExactly({ sub: 'alice' }, { noTimestamp: true })}` }), TOKEN_REJECTIONS.noExpiry],
      ['a token with exp in the year 2200', () => ({ Authorization: `Bearer ${signToken({ sub: 'alice', exp: 7_258_118_400 })}` }), TOKEN_REJECTIONS.tooLong],
      ['a token living 8 days from now', () => ({ Authorization: `Bearer ${signToken({ sub: 'alice', exp: now() + 8 * DAY })}` }), TOKEN_REJECTIONS.tooLong],
      [
        'a token whose exp - iat is 8 days (6 of them already past)',
        () => ({ Authorization: `Bearer ${signToken({ sub: 'alice', iat: now() - 6 * DAY, exp: now() + 2 * DAY })}` }),
        TOKEN_REJECTIONS.tooLong,
      ],
      ['a token expired beyond the 30 s tolerance', () => ({ Authorization: `Bearer ${signToken({ sub: 'alice', exp: now() - 60 })}` }), TOKEN_REJECTIONS.expired],
      ['a token not valid before tomorrow', () => ({ Authorization: `Bearer ${signToken({ sub: 'alice', nbf: now() + DAY })}` }), TOKEN_REJECTIONS.notYetValid],
      ['a token signed with another secret', () => ({ Authorization: `Bearer ${signToken({ sub: 'alice' }, 'another-secret-that-is-also-32-characters')}` }), TOKEN_REJECTIONS.invalid],
      [
        'an HS512 token with the right secret',
        () => ({ Authorization: `Bearer ${signExactly({ sub: 'alice', exp: now() + 3600 }, { algorithm: 'HS512' })}` }),
        TOKEN_REJECTIONS.invalid,
      ],
      ['an alg=none token', () => ({ Authorization: `Bearer ${unsignedToken({ sub: 'alice', iat: now(), exp: now() + 3600 })}` }), TOKEN_REJECTIONS.invalid],
      ['a token without sub', () => ({ Authorization: `Bearer ${signToken({ name: 'alice' })}` }), 'The token subject is not a valid user id'],
    ])('answers 401 to %s, saying why', async (_label, headers: () => Record<string, string>, message) => {
      expect(await rejection(await jobsWith(headers()))).toBe(message);
    });

    it.each([
      ['exactly the maximum lifetime', () => signToken({ sub: 'alice', iat: now(), exp: now() + 7 * DAY })],
      ['expired 5 s ago, within the clock tolerance', () => signToken({ sub: 'alice', exp: now() - 5 })],
      ['an iss and aud while neither is configured', () => signToken({ sub: 'alice', iss: 'anyone', aud: 'anything' })],
    ])('lets a token through with %s', async (_label, token: () => string) => {
      expect((await jobsWith({ Authorization: `Bearer ${token()}` })).status).toBe(200);
    });

    it('applies the same rules to the notification stream token', async () => {
      expect(await streamStatus(`&access_token=${signExactly({ sub: 'alice' })}`)).toBe(401);
      expect(await streamStatus(`&access_token=${signToken({ sub: 'alice', exp: now() + 8 * DAY })}`)).toBe(401);
    });

    it('does not take ?access_token= on /v1/jobs, but takes the access_token cookie there', async () => {
      expect((await fetch(`${api.base}/v1/jobs?access_token=${tokenFor('alice')}`)).status).toBe(401);
      expect((await jobsWith({ Cookie: `access_token=${tokenFor('alice')}` })).status).toBe(200);
    });

    it('counts a signed access_token cookie as absent while SESSION_SECRET is unset', async () => {
      const signed = `access_token=${encodeURIComponent(`s:${sign(tokenFor('alice'), 'whatever-secret-the-login-service-has')}`)}`;
      expect(await rejection(await jobsWith({ Cookie: signed }))).toBe(TOKEN_REJECTIONS.missing);
      expect(await streamStatus('', { Cookie: signed })).toBe(401);
    });

    it('takes the user from the userId claim (what the login service mints) as from sub', async () => {
      expect((await jobsWith({ Authorization: `Bearer ${signToken({ userId: 'alice', sessionId: '0123456789abcdef' })}` })).status).toBe(200);
      expect((await jobsWith({ Authorization: `Bearer ${signToken({ userId: 'alice', sub: 'alice' })}` })).status).toBe(200);
      expect(await rejection(await jobsWith({ Authorization: `Bearer ${signToken({ userId: 'alice', sub: 'bob' })}` }))).toBe(TOKEN_REJECTIONS.subject);
      expect(await rejection(await jobsWith({ Authorization: `Bearer ${signToken({ userId: 42 })}` }))).toBe(TOKEN_REJECTIONS.subject);
      expect(await rejection(await jobsWith({ Authorization: `Bearer ${signToken({ userId: 'a/b' })}` }))).toBe(TOKEN_REJECTIONS.subject);
    });

    it('takes ?access_token= on the notification stream', async () => {
      expect(await streamStatus(`&access_token=${tokenFor('alice')}`)).toBe(200);
    });

    it('takes the access_token cookie on the notification stream', async () => {
      expect(await streamStatus('', { Cookie: `theme=dark; access_token=${encodeURIComponent(tokenFor('alice'))}; other=1` })).toBe(200);
    });

    it('refuses the stream without a token, or with an invalid query token', async () => {
      expect(await streamStatus('')).toBe(401);
      expect(await streamStatus('&access_token=garbage')).toBe(401);
      expect(await streamStatus(`&access_token=${signToken({ sub: 'alice' }, 'another-secret-that-is-also-32-characters')}`)).toBe(401);
    });
  });

  describe('with JWT_ISSUER, a JWT_AUDIENCE list, a 1 h JWT_MAX_TTL_SECONDS and no clock tolerance', () => {
    const ISSUER = 'https://auth.graphnode.example';
    let strict: ApiTestApp;

    beforeAll(async () => {
      strict = await bootApiTestApp('auth_strict', {
        aws: api.aws,
        env: { JWT_ISSUER: ISSUER, JWT_AUDIENCE: 'graphnode-api, graphnode-sse', JWT_MAX_TTL_SECONDS: '3600', JWT_CLOCK_TOLERANCE_SECONDS: '0' },
      });
    });

    afterAll(async () => {
      await strict?.close();
    });

    const jobsOnStrict = (claims: Record<string, unknown>) => fetch(`${strict.base}/v1/jobs`, { headers: { Authorization: `Bearer ${signToken(claims)}` } });

    it.each([
      ['the issuer and the first audience', { iss: ISSUER, aud: 'graphnode-api' }],
      ['the second audience of the list', { iss: ISSUER, aud: 'graphnode-sse' }],
      ['an aud array holding an accepted audience', { iss: ISSUER, aud: ['elsewhere', 'graphnode-api'] }],
    ])('lets a token through with %s', async (_label, claims: Record<string, unknown>) => {
      expect((await jobsOnStrict({ sub: 'alice', ...claims })).status).toBe(200);
    });

    it.each([
      ['no iss', { aud: 'graphnode-api' }, TOKEN_REJECTIONS.issuer],
      ['another iss', { iss: 'https://evil.example', aud: 'graphnode-api' }, TOKEN_REJECTIONS.issuer],
      ['no aud', { iss: ISSUER }, TOKEN_REJECTIONS.audience],
      ['another aud', { iss: ISSUER, aud: 'graphnode-admin' }, TOKEN_REJECTIONS.audience],
      ['a 2 h lifetime', { iss: ISSUER, aud: 'graphnode-api', exp: now() + 7200 }, TOKEN_REJECTIONS.tooLong],
      ['an exp 5 s ago (no tolerance)', { iss: ISSUER, aud: 'graphnode-api', exp: now() - 5 }, TOKEN_REJECTIONS.expired],
    ])('answers 401 to a token with %s, without naming what is expected', async (_label, claims: Record<string, unknown>, message) => {
      const answer = await rejection(await jobsOnStrict({ sub: 'alice', ...claims }));
      expect(answer).toBe(message);
      expect(answer).not.toMatch(/graphnode/);
    });
  });
});
