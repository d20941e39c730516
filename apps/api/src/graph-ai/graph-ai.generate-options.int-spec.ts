import { GetObjectCommand } from '@aws-sdk/client-s3';
import { type GenerateGraphOptions, type GraphGenerationResponseDto } from '@taco_tsinghua/graphnode-sdk';
import { DatabaseService, JobsRepository } from '@app/database';
import { parseEnvelope } from '@app/queue-contracts';
import { sql } from 'drizzle-orm';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FIXTURES_DIR } from '../../../../libs/queue-contracts/test/golden-contract';
import { type ApiTestApp, bearer, bootApiTestApp, drainQueue, readProblem } from '../../test/api-test-app';
import { macroIdOf } from '../graph/macro-id';
import { GraphAiController } from './graph-ai.controller';

const CONVERSATIONS = readFileSync(resolve(FIXTURES_DIR, 'files/conversations.json'));
const [RECENT_CHAT, OLD_CHAT] = (JSON.parse(CONVERSATIONS.toString('utf8')) as { id: string }[]).map((conversation) => conversation.id);

/** Generate options as the SDK types them; unknown members beside them are what a client may add. */
type Options = GenerateGraphOptions & Record<string, unknown>;

describe(`${GraphAiController.name}: generate options (SDK 0.2.29)`, () => {
  let api: ApiTestApp;
  let user = 0;
  const nextUser = () => `opt-user-${++user}`;

  beforeAll(async () => {
    api = await bootApiTestApp('generate_options');
  });

  afterAll(async () => {
    await api.close();
  });

  const post = (userId: string, path: string, body: unknown) =>
    fetch(`${api.base}${path}`, { method: 'POST', headers: { ...bearer(userId), 'Content-Type': 'application/json' }, body: Buffer.isBuffer(body) ? body : JSON.stringify(body) });
  const generate = (userId: string, options: Options) => post(userId, '/v1/graph-ai/generate', options);
  const object = async (key: string): Promise<unknown> => {
    const stored = await api.aws.s3.send(new GetObjectCommand({ Bucket: api.aws.bucket, Key: key }));
    return JSON.parse(await stored.Body!.transformToString()) as unknown;
  };
  const ids = (conversations: unknown) => (conversations as { id: string }[]).map((conversation) => conversation.id);
  const noteIds = async (taskId: string) => {
    const keys = await api.aws.listKeys(`graph-generation/${taskId}/`);
    if (!keys.includes(`graph-generation/${taskId}/notes.json`)) return [];
    return ((await object(`graph-generation/${taskId}/notes.json`)) as { source_nodes: { id: string }[] }).source_nodes.map((note) => note.id);
  };

  /** Two conversations and two notes; OLD_CHAT and old-note were imported 40 days ago. */
  async function importSources(userId: string): Promise<void> {
    expect((await post(userId, '/v1/sources/conversations', CONVERSATIONS)).status).toBe(201);
    const notes = [
      { id: 'recent-note', title: 'Garden', content: 'Tomatoes need sun' },
      { id: 'old-note', title: 'Kitchen', content: 'Doenjang needs time' },
    ];
    expect((await post(userId, '/v1/sources/notes', { notes })).status).toBe(201);
    await api.app.get(DatabaseService).db.execute(sql`
      UPDATE sources SET imported_at = now() - interval '40 days' WHERE user_id = ${userId} AND id IN (${OLD_CHAT}, 'old-note')`);
  }

  /** The accepted job: its taskId, what it sent (conversation ids of input.json, note ids of notes.json) and its stored options. */
  async function accepted(response: Response) {
    expect(response.status).toBe(202);
    const body = (await response.json()) as GraphGenerationResponseDto;
    const taskId = body.taskId!;
    const [message] = await drainQueue(api.aws);
    const envelope = parseEnvelope(message);
    expect(envelope.ok && envelope.envelope.taskId).toBe(taskId);
    const job = await api.app.get(JobsRepository).findById(taskId);
    return { body, taskId, chats: ids(await object(`graph-generation/${taskId}/input.json`)), notes: await noteIds(taskId), options: job?.options };
  }

  describe('macroId', () => {
    it('answers 202 {message, taskId, status, macroId} with the user\'s macroId, also when that macroId was sent', async () => {
      const userId = nextUser();
      await importSources(userId);
      const job = await accepted(await generate(userId, { macroId: macroIdOf(userId), includeSummary: false }));
      expect(job.body).toEqual({ message: 'Graph generation queued', taskId: expect.stringMatching(new RegExp(`^task_${userId}_[0-9A-Z]{26}$`)) as unknown, status: 'queued', macroId: macroIdOf(userId) });
      expect(job.chats.sort()).toEqual([OLD_CHAT, RECENT_CHAT].sort());
      expect(job.options).toMatchObject({ includeSummary: false });
    });

    it.each([
      ['another user\'s graph', () => macroIdOf('someone-else')],
      ['an id of no graph', () => 'graph_nonexistent'],
    ])('refuses %s with 404 GRAPH_NOT_FOUND and queues nothing', async (_label, macroId) => {
      const userId = nextUser();
      await importSources(userId);
      const refused = await readProblem(await generate(userId, { macroId: macroId() }));
      expect(refused).toMatchObject({ status: 404, code: 'GRAPH_NOT_FOUND' });
      expect(await api.app.get(JobsRepository).listForUser(userId, { limit: 10 })).toEqual([]);
      expect(await drainQueue(api.aws)).toEqual([]);
    });
  });

  describe('scopeFilter', () => {
    it('mode manual with dataTypes [chat] sends the conversations only', async () => {
      const userId = nextUser();
      await importSources(userId);
      const job = await accepted(await generate(userId, { scopeFilter: { mode: 'manual', filters: { dataTypes: ['chat'] } } }));
      expect(job.chats.sort()).toEqual([OLD_CHAT, RECENT_CHAT].sort());
      expect(job.notes).toEqual([]);
      expect(job.options).toMatchObject({ scopeFilter: { mode: 'manual', filters: { dataTypes: ['chat'] } } });
      expect((job.options?.sourceIds as { kind: string }[]).every((source) => source.kind === 'conversation')).toBe(true);
    });

    it('mode manual with dataTypes [note] and createdPeriod 1m sends the note imported within the month only', async () => {
      const userId = nextUser();
      await importSources(userId);
      const job = await accepted(await generate(userId, { scopeFilter: { mode: 'manual', filters: { dataTypes: ['note'], createdPeriod: '1m' } } }));
      expect(job.chats).toEqual([]);
      expect(job.notes).toEqual(['recent-note']);
      expect(job.options?.sourceIds).toEqual([{ kind: 'note', id: 'recent-note' }]);
    });

    it.each([
      ['1m', [RECENT_CHAT], ['recent-note']],
      ['3m', [RECENT_CHAT, OLD_CHAT], ['recent-note', 'old-note']],
    ] as const)('createdPeriod %s keeps what was imported within it, of every chosen type', async (period, chats, notes) => {
      const userId = nextUser();
      await importSources(userId);
      const job = await accepted(await generate(userId, { scopeFilter: { mode: 'manual', filters: { dataTypes: ['chat', 'note'], createdPeriod: period } } }));
      expect(job.chats.sort()).toEqual([...chats].sort());
      expect(job.notes.sort()).toEqual([...notes].sort());
    });

    it('answers 200 skipped when the scope selects nothing (we hold no files or Notion pages), and queues nothing', async () => {
      const userId = nextUser();
      await importSources(userId);
      const response = await generate(userId, { scopeFilter: { mode: 'manual', filters: { dataTypes: ['file', 'notion'] } } });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ message: expect.stringMatching(/scope/) as unknown, status: 'skipped' });
      expect(await drainQueue(api.aws)).toEqual([]);
    });

    it('mode auto sends every source and keeps the intent; title, description and the scope are kept in the options, unknown members stripped', async () => {
      const userId = nextUser();
      await importSources(userId);
      const job = await accepted(
        await generate(userId, {
          title: 'Home projects',
          description: 'Garden and kitchen',
          scopeFilter: { mode: 'auto', intent: 'what I grow and cook', filters: { dataTypes: ['chat'] }, colour: 'red' } as unknown as GenerateGraphOptions['scopeFilter'],
          summaryLanguage: 'ko',
        }),
      );
      expect(job.chats).toHaveLength(2);
      expect(job.notes.sort()).toEqual(['old-note', 'recent-note']);
      expect(job.options).toEqual({
        includeSummary: true,
        language: 'en',
        sourceIds: expect.any(Array) as unknown,
        scopeFilter: { mode: 'auto', intent: 'what I grow and cook' },
        title: 'Home projects',
        description: 'Garden and kitchen',
      });
    });

    it('keeps only the manual member of a manual scope, and each data type once', async () => {
      const userId = nextUser();
      await importSources(userId);
      const scopeFilter = { mode: 'manual', intent: 'ignored', filters: { dataTypes: ['chat', 'chat'], createdPeriod: '1y', extra: 1 } };
      const job = await accepted(await generate(userId, { scopeFilter } as unknown as Options));
      expect(job.options?.scopeFilter).toEqual({ mode: 'manual', filters: { dataTypes: ['chat'], createdPeriod: '1y' } });
    });
  });

  describe('validation', () => {
    it.each([
      ['scopeFilter not an object', { scopeFilter: 'all' }, /^scopeFilter must be an object$/],
      ['an unknown mode', { scopeFilter: { mode: 'smart' } }, /^scopeFilter\.mode must be auto or manual$/],
      ['mode auto without intent', { scopeFilter: { mode: 'auto' } }, /^scopeFilter\.intent must be a string/],
      ['mode auto with an empty intent', { scopeFilter: { mode: 'auto', intent: '' } }, /^scopeFilter\.intent must not be empty/],
      ['mode auto with an intent too long', { scopeFilter: { mode: 'auto', intent: 'x'.repeat(2001) } }, /^scopeFilter\.intent may be at most 2000/],
      ['mode manual without filters', { scopeFilter: { mode: 'manual' } }, /^scopeFilter\.filters is required/],
      ['mode manual with filters not an object', { scopeFilter: { mode: 'manual', filters: ['chat'] } }, /^scopeFilter\.filters must be an object$/],
      ['no data type', { scopeFilter: { mode: 'manual', filters: { dataTypes: [] } } }, /^scopeFilter\.filters\.dataTypes must name at least one/],
      ['an unknown data type', { scopeFilter: { mode: 'manual', filters: { dataTypes: ['chat', 'video'] } } }, /^scopeFilter\.filters\.dataTypes may only hold chat, file, notion, note$/],
      ['dataTypes not an array', { scopeFilter: { mode: 'manual', filters: { dataTypes: 'chat' } } }, /^scopeFilter\.filters\.dataTypes must be an array$/],
      ['an unknown period', { scopeFilter: { mode: 'manual', filters: { dataTypes: ['chat'], createdPeriod: '2w' } } }, /^scopeFilter\.filters\.createdPeriod must be one of 1w, 1m, 3m, 1y$/],
      ['a title too long', { title: 't'.repeat(201) }, /^title may be at most 200 characters$/],
      ['a title not a string', { title: 7 }, /^title must be a string$/],
      ['a description too long', { description: 'd'.repeat(2001) }, /^description may be at most 2000 characters$/],
      ['a macroId not a string', { macroId: 5 }, /^macroId must be a string$/],
    ])('refuses %s with 400 VALIDATION_FAILED naming the member, and queues nothing', async (_label, body, problem) => {
      const userId = nextUser();
      await importSources(userId);
      const refused = await readProblem(await generate(userId, body as Options));
      expect(refused).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
      expect(refused.errors).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
      expect(await api.app.get(JobsRepository).listForUser(userId, { limit: 10 })).toEqual([]);
      expect(await drainQueue(api.aws)).toEqual([]);
    });
  });
});
