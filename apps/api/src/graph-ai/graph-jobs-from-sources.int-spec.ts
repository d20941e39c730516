import { GetObjectCommand } from '@aws-sdk/client-s3';
import { ObjectStore } from '@app/aws';
import { GraphRepository, JobsRepository } from '@app/database';
import { parseEnvelope, parseGraphResult, TaskType } from '@app/queue-contracts';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ApiTestApp, bearer, bootApiTestApp, drainQueue, readProblem } from '../../test/api-test-app';
import { FIXTURES_DIR } from '../../../../libs/queue-contracts/test/golden-contract';
import { derivedConversationId } from '../http/chat-export-body';
import { GraphAiController } from './graph-ai.controller';

const CONVERSATIONS = readFileSync(resolve(FIXTURES_DIR, 'files/conversations.json'));
const GRAPH_FILE = JSON.parse(readFileSync(resolve(FIXTURES_DIR, 'files/graph-result.json'), 'utf8')) as unknown;

describe(GraphAiController.name, () => {
  let api: ApiTestApp;
  let user = 0;
  const nextUser = () => `src-user-${++user}`;

  beforeAll(async () => {
    api = await bootApiTestApp('sources');
  });

  afterAll(async () => {
    await api.close();
  });

  const post = (userId: string, path: string, body?: unknown, raw?: Buffer) =>
    fetch(`${api.base}${path}`, {
      method: 'POST',
      headers: { ...bearer(userId), 'Content-Type': 'application/json' },
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
  const object = async (key: string) =>
    JSON.parse(await (await api.aws.s3.send(new GetObjectCommand({ Bucket: api.aws.bucket, Key: key }))).Body!.transformToString()) as Record<string, unknown>;
  const storeGraph = async (userId: string, taskId: string) => {
    const parsed = parseGraphResult(GRAPH_FILE);
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    return api.app.get(GraphRepository).replace(userId, taskId, parsed.graph);
  };
  const importSources = async (userId: string) => {
    expect((await post(userId, '/v1/sources/conversations', undefined, CONVERSATIONS)).status).toBe(201);
    const notes = await post(userId, '/v1/sources/notes', { notes: [{ id: 'note-1', title: 'Garden', content: 'Tomatoes need sun' }] });
    expect(await notes.json()).toEqual({ imported: 1, ids: ['note-1'] });
  };
  const envelopesOnQueue = async () =>
    (await drainQueue(api.aws)).map((body) => {
      const parsed = parseEnvelope(body);
      if (!parsed.ok) throw new Error(parsed.error.reason);
      return parsed.envelope;
    });

  describe('generate', () => {
    it('answers 200 skipped when the user has no sources, and queues nothing', async () => {
      const response = await post(nextUser(), '/v1/graph-ai/generate', {});
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ message: expect.any(String) as unknown, status: 'skipped' });
      expect(await drainQueue(api.aws)).toEqual([]);
    });

    it('bundles every source (input.json and notes.json) and queues one request', async () => {
      const userId = nextUser();
      await importSources(userId);
      const response = await post(userId, '/v1/graph-ai/generate', { includeSummary: false });
      expect(response.status).toBe(202);
      const { taskId } = (await response.json()) as { taskId: string };
      const [envelope] = await envelopesOnQueue();
      expect(envelope.taskType).toBe(TaskType.GRAPH_GENERATION_REQUEST);
      expect(envelope.payload).toMatchObject({ userId, s3Key: `graph-generation/${taskId}/`, includeSummary: false });
      const input = JSON.parse(readFileSync(resolve(FIXTURES_DIR, 'files/conversations.json'), 'utf8')) as unknown[];
      expect(await object(`graph-generation/${taskId}/input.json`)).toEqual(input);
      expect(await object(`graph-generation/${taskId}/notes.json`)).toEqual({
        source_nodes: [{ id: 'note-1', title: 'Garden', sections: [{ id: 'note-1-0', content: 'Tomatoes need sun' }], source_type: 'markdown' }],
      });
      const job = await api.app.get(JobsRepository).findById(taskId);
      expect(job?.options).toMatchObject({ sourceIds: expect.arrayContaining([{ kind: 'note', id: 'note-1' }]) as unknown });
    });

    it('answers 409 naming the live job (taskId) while a graph job of the user is live, also to concurrent requests', async () => {
      const userId = nextUser();
      await importSources(userId);
      const responses = await Promise.all([1, 2, 3].map(() => post(userId, '/v1/graph-ai/generate', {})));
      expect(responses.map((r) => r.status).sort()).toEqual([202, 409, 409]);
      const accepted = responses.find((r) => r.status === 202)!;
      const { taskId } = (await accepted.json()) as { taskId: string };
      for (const refused of responses.filter((r) => r.status === 409)) {
        expect(await readProblem(refused)).toMatchObject({ code: 'JOB_ALREADY_RUNNING', taskId, detail: `Job ${taskId} is still running; wait for it to finish` });
      }
      const conflict = await readProblem(await post(userId, '/v1/graph-ai/generate', {}));
      expect(conflict).toMatchObject({ status: 409, code: 'JOB_ALREADY_RUNNING', taskId });
      expect(await envelopesOnQueue()).toHaveLength(1);
    });

    it('answers 409 before it streams a bundle: a refused request uploads nothing', async () => {
      const userId = nextUser();
      await importSources(userId);
      const { taskId } = (await (await post(userId, '/v1/graph-ai/generate', {})).json()) as { taskId: string };
      const putStream = jest.spyOn(api.app.get(ObjectStore), 'putStream');
      try {
        expect(await readProblem(await post(userId, '/v1/graph-ai/generate', {}))).toMatchObject({ status: 409, taskId });
        expect(putStream).not.toHaveBeenCalled();
        expect(await envelopesOnQueue()).toHaveLength(1);
      } finally {
        putStream.mockRestore();
      }
    });

    it('answers 409 with the running add-node job\'s taskId to a generate, and the running summary job\'s to a summary', async () => {
      const userId = nextUser();
      await storeGraph(userId, 'task_seed');
      await importSources(userId);
      const addNode = (await (await post(userId, '/v1/graph-ai/add-node')).json()) as { taskId: string };
      expect(await readProblem(await post(userId, '/v1/graph-ai/generate', {}))).toMatchObject({ status: 409, taskId: addNode.taskId });
      expect(await readProblem(await post(userId, '/v1/graph-ai/add-node'))).toMatchObject({ status: 409, taskId: addNode.taskId });
      const summary = (await (await post(userId, '/v1/graph-ai/summary')).json()) as { taskId: string };
      expect(summary.taskId).toMatch(/^summary_/);
      expect(await readProblem(await post(userId, '/v1/graph-ai/summary'))).toMatchObject({ status: 409, code: 'JOB_ALREADY_RUNNING', taskId: summary.taskId });
      expect(await envelopesOnQueue()).toHaveLength(2);
    });

    it('refuses a body that is not valid JSON or not the options', async () => {
      const userId = nextUser();
      const broken = await fetch(`${api.base}/v1/graph-ai/generate`, { method: 'POST', headers: { ...bearer(userId), 'Content-Type': 'application/json' }, body: '{"includeSummary":' });
      expect(broken.status).toBe(400);
      expect((await readProblem(broken)).code).toBe('INVALID_JSON');
      const wrong = await readProblem(await post(userId, '/v1/graph-ai/generate', { includeSummary: 'yes' }));
      expect(wrong).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', errors: [expect.stringMatching(/includeSummary/)] });
    });
  });

  describe('addNodes', () => {
    it('answers 404 without a graph and 200 skipped when nothing was imported since', async () => {
      const userId = nextUser();
      expect((await readProblem(await post(userId, '/v1/graph-ai/add-node'))).code).toBe('GRAPH_NOT_FOUND');
      await storeGraph(userId, 'task_seed');
      const skipped = await post(userId, '/v1/graph-ai/add-node');
      expect(skipped.status).toBe(200);
      expect(await skipped.json()).toMatchObject({ status: 'skipped' });
    });

    it('sends the pending sources with the existing clusters in batch.json', async () => {
      const userId = nextUser();
      const version = await storeGraph(userId, 'task_seed');
      await importSources(userId);
      const response = await post(userId, '/v1/graph-ai/add-node');
      expect(response.status).toBe(202);
      const { taskId } = (await response.json()) as { taskId: string };
      expect(taskId).toMatch(new RegExp(`^task_add_node_${userId}_[0-9A-Z]{26}$`));
      const [envelope] = await envelopesOnQueue();
      expect(envelope).toMatchObject({ taskId, taskType: TaskType.ADD_NODE_REQUEST, payload: { userId, s3Key: `add-node/${taskId}/batch.json`, inputType: 'batch' } });
      const batch = await object(`add-node/${taskId}/batch.json`);
      expect(batch.userId).toBe(userId);
      expect(batch.existingClusters).toEqual([
        { id: 'cluster_1', name: 'Gardening', description: 'Growing vegetables at home', size: 2, themes: ['seedlings', 'balcony'] },
        { id: 'cluster_2', name: 'Cooking', description: 'Korean home cooking', size: 1, themes: ['stews'] },
      ]);
      expect(batch.conversations).toHaveLength(2);
      expect(batch.notes).toEqual([{ noteId: 'note-1', title: 'Garden', content: 'Tomatoes need sun' }]);
      expect((await api.app.get(JobsRepository).findById(taskId))?.options).toMatchObject({ graphVersion: version });
    });
  });

  describe('requestSummary', () => {
    it('answers 404 without a graph, else sends the graph re-encoded in the AI format', async () => {
      const userId = nextUser();
      expect((await readProblem(await post(userId, '/v1/graph-ai/summary'))).code).toBe('GRAPH_NOT_FOUND');
      await storeGraph(userId, 'task_seed');
      const response = await post(userId, '/v1/graph-ai/summary');
      expect(response.status).toBe(202);
      const { taskId } = (await response.json()) as { taskId: string };
      const [envelope] = await envelopesOnQueue();
      expect(envelope).toMatchObject({ taskType: TaskType.GRAPH_SUMMARY_REQUEST, payload: { graphS3Key: `graph-summary/${taskId}/graph.json` } });
      const reparsed = parseGraphResult(await object(`graph-summary/${taskId}/graph.json`));
      expect(reparsed.ok && reparsed.graph.nodes.map((node) => node.origId)).toEqual(['67a4e0b1-6c3d-800b-8f2e-1d9a5b7c3e01', '67a4e7c9-2f80-800b-a4d1-8b3c6e2f9a52', 'note-4b7e']);
      const summary = await fetch(`${api.base}/v1/graph/summary`, { headers: bearer(userId) });
      expect((await readProblem(summary)).code).toBe('SUMMARY_NOT_FOUND');
    });
  });

  describe('sources', () => {
    it('imports conversations sent without id under derived ids, the same ones on a second import', async () => {
      const userId = nextUser();
      const bare = (JSON.parse(CONVERSATIONS.toString('utf8')) as Record<string, unknown>[]).map(({ id: _id, ...rest }) => rest);
      const imports: { imported: number; ids: string[] }[] = [];
      for (let round = 0; round < 2; round++) {
        const response = await post(userId, '/v1/sources/conversations', bare);
        expect(response.status).toBe(201);
        imports.push((await response.json()) as { imported: number; ids: string[] });
      }
      expect(imports[0]).toEqual({ imported: 2, ids: bare.map((conversation) => derivedConversationId(conversation)) });
      expect(imports[1]).toEqual(imports[0]);
      const listed = (await (await fetch(`${api.base}/v1/sources`, { headers: bearer(userId) })).json()) as { sources: { id: string }[] };
      expect(listed.sources.map((source) => source.id).sort()).toEqual([...imports[0].ids].sort());
      const twice = await readProblem(await post(userId, '/v1/sources/conversations', [bare[0], bare[0]]));
      expect(twice).toMatchObject({ status: 400, code: 'DUPLICATE_ID' });
    });

    it('refuses invalid notes with the problems named, and lists what was imported', async () => {
      const userId = nextUser();
      const invalid = await readProblem(await post(userId, '/v1/sources/notes', { notes: [{ id: 'bad id!', content: 3 }] }));
      expect(invalid.code).toBe('VALIDATION_FAILED');
      expect(invalid.errors?.join(' ')).toMatch(/id may only contain/);
      expect(invalid.errors?.join(' ')).toMatch(/title/);
      await importSources(userId);
      await importSources(userId);
      const listed = (await (await fetch(`${api.base}/v1/sources`, { headers: bearer(userId) })).json()) as { sources: { id: string; inGraph: boolean }[] };
      expect(listed.sources.map((source) => source.id).sort()).toEqual(['67a4e0b1-6c3d-800b-8f2e-1d9a5b7c3e01', '67a4e7c9-2f80-800b-a4d1-8b3c6e2f9a52', 'note-1']);
      expect(listed.sources.every((source) => !source.inGraph)).toBe(true);
    });
  });
});
