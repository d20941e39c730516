import { GetObjectCommand } from '@aws-sdk/client-s3';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { JobEventsRepository, JobsRepository } from '@app/database';
import { createTestAwsResources, type TestAwsResources } from '../../../../test/support/test-aws';
import { FIXTURES_DIR, type GoldenEnvelope, readGoldenEnvelope, GOLDEN_FILLS } from '../../../../libs/queue-contracts/test/golden-contract';
import { type ApiTestApp, bearer, bootApiTestApp, drainQueue, readProblem } from '../../test/api-test-app';
import { macroIdOf } from '../graph/macro-id';
import { derivedConversationId } from '../http/chat-export-body';
import { GENERATE_JSON_PATH, GraphAiController } from './graph-ai.controller';

const CONVERSATIONS = readFileSync(path.join(FIXTURES_DIR, 'files/conversations.json'));

interface Accepted {
  message: string;
  taskId: string;
  status: string;
  macroId: string;
}

describe(GraphAiController.name, () => {
  let aws: TestAwsResources;
  let api: ApiTestApp;
  let jobs: JobsRepository;

  beforeAll(async () => {
    aws = await createTestAwsResources('api-graph-ai');
    api = await bootApiTestApp('graph_ai', { aws });
    jobs = api.app.get(JobsRepository);
  });

  afterAll(async () => {
    await api?.close();
    aws?.destroy();
  });

  const post = (base: string, userId: string, body: Buffer | string, query = '') =>
    fetch(`${base}${GENERATE_JSON_PATH}${query}`, {
      method: 'POST',
      headers: { ...bearer(userId), 'Content-Type': 'application/json' },
      body,
    });

  /** The golden request for `userId` and `taskId` (the golden's own task id replaced by ours). */
  function goldenRequest(userId: string, taskId: string): GoldenEnvelope {
    const golden = readGoldenEnvelope('requests/graph-generation.json', { ...GOLDEN_FILLS, userId, payloadBucket: aws.bucket });
    return JSON.parse(JSON.stringify(golden).split(golden.taskId).join(taskId)) as GoldenEnvelope;
  }

  describe('generateJson', () => {
    it('answers 202, stores the body as sent, opens a QUEUED job and sends the golden request message', async () => {
      const response = await post(api.base, 'alice', CONVERSATIONS);

      expect(response.status).toBe(202);
      const accepted = (await response.json()) as Accepted;
      expect(accepted).toEqual({
        message: expect.any(String) as unknown,
        taskId: expect.stringMatching(/^task_alice_[0-9A-Z]{26}$/) as unknown,
        status: 'queued',
        macroId: macroIdOf('alice'),
      });

      const stored = await aws.s3.send(new GetObjectCommand({ Bucket: aws.bucket, Key: `graph-generation/${accepted.taskId}/input.json` }));
      const bytes = Buffer.from(await stored.Body!.transformToByteArray());
      expect(bytes.equals(CONVERSATIONS)).toBe(true);
      expect(await aws.listKeys(`graph-generation/${accepted.taskId}/`)).toEqual([`graph-generation/${accepted.taskId}/input.json`]);

      const job = await jobs.findById(accepted.taskId);
      expect(job).toMatchObject({ userId: 'alice', kind: 'GRAPH_GENERATION', status: 'QUEUED', inputKey: `graph-generation/${accepted.taskId}/` });

      const messages = await drainQueue(aws);
      expect(messages).toHaveLength(1);
      const sent = JSON.parse(messages[0]) as GoldenEnvelope;
      const { timestamp: expectedTimestamp, ...expected } = goldenRequest('alice', accepted.taskId);
      const { timestamp, ...rest } = sent;
      expect(rest).toEqual(expected);
      expect(typeof expectedTimestamp).toBe('string');
      expect(timestamp).toMatch(/Z$/);
      expect(Number.isNaN(Date.parse(timestamp))).toBe(false);
    });

    it('keeps the body byte for byte, also when it is not pretty JSON and contains non-ASCII text', async () => {
      const body = Buffer.from(JSON.stringify(JSON.parse(CONVERSATIONS.toString('utf8'))).replace('Tomato seedlings', 'Semis de tomates \u{1F345}'), 'utf8');
      expect(body.toString('utf8')).toContain('Semis de tomates \u{1F345}');
      const response = await post(api.base, 'carol', body);
      expect(response.status).toBe(202);
      const { taskId } = (await response.json()) as Accepted;
      const stored = await aws.s3.send(new GetObjectCommand({ Bucket: aws.bucket, Key: `graph-generation/${taskId}/input.json` }));
      expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(body)).toBe(true);
      expect(await drainQueue(aws)).toHaveLength(1);
    });

    it('stores conversations sent without id (the SDK\'s AiInputData) with derived ids, the same ones for the same upload', async () => {
      const [first, second] = JSON.parse(CONVERSATIONS.toString('utf8')) as Record<string, unknown>[];
      const { id: _dropped, ...bare } = first;
      const upload = JSON.stringify([bare, second]);
      const stored: Record<string, unknown>[][] = [];
      for (const userId of ['frank', 'frank']) {
        const response = await post(api.base, userId, upload);
        expect(response.status).toBe(202);
        const { taskId } = (await response.json()) as Accepted;
        const object = await aws.s3.send(new GetObjectCommand({ Bucket: aws.bucket, Key: `graph-generation/${taskId}/input.json` }));
        stored.push(JSON.parse(await object.Body!.transformToString()) as Record<string, unknown>[]);
      }
      expect(stored[0]).toEqual([{ id: derivedConversationId(bare), ...bare }, second]);
      expect(stored[0][0].id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(stored[1]).toEqual(stored[0]);
      expect(await drainQueue(aws)).toHaveLength(2);
    });

    it('gives distinct conversations without id distinct ids, and refuses one sent twice with 400 DUPLICATE_ID', async () => {
      const [first, second] = (JSON.parse(CONVERSATIONS.toString('utf8')) as Record<string, unknown>[]).map(({ id: _id, ...rest }) => rest);
      const response = await post(api.base, 'grace', JSON.stringify([first, second]));
      expect(response.status).toBe(202);
      const { taskId } = (await response.json()) as Accepted;
      const object = await aws.s3.send(new GetObjectCommand({ Bucket: aws.bucket, Key: `graph-generation/${taskId}/input.json` }));
      const ids = (JSON.parse(await object.Body!.transformToString()) as { id: string }[]).map((conversation) => conversation.id);
      expect(new Set(ids).size).toBe(2);
      expect(await drainQueue(aws)).toHaveLength(1);

      const twice = await post(api.base, 'grace', JSON.stringify([first, second, first]));
      expect(twice.status).toBe(400);
      expect(await readProblem(twice)).toMatchObject({ code: 'DUPLICATE_ID', errors: ['[2].id repeats [0].id'] });
      const sameExplicitId = await post(api.base, 'grace', JSON.stringify([{ id: 'c1', ...first }, { id: 'c1', ...second }]));
      expect(await readProblem(sameExplicitId)).toMatchObject({ status: 400, code: 'DUPLICATE_ID', errors: ['[1].id repeats [0].id'] });
      expect(await drainQueue(aws)).toEqual([]);
    });

    it('sends includeSummary false when asked with ?includeSummary=false', async () => {
      const response = await post(api.base, 'bob', CONVERSATIONS, '?includeSummary=false');

      expect(response.status).toBe(202);
      const { taskId } = (await response.json()) as Accepted;
      const messages = await drainQueue(aws);
      expect(messages).toHaveLength(1);
      const sent = JSON.parse(messages[0]) as GoldenEnvelope;
      expect(sent.taskId).toBe(taskId);
      expect(sent.payload.includeSummary).toBe(false);
      expect((await jobs.findById(taskId))?.options).toMatchObject({ includeSummary: false });
    });

    it('refuses ?includeSummary=<not a boolean> with 400 and sends nothing', async () => {
      const response = await post(api.base, 'erin', CONVERSATIONS, '?includeSummary=maybe');

      expect(response.status).toBe(400);
      expect(await jobs.listForUser('erin', { limit: 10 })).toEqual([]);
      expect(await aws.listKeys('graph-generation/task_erin_')).toEqual([]);
      expect(await drainQueue(aws)).toEqual([]);
    });
  });

  describe('generateJson when the request queue is unavailable', () => {
    let broken: ApiTestApp;

    beforeAll(async () => {
      const missingQueue = `${aws.endpoint}/000000000000/no-such-queue-${Date.now()}`;
      broken = await bootApiTestApp('graph_ai_broken', { aws, env: { SQS_REQUEST_QUEUE_URL: missingQueue } });
    });

    afterAll(async () => {
      await broken?.close();
    });

    it('answers 503 QUEUE_UNAVAILABLE, fails the job, logs REQUESTED then FAILED and removes the upload', async () => {
      const response = await post(broken.base, 'dave', CONVERSATIONS);

      expect(response.status).toBe(503);
      const problem = await readProblem(response);
      expect(problem).toMatchObject({ status: 503, code: 'QUEUE_UNAVAILABLE', detail: expect.any(String) as unknown, retryable: true });

      const rows = await broken.app.get(JobsRepository).listForUser('dave', { limit: 10 });
      expect(rows).toHaveLength(1);
      expect(rows.filter((row) => row.status === 'QUEUED')).toEqual([]);
      const [job] = rows;
      expect(job).toMatchObject({ status: 'FAILED', errorCode: 'QUEUE_UNAVAILABLE', kind: 'GRAPH_GENERATION' });
      expect(job.finishedAt).toBeInstanceOf(Date);

      expect(await aws.listKeys(`graph-generation/${job.taskId}/`)).toEqual([]);
      expect(await aws.listKeys('graph-generation/task_dave_')).toEqual([]);

      const events = await broken.app.get(JobEventsRepository).listForJob(job.taskId);
      expect(events.map((event) => event.type)).toEqual(['GRAPH_GENERATION_REQUESTED', 'GRAPH_GENERATION_REQUEST_FAILED']);
      expect(events[1].payload).toMatchObject({ taskId: job.taskId, status: 'FAILED', errorCode: 'QUEUE_UNAVAILABLE', error: expect.any(String) as unknown });
      expect(BigInt(events[0].id) < BigInt(events[1].id)).toBe(true);

      expect(await drainQueue(aws)).toEqual([]);
    });
  });
});
