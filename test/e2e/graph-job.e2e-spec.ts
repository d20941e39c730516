import { JwtService } from '@nestjs/jwt';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FIXTURES_DIR } from '../../libs/queue-contracts/test/golden-contract';
import { type Pipeline, startPipeline } from '../support/pipeline';
import { SseClient } from '../support/sse-client';

const CONVERSATIONS = readFileSync(resolve(FIXTURES_DIR, 'files/conversations.json'));
const JWT_SECRET = 'e2e-secret-that-is-at-least-32-characters';
const jwt = new JwtService({ secret: JWT_SECRET });

/**
 * The whole pipeline as it runs in production (test/support/pipeline: api,
 * worker and the AI simulator as separate processes over real Postgres, Redis
 * and the SQS/S3 emulator, or the embedded default outside CI).
 */
describe('graph job end to end', () => {
  let pipeline: Pipeline;
  let base: string;
  const token = (userId: string) => jwt.sign({ sub: userId }, { expiresIn: '1h' });

  beforeAll(async () => {
    pipeline = await startPipeline('e2e', { api: { JWT_SECRET, MAX_UPLOAD_BYTES: '65536' } });
    base = pipeline.base;
  }, 60000);

  afterAll(() => pipeline?.destroy(), 30000);

  const post = (userId: string, body: string | Buffer, type = 'application/json') =>
    fetch(`${base}/v1/graph-ai/test/generate-json`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token(userId)}`, 'Content-Type': type },
      body,
    });
  /** The keys under `prefix` once they are gone (the worker deletes them just after its commit), or what is left after 5 s. */
  const keysSoonGone = async (prefix: string) => {
    for (let waited = 0; ; waited += 100) {
      const keys = await pipeline.aws.listKeys(prefix);
      if (keys.length === 0 || waited >= 5000) return keys;
      await new Promise((done) => setTimeout(done, 100));
    }
  };
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
    // Once the graph is stored, the job's files are deleted (WORKER_JOB_FILES_RETENTION_SECONDS=0): its input and the AI's result.
    expect(await keysSoonGone(`graph-generation/${accepted.taskId}/`)).toEqual([]);
    expect(await keysSoonGone(`graph-results/${accepted.taskId}/`)).toEqual([]);

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
    expect(await pipeline.aws.listKeys(`graph-generation/task_${user}_`)).toEqual([]);
  });

  it('refuses requests without a valid token', async () => {
    expect((await fetch(`${base}/v1/graph`)).status).toBe(401);
    expect((await fetch(`${base}/v1/graph`, { headers: { Authorization: 'Bearer nope' } })).status).toBe(401);
  });

  it('stops every process cleanly on SIGTERM', async () => {
    const codes = await pipeline.stop();
    expect(codes).toEqual(pipeline.processes.map(() => 0));
  });
});
