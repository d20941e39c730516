import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { JobEventsRepository, JobsRepository } from '@app/database';
import { type JobEvent, jobEventChannel, JobEventPublisher, JobEventsModule, JobLedger } from '@app/job-events';
import Redis from 'ioredis';
import { reachableRedisUrl } from '../../../../test/support/test-redis';
import { SseClient } from '../../../../test/support/sse-client';
import { type ApiTestApp, bearer, bootApiTestApp, sleep } from '../../test/api-test-app';

/** Long enough that no heartbeat catch-up happens while a case waits. */
const HEARTBEAT_MS = 30000;

/** What the worker side runs: the real Redis publisher of one namespace. */
async function workerPublisher(redisUrl: string, namespace: string) {
  const moduleRef = await Test.createTestingModule({ imports: [JobEventsModule.forRoot({ redisUrl, namespace })] })
    .overrideProvider(JobLedger)
    .useValue({})
    .compile();
  await moduleRef.init();
  return { publisher: moduleRef.get(JobEventPublisher), close: () => moduleRef.close() };
}

describe('job-event notices over Redis', () => {
  let redisUrl: string | undefined;
  let api: ApiTestApp;
  const namespace = `test-${randomBytes(4).toString('hex')}`;
  const clients: SseClient[] = [];

  beforeAll(async () => {
    redisUrl = await reachableRedisUrl();
    api = await bootApiTestApp('notices', {
      env: { SSE_HEARTBEAT_MS: String(HEARTBEAT_MS), JOB_EVENTS_NAMESPACE: namespace, ...(redisUrl ? { REDIS_URL: redisUrl } : {}) },
    });
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await api?.close();
  });

  async function openStream(userId: string): Promise<SseClient> {
    await api.app.get(JobsRepository).create({ taskId: `task_${userId}`, userId, kind: 'GRAPH_GENERATION', status: 'QUEUED', inputKey: `graph-generation/task_${userId}/` });
    const stream = new SseClient(`${api.base}/v1/notifications/stream?since=0`, bearer(userId));
    clients.push(stream);
    await stream.opened;
    await sleep(200);
    return stream;
  }

  function logEvent(userId: string): Promise<JobEvent> {
    return api.app.get(JobEventsRepository).append({ taskId: `task_${userId}`, userId, type: 'GRAPH_GENERATION_FAILED', payload: { taskId: `task_${userId}`, status: 'FAILED' } });
  }

  it('runs against a real Redis (CI requires one; without it the api has no Redis transport)', () => {
    if (!redisUrl) {
      console.warn('Redis is not reachable: the api runs on the in-process hub, and these cases have nothing to cross');
      expect(api.app.getMicroservices()).toHaveLength(0);
      return;
    }
    expect(api.app.getMicroservices()).toHaveLength(1);
  });

  it('a notice from this deployment brings the event from the log at once', async () => {
    if (!redisUrl) return;
    const stream = await openStream(`notice-${namespace}`);
    const worker = await workerPublisher(redisUrl, namespace);
    try {
      const event = await logEvent(`notice-${namespace}`);
      await worker.publisher.publish(event);
      await stream.waitFor((frame) => frame.id === event.id, 3000);
      expect(stream.frames.map((frame) => frame.id)).toEqual([event.id]);
    } finally {
      await worker.close();
    }
  });

  it('ignores notices of another deployment sharing the Redis', async () => {
    if (!redisUrl) return;
    const userId = `other-${namespace}`;
    const stream = await openStream(userId);
    const other = await workerPublisher(redisUrl, `${namespace}-other`);
    try {
      await other.publisher.publish(await logEvent(userId));
      await sleep(1500);
      expect(stream.frames).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('writes nothing a raw message on the channel claims, and later real events still arrive', async () => {
    if (!redisUrl) return;
    const userId = `forged-${namespace}`;
    const stream = await openStream(userId);
    const redis = new Redis(redisUrl);
    const worker = await workerPublisher(redisUrl, namespace);
    try {
      const channel = jobEventChannel(namespace);
      const forged = { id: '9000000000000000000', userId, taskId: `task_${userId}`, type: 'GRAPH_GENERATION_COMPLETED', payload: {}, timestamp: new Date().toISOString() };
      for (const data of [forged, 'not json at all', { userId: 42 }]) {
        await redis.publish(channel, typeof data === 'string' ? data : JSON.stringify({ pattern: channel, data }));
      }
      await sleep(500);
      expect(stream.frames).toEqual([]);

      const real = await logEvent(userId);
      await worker.publisher.publish(real);
      await stream.waitFor((frame) => frame.id === real.id, 3000);
      expect(stream.frames.map((frame) => frame.id)).toEqual([real.id]);
    } finally {
      redis.disconnect();
      await worker.close();
    }
  });
});
