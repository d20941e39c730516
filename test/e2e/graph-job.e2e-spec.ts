import { JwtService } from '@nestjs/jwt';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { FIXTURES_DIR } from '../../libs/queue-contracts/test/golden-contract';
import { createTestAwsResources, TEST_CREDENTIALS, TEST_REGION, type TestAwsResources } from '../support/test-aws';
import { NodeProcess } from '../support/node-process';
import { createTestDatabase } from '../support/test-postgres';
import { reachableRedisUrl } from '../support/test-redis';
import { SseClient } from '../support/sse-client';

const CONVERSATIONS = readFileSync(resolve(FIXTURES_DIR, 'files/conversations.json'));
const JWT_SECRET = 'e2e-secret-that-is-at-least-32-characters';
const jwt = new JwtService({ secret: JWT_SECRET });

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
    server.once('error', fail);
  });
}

/**
 * The whole pipeline as it runs in production: api, worker and the AI
 * simulator as separate processes over real Postgres, Redis and the SQS/S3
 * emulator. Without Postgres and Redis (outside CI) it runs the embedded
 * default instead: api and worker in one process over PGlite.
 */
describe('graph job end to end', () => {
  let aws: TestAwsResources;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let base: string;
  const processes: NodeProcess[] = [];
  const token = (userId: string) => jwt.sign({ sub: userId }, { expiresIn: '1h' });

  beforeAll(async () => {
    aws = await createTestAwsResources('e2e');
    database = await createTestDatabase('e2e');
    const redisUrl = await reachableRedisUrl();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const shared = {
      AWS_ENDPOINT_URL: aws.endpoint,
      AWS_REGION: TEST_REGION,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      S3_PAYLOAD_BUCKET: aws.bucket,
      SQS_REQUEST_QUEUE_URL: aws.requestQueueUrl,
      SQS_RESULT_QUEUE_URL: aws.resultQueueUrl,
    };
    const api = { ...shared, PORT: String(port), HOST: '127.0.0.1', JWT_SECRET, WORKER_WAIT_TIME_SECONDS: '1', MAX_UPLOAD_BYTES: '65536' };
    processes.push(new NodeProcess('ai-simulator', 'dist/apps/ai-simulator/apps/ai-simulator/src/main.js', { ...shared, AI_SIMULATOR_STEP_DELAY_MS: '50' }));
    if (database && redisUrl) {
      const services = { DATABASE_URL: database.url, REDIS_URL: redisUrl };
      processes.push(new NodeProcess('api', 'dist/apps/api/apps/api/src/main.js', { ...api, ...services }));
      processes.push(new NodeProcess('worker', 'dist/apps/worker/apps/worker/src/main.js', { ...shared, ...services, WORKER_WAIT_TIME_SECONDS: '1' }));
    } else {
      processes.push(new NodeProcess('api+worker', 'dist/apps/local/apps/local/src/main.js', api));
    }
    await processes[1].waitForHttp(`${base}/health/ready`);
    if (processes[2]) await processes[2].waitForOutput(/worker consuming/);
  }, 60000);

  afterAll(async () => {
    await Promise.all(processes.map((child) => child.stop()));
    aws?.destroy();
    await database?.drop();
  }, 30000);

  const post = (userId: string, body: string | Buffer, type = 'application/json') =>
    fetch(`${base}/v1/graph-ai/test/generate-json`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token(userId)}`, 'Content-Type': type },
      body,
    });
  const get = (userId: string, path: string) => fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token(userId)}` } });

  it('takes a ChatGPT export from the POST to a COMPLETED event and a stored graph', async () => {
    const stream = new SseClient(`${base}/v1/notifications/stream?since=0&access_token=${token('alice')}`);
    const strangerStream = new SseClient(`${base}/v1/notifications/stream?since=0`, { Authorization: `Bearer ${token('mallory')}` });
    await Promise.all([stream.opened, strangerStream.opened]);

    const response = await post('alice', CONVERSATIONS);
    expect(response.status).toBe(202);
    const accepted = (await response.json()) as { message: string; taskId: string; status: string };
    expect(accepted.status).toBe('queued');
    expect(accepted.taskId).toMatch(/^task_alice_[0-9A-Z]{26}$/);
    expect(accepted.message.length).toBeGreaterThan(0);

    const completed = await stream.waitFor((frame) => frame.type === 'GRAPH_GENERATION_COMPLETED' && frame.payload.taskId === accepted.taskId);
    const types = stream.frames.filter((frame) => frame.payload.taskId === accepted.taskId).map((frame) => frame.type);
    expect(types[0]).toBe('GRAPH_GENERATION_REQUESTED');
    expect(types).toContain('GRAPH_GENERATION_PROGRESS_UPDATED');
    expect(types[types.length - 1]).toBe('GRAPH_GENERATION_COMPLETED');
    const ids = stream.frames.map((frame) => BigInt(frame.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : 1)));
    expect(completed.payload).toMatchObject({ taskId: accepted.taskId, status: 'SUCCEEDED', nodes: 2 });

    const job = (await (await get('alice', `/v1/jobs/${accepted.taskId}`)).json()) as { status: string; progress: { percent: number } };
    expect(job).toMatchObject({ status: 'SUCCEEDED', progress: { percent: 100 } });
    const graph = (await (await get('alice', '/v1/graph')).json()) as { nodes: { origId: string }[]; edges: unknown[] };
    expect(graph.nodes.map((node) => node.origId).sort()).toEqual(['67a4e0b1-6c3d-800b-8f2e-1d9a5b7c3e01', '67a4e7c9-2f80-800b-a4d1-8b3c6e2f9a52']);
    expect(await aws.listKeys(`graph-generation/${accepted.taskId}/`)).toEqual([`graph-generation/${accepted.taskId}/input.json`]);

    expect(strangerStream.frames).toEqual([]);
    expect((await get('mallory', `/v1/jobs/${accepted.taskId}`)).status).toBe(404);
    expect((await get('mallory', '/v1/graph')).status).toBe(404);
    stream.close();
    strangerStream.close();
  });

  it.each([
    ['not JSON', '{"oops', 400, 'INVALID_JSON'],
    ['not an array', '{"title":"x"}', 400, 'NOT_AN_ARRAY'],
    ['not conversations', '[{"hello":"world"}]', 400, 'INVALID_CONVERSATIONS'],
    ['empty', '', 400, 'EMPTY_BODY'],
    ['too large', `[${' '.repeat(70000)}]`, 413, 'BODY_TOO_LARGE'],
  ])('refuses a body that is %s and leaves nothing behind', async (_label, body, status, code) => {
    const user = `bad-${code.toLowerCase()}`;
    const response = await post(user, body);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await response.json()) as { code: string; status: number; detail: string };
    expect(problem).toMatchObject({ code, status });
    expect(problem.detail.length).toBeGreaterThan(0);
    expect(await (await get(user, '/v1/jobs')).json()).toEqual({ jobs: [] });
    expect(await aws.listKeys(`graph-generation/task_${user}_`)).toEqual([]);
  });

  it('refuses requests without a valid token', async () => {
    expect((await fetch(`${base}/v1/graph`)).status).toBe(401);
    expect((await fetch(`${base}/v1/graph`, { headers: { Authorization: 'Bearer nope' } })).status).toBe(401);
  });

  it('stops every process cleanly on SIGTERM', async () => {
    const codes = await Promise.all(processes.map((child) => child.stop()));
    expect(codes).toEqual(processes.map(() => 0));
  });
});
