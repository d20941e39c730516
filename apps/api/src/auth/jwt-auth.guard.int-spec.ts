import { JwtService } from '@nestjs/jwt';
import { type ApiTestApp, bootApiTestApp, JWT_SECRET, signToken, tokenFor } from '../../test/api-test-app';
import { JwtAuthGuard } from './jwt-auth.guard';

const STREAM = '/v1/notifications/stream';

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
    it('lets a valid bearer token through', async () => {
      expect((await jobsWith({ Authorization: `Bearer ${tokenFor('valid.user@example-1')}` })).status).toBe(200);
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
      const body = (await response.json()) as { statusCode: number; message: string };
      expect(body.statusCode).toBe(401);
      expect(body.message.length).toBeGreaterThan(0);
    });

    it('does not take ?access_token= or the cookie on /v1/jobs', async () => {
      expect((await fetch(`${api.base}/v1/jobs?access_token=${tokenFor('alice')}`)).status).toBe(401);
      expect((await jobsWith({ Cookie: `access_token=${tokenFor('alice')}` })).status).toBe(401);
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
});
