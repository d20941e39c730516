import { freePort } from '../../../../test/support/free-port';
import { reachableRedisUrl } from '../../../../test/support/test-redis';
import { type ApiTestApp, bootApiTestApp, readProblem } from '../../test/api-test-app';
import { PROBE_TIMEOUT_MS } from './dependency-probes';
import { HealthController } from './health.controller';

describe(HealthController.name, () => {
  let api: ApiTestApp;
  let redisUrl: string | undefined;

  beforeAll(async () => {
    redisUrl = await reachableRedisUrl();
    api = await bootApiTestApp('health', { env: redisUrl ? { REDIS_URL: redisUrl } : {} });
  });

  afterAll(async () => {
    await api?.close();
  });

  describe('live', () => {
    it('answers 200 without a token', async () => {
      const response = await fetch(`${api.base}/health/live`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
    });
  });

  describe('healthz', () => {
    it("answers 200 {ok: true} without a token, as the web client's SDK expects", async () => {
      const response = await fetch(`${api.base}/healthz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ ok: true });
    });
  });

  describe('ready', () => {
    it('answers 200 naming every dependency a request needs, each up', async () => {
      const response = await fetch(`${api.base}/health/ready`);

      expect(response.status).toBe(200);
      const body = (await response.json()) as { status: string; details: Record<string, { status: string }> };
      expect(body.status).toBe('ok');
      const expected = ['database', 'queue', 'storage', ...(redisUrl ? ['events'] : [])].sort();
      expect(Object.keys(body.details).sort()).toEqual(expected);
      for (const name of expected) expect(body.details[name]).toEqual({ status: 'up' });
    });

    it('answers 503 within the probe timeout, naming S3 and SQS (not the database) as down, while the AWS endpoint is unreachable', async () => {
      const cut = await bootApiTestApp('health-cut', { aws: api.aws, env: { AWS_ENDPOINT_URL: `http://127.0.0.1:${await freePort()}` } });
      try {
        const started = Date.now();
        const response = await fetch(`${cut.base}/health/ready`);

        expect(Date.now() - started).toBeLessThan(PROBE_TIMEOUT_MS + 1000);
        expect(response.status).toBe(503);
        expect(await readProblem(response)).toMatchObject({
          status: 503,
          code: 'NOT_READY',
          detail: 'Not ready: queue, storage are down',
          errors: ['queue is down', 'storage is down'],
          retryable: true,
        });
      } finally {
        await cut.close();
      }
    });
  });
});
