import { Agent, request } from 'node:http';
import { JobEventsRepository, JobsRepository } from '@app/database';
import { type ApiTestApp, bearer, bootApiTestApp, drainQueue, MAX_UPLOAD_BYTES, readProblem, tokenFor } from '../../test/api-test-app';
import { GENERATE_JSON_PATH, GraphAiController } from './graph-ai.controller';

/** A body streamed without Content-Length (Transfer-Encoding: chunked). */
function chunked(total: number, chunkSize = 8192): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) {
        controller.close();
        return;
      }
      const size = Math.min(chunkSize, total - sent);
      const chunk = new Uint8Array(size).fill(0x20);
      if (sent === 0) chunk[0] = 0x5b; // '['
      sent += size;
      if (sent >= total) chunk[size - 1] = 0x5d; // ']'
      controller.enqueue(chunk);
    },
  });
}

/** A request body written chunk by chunk (chunked encoding) on `agent`; times out after 3 s without an answer. */
function send(agent: Agent, url: string, method: string, chunks: readonly Buffer[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, agent, headers: { Authorization: `Bearer ${tokenFor('keep-alive')}` }, timeout: 3000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`${method} ${url}: no answer within 3 s`)));
    outgoing.on('error', reject);
    for (const chunk of chunks) outgoing.write(chunk);
    outgoing.end();
  });
}

interface BadInput {
  readonly label: string;
  readonly body: () => string | ReadableStream<Uint8Array>;
  readonly status: number;
  readonly code: string;
  readonly details?: RegExp;
}

const BAD_INPUTS: readonly BadInput[] = [
  { label: 'not JSON', body: () => '[{"id": "c1", ', status: 400, code: 'INVALID_JSON' },
  { label: 'a JSON object', body: () => '{"id":"c1","mapping":{}}', status: 400, code: 'NOT_AN_ARRAY' },
  { label: 'an empty array', body: () => '[]', status: 400, code: 'INVALID_CONVERSATIONS', details: /empty/ },
  {
    // Without an id it gets a derived one (the SDK's AiInputData has none); the missing mapping is what is refused.
    label: 'an array of non-conversations',
    body: () => JSON.stringify([{ title: 'no id, no mapping' }]),
    status: 400,
    code: 'INVALID_CONVERSATIONS',
    details: /^\[0\]\.mapping/,
  },
  {
    label: 'a conversation whose mapping node has a numeric id',
    body: () => JSON.stringify([{ id: 'c1', title: 't', create_time: null, update_time: null, mapping: { n1: { id: 7, message: null, parent: null, children: [] } } }]),
    status: 400,
    code: 'INVALID_CONVERSATIONS',
    details: /mapping.*id|id.*string/,
  },
  { label: 'empty', body: () => '', status: 400, code: 'EMPTY_BODY' },
  { label: 'too large by Content-Length', body: () => `[${' '.repeat(MAX_UPLOAD_BYTES)}]`, status: 413, code: 'BODY_TOO_LARGE' },
  { label: 'too large while streamed (chunked)', body: () => chunked(MAX_UPLOAD_BYTES * 2), status: 413, code: 'BODY_TOO_LARGE' },
];

describe(GraphAiController.name, () => {
  let api: ApiTestApp;
  let jobs: JobsRepository;
  let events: JobEventsRepository;

  beforeAll(async () => {
    api = await bootApiTestApp('graph_ai_bad');
    jobs = api.app.get(JobsRepository);
    events = api.app.get(JobEventsRepository);
  });

  afterAll(async () => {
    await api?.close();
  });

  describe('generateJson', () => {
    it.each(BAD_INPUTS.map((input, index) => [input.label, index, input] as const))(
      'refuses a body that is %s and leaves no object, job or message behind',
      async (_label, index, input) => {
        const user = `bad-${index}`;
        const response = await fetch(`${api.base}${GENERATE_JSON_PATH}`, {
          method: 'POST',
          headers: { ...bearer(user), 'Content-Type': 'application/json' },
          body: input.body(),
          duplex: 'half',
        });

        expect(response.status).toBe(input.status);
        const problem = await readProblem(response);
        expect(problem.code).toBe(input.code);
        expect(problem.detail).toEqual(expect.any(String));
        expect(problem.detail.length).toBeGreaterThan(0);
        if (input.details) {
          expect(problem.errors).toEqual(expect.arrayContaining([expect.stringMatching(input.details)]));
        } else {
          expect(problem.errors).toBeUndefined();
        }

        expect(await api.aws.listKeys(`graph-generation/task_${user}_`)).toEqual([]);
        expect(await jobs.listForUser(user, { limit: 10 })).toEqual([]);
        expect(await events.listForUser(user)).toEqual([]);
        expect(await drainQueue(api.aws)).toEqual([]);
      },
    );

    /*
     * Node's default keep-alive agent, one socket: the second request must reuse
     * the connection the refusal was answered on and still get an answer.
     */
    it.each([
      ['refused as invalid JSON', [Buffer.from('{')]],
      ['refused as too large while streamed', Array.from({ length: 20 }, () => Buffer.alloc(8192, 0x20))],
    ])('answers the next request on a keep-alive connection whose upload was %s', async (_label, chunks) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const refused = await send(agent, `${api.base}${GENERATE_JSON_PATH}`, 'POST', chunks);
        expect(refused.status).toBeGreaterThanOrEqual(400);
        const next = await send(agent, `${api.base}/health/live`, 'GET', []);
        expect(next).toEqual({ status: 200, body: '{"status":"ok"}' });
      } finally {
        agent.destroy();
      }
    });
  });
});
