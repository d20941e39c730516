import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GraphRepository, SourcesRepository } from '@app/database';
import { parseConversations, parseGraphResult } from '@app/queue-contracts';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { FIXTURES_DIR } from '../../../../libs/queue-contracts/test/golden-contract';
import { type ApiTestApp, bearer, bootApiTestApp, drainQueue, readProblem } from '../../test/api-test-app';
import { MAX_CONVERSATIONS_PER_BULK, MAX_NOTES_PER_BULK } from './client-data.limits';
import { ConversationsController } from './conversations.controller';
import { NotesController } from './notes.controller';

const EXPORT = readFileSync(resolve(FIXTURES_DIR, 'files/conversations.json'));
const EXPORT_IDS = (JSON.parse(EXPORT.toString('utf8')) as { id: string }[]).map((conversation) => conversation.id);
const GRAPH = parseGraphResult(JSON.parse(readFileSync(resolve(FIXTURES_DIR, 'files/graph-result.json'), 'utf8')));
/** User content that no error answer may echo. */
const SECRET = 'do-not-echo-5d1e';
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const ROOT = 'client-created-root';

type Json = Record<string, unknown>;

describe(`${ConversationsController.name} and ${NotesController.name}`, () => {
  let api: ApiTestApp;
  let users = 0;
  const nextUser = () => `client-data-user-${++users}`;

  beforeAll(async () => {
    api = await bootApiTestApp('client_data');
  });

  afterAll(async () => {
    await api.close();
  });

  const post = (userId: string, path: string, body: unknown) =>
    fetch(`${api.base}${path}`, {
      method: 'POST',
      headers: { ...bearer(userId), 'Content-Type': 'application/json' },
      body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
    });
  const created = async (response: Response): Promise<Json> => {
    if (response.status !== 201) throw new Error(`expected 201, got ${response.status}: ${await response.text()}`);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    return (await response.json()) as Json;
  };
  const stored = (userId: string) => api.app.get(SourcesRepository).listAll(userId);
  const storedIds = async (userId: string) => (await stored(userId)).map((row) => `${row.kind}:${row.id}`).sort();
  /** A refusal: problem+json with this status and code, no user content in it, and nothing stored for the user. */
  const refused = async (response: Response, status: number, code: string, userId: string) => {
    const text = await response.clone().text();
    const problem = await readProblem(response);
    expect({ status: response.status, code: problem.code }).toEqual({ status, code });
    expect(text).not.toContain(SECRET);
    expect(await stored(userId)).toEqual([]);
    return problem;
  };
  const object = async (key: string) =>
    JSON.parse(await (await api.aws.s3.send(new GetObjectCommand({ Bucket: api.aws.bucket, Key: key }))).Body!.transformToString()) as unknown;

  describe('POST /v1/ai/conversations', () => {
    it('answers 201 with the SDK ConversationDto and a Location, and stores the conversation in the ChatGPT export shape', async () => {
      const userId = nextUser();
      const attachment = { id: 'file-1', type: 'image', url: 'uploads/file-1.png', name: 'leaf.png', mimeType: 'image/png', size: 2048 };
      const response = await post(userId, '/v1/ai/conversations', {
        id: 'conv-1',
        title: 'Tomato seedlings',
        score: 9,
        messages: [
          { role: 'system', content: 'You are a gardener.' },
          { id: 'msg-2', role: 'user', content: 'Why are they leggy?', attachments: [attachment], createdAt: '2020-01-01T00:00:00.000Z', metadata: { x: 1 } },
          { id: 'msg-3', role: 'assistant', content: 'Too little light.' },
        ],
      });

      expect(response.headers.get('location')).toBe('/v1/ai/conversations/conv-1');
      const body = await created(response);
      const [row] = await stored(userId);
      const at = row.importedAt.toISOString();
      const stamps = { createdAt: at, updatedAt: at, deletedAt: null };
      const messages = body.messages as { id: string }[];
      expect(body).toEqual({
        id: 'conv-1',
        title: 'Tomato seedlings',
        ...stamps,
        messages: [
          { id: expect.stringMatching(ULID) as unknown, role: 'system', content: 'You are a gardener.', ...stamps },
          { id: 'msg-2', role: 'user', content: 'Why are they leggy?', ...stamps, attachments: [attachment] },
          { id: 'msg-3', role: 'assistant', content: 'Too little light.', ...stamps },
        ],
      });
      expect(at).toMatch(ISO);
      const first = messages[0].id;
      const seconds = Date.now() / 1000;
      expect(row).toMatchObject({ kind: 'conversation', id: 'conv-1', title: 'Tomato seedlings', folderId: null, graphVersion: null });
      expect(row.content).toEqual({
        id: 'conv-1',
        title: 'Tomato seedlings',
        create_time: expect.closeTo(seconds, -1) as unknown,
        update_time: expect.closeTo(seconds, -1) as unknown,
        mapping: {
          [ROOT]: { id: ROOT, message: null, parent: null, children: [first] },
          [first]: {
            id: first,
            message: { id: first, author: { role: 'system' }, content: { content_type: 'text', parts: ['You are a gardener.'] } },
            parent: ROOT,
            children: ['msg-2'],
          },
          'msg-2': {
            id: 'msg-2',
            message: {
              id: 'msg-2',
              author: { role: 'user' },
              content: { content_type: 'text', parts: ['Why are they leggy?'] },
              metadata: { attachments: [attachment] },
            },
            parent: first,
            children: ['msg-3'],
          },
          'msg-3': {
            id: 'msg-3',
            message: { id: 'msg-3', author: { role: 'assistant' }, content: { content_type: 'text', parts: ['Too little light.'] } },
            parent: 'msg-2',
            children: [],
          },
        },
      });
    });

    it('creates a conversation without messages, and a title of exactly 200 characters', async () => {
      const userId = nextUser();
      const title = 't'.repeat(200);

      const body = await created(await post(userId, '/v1/ai/conversations', { id: 'c-empty', title }));

      expect(body).toMatchObject({ id: 'c-empty', title, messages: [] });
      expect((await stored(userId))[0].content).toMatchObject({ mapping: { [ROOT]: { children: [] } } });
    });

    it.each<[string, unknown]>([
      ['no id', { title: SECRET }],
      ['an empty id', { id: '', title: SECRET }],
      ['an id with a space', { id: 'a b', title: SECRET }],
      ['an id of 129 characters', { id: 'a'.repeat(129), title: SECRET }],
      ['no title', { id: 'c-1', messages: [{ role: 'user', content: SECRET }] }],
      ['an empty title', { id: 'c-1', title: '' }],
      ['a blank title', { id: 'c-1', title: '   ' }],
      ['a title of 201 characters', { id: 'c-1', title: `${SECRET}${'t'.repeat(201 - SECRET.length)}` }],
      ['a title that is a number', { id: 'c-1', title: 5 }],
      ['messages that are not a list', { id: 'c-1', title: 't', messages: SECRET }],
      ['a message that is not an object', { id: 'c-1', title: 't', messages: [SECRET] }],
      ['an unknown role', { id: 'c-1', title: 't', messages: [{ role: 'robot', content: SECRET }] }],
      ['an empty message', { id: 'c-1', title: SECRET, messages: [{ role: 'user', content: '' }] }],
      ['a message without content', { id: 'c-1', title: SECRET, messages: [{ role: 'user' }] }],
      ['a negative attachment size', { id: 'c-1', title: 't', messages: [{ role: 'user', content: SECRET, attachments: [{ id: 'f', type: 'file', url: 'u', name: 'n', mimeType: 'm', size: -1 }] }] }],
      ['an attachment of an unknown type', { id: 'c-1', title: 't', messages: [{ role: 'user', content: SECRET, attachments: [{ id: 'f', type: 'video', url: 'u', name: SECRET, mimeType: 'm', size: 1 }] }] }],
      ['a body that is an array', [{ id: 'c-1', title: SECRET }]],
      ['a body that is a string', JSON.stringify(SECRET)],
      ['a body that is null', 'null'],
    ])('refuses %s with 400 VALIDATION_FAILED, storing nothing', async (_case, body) => {
      const userId = nextUser();

      const problem = await refused(await post(userId, '/v1/ai/conversations', body), 400, 'VALIDATION_FAILED', userId);

      expect(problem.errors?.length).toBeGreaterThan(0);
    });

    it('refuses a body that is not JSON with 400 INVALID_JSON', async () => {
      const userId = nextUser();

      await refused(await post(userId, '/v1/ai/conversations', `{"id":"c-1","title":"${SECRET}"`), 400, 'INVALID_JSON', userId);
    });

    it('answers 409 CONVERSATION_EXISTS for an id the user has stored, by this route or the export import, and keeps the stored one', async () => {
      const userId = nextUser();
      await created(await post(userId, '/v1/ai/conversations', { id: 'conv-1', title: 'First' }));
      expect((await post(userId, '/v1/sources/conversations', EXPORT)).status).toBe(201);
      const before = await stored(userId);

      for (const id of ['conv-1', EXPORT_IDS[0]]) {
        const response = await post(userId, '/v1/ai/conversations', { id, title: SECRET, messages: [{ role: 'user', content: SECRET }] });
        const text = await response.clone().text();
        const problem = await readProblem(response);
        expect({ status: response.status, code: problem.code, errors: problem.errors }).toEqual({ status: 409, code: 'CONVERSATION_EXISTS', errors: ['id is already stored'] });
        expect(text).not.toContain(SECRET);
      }
      expect(await stored(userId)).toEqual(before);
    });

    it('keeps ids per user and per kind: another user, or a note, may have the same id', async () => {
      const userId = nextUser();
      await created(await post(userId, '/v1/ai/conversations', { id: 'shared-1', title: 'Mine' }));

      await created(await post(nextUser(), '/v1/ai/conversations', { id: 'shared-1', title: 'Theirs' }));
      await created(await post(userId, '/v1/notes', { id: 'shared-1', content: 'A note' }));

      expect(await storedIds(userId)).toEqual(['conversation:shared-1', 'note:shared-1']);
    });

    it('answers 409 DUPLICATE_ID for a message id given twice, storing nothing', async () => {
      const userId = nextUser();
      const messages = [{ id: 'm', role: 'user', content: SECRET }, { role: 'assistant', content: 'b' }, { id: 'm', role: 'user', content: 'c' }];

      const problem = await refused(await post(userId, '/v1/ai/conversations', { id: 'c-1', title: 't', messages }), 409, 'DUPLICATE_ID', userId);

      expect(problem.errors).toEqual(['messages[2].id repeats messages[0].id']);
    });

    it('stores one of two concurrent creates of an id and answers the other 409', async () => {
      const userId = nextUser();
      const create = (title: string) => post(userId, '/v1/ai/conversations', { id: 'raced', title });

      const responses = await Promise.all([create('A'), create('B'), create('C')]);

      expect(responses.map((response) => response.status).sort()).toEqual([201, 409, 409]);
      const winner = (await (responses.find((response) => response.status === 201) as Response).json()) as Json;
      expect((await stored(userId)).map((row) => row.title)).toEqual([winner.title]);
    });

    it('answers 401 without a token', async () => {
      const response = await fetch(`${api.base}/v1/ai/conversations`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"id":"c","title":"t"}' });

      expect((await readProblem(response)).status).toBe(401);
    });
  });

  describe('POST /v1/ai/conversations/bulk', () => {
    it('answers 201 {conversations} without messages: blank titles made from the first message, whitespace-only messages skipped, attachments kept', async () => {
      const userId = nextUser();
      const attachment = { id: 'f', type: 'file', url: 'uploads/f.pdf', name: 'f.pdf', mimeType: 'application/pdf', size: 0 };
      const response = await post(userId, '/v1/ai/conversations/bulk', {
        conversations: [
          { id: 'b-1', title: 'Kept', messages: [{ id: 'q', role: 'user', content: 'Hello', attachments: [attachment] }] },
          { id: 'b-2', title: '', messages: [{ role: 'user', content: ' \n ' }, { role: 'user', content: 'Tomato seedlings again' }, { role: 'assistant', content: '\t' }] },
          { id: 'b-3', messages: [{ role: 'user', content: '  ' }] },
          { id: 'b-4', title: null },
        ],
      });

      const body = await created(response);
      const rows = await stored(userId);
      const at = rows[0].importedAt.toISOString();
      const view = (id: string, title: string) => ({ id, title, createdAt: at, updatedAt: at, deletedAt: null, messages: [] });
      expect(body).toEqual({
        conversations: [view('b-1', 'Kept'), view('b-2', 'Tomato see...'), view('b-3', 'New Conversation'), view('b-4', 'New Conversation')],
      });
      const byId = new Map(rows.map((row) => [row.id, row.content as { title: string; mapping: Record<string, { message: Json | null }> }]));
      expect(rows.map((row) => row.title).sort()).toEqual(['Kept', 'New Conversation', 'New Conversation', 'Tomato see...']);
      expect(byId.get('b-1')?.mapping.q.message).toEqual({
        id: 'q',
        author: { role: 'user' },
        content: { content_type: 'text', parts: ['Hello'] },
        metadata: { attachments: [attachment] },
      });
      const b2 = Object.values(byId.get('b-2')?.mapping ?? {}).filter((node) => node.message !== null);
      expect(b2.map((node) => node.message?.content)).toEqual([{ content_type: 'text', parts: ['Tomato seedlings again'] }]);
      expect(byId.get('b-2')?.title).toBe('Tomato see...');
      expect(Object.keys(byId.get('b-3')?.mapping ?? {})).toEqual([ROOT]);
      expect(parseConversations([...byId.values()]).ok).toBe(true);
    });

    it('answers 201 {conversations: []} to an empty list', async () => {
      expect(await created(await post(nextUser(), '/v1/ai/conversations/bulk', { conversations: [] }))).toEqual({ conversations: [] });
    });

    it('stores nothing when one id is already stored: 409 CONVERSATION_EXISTS naming its position', async () => {
      const userId = nextUser();
      await created(await post(userId, '/v1/ai/conversations', { id: 'x-2', title: 'Original' }));
      const before = await stored(userId);

      const response = await post(userId, '/v1/ai/conversations/bulk', {
        conversations: [{ id: 'x-1', title: SECRET }, { id: 'x-2', title: SECRET }, { id: 'x-3', messages: [{ role: 'user', content: SECRET }] }],
      });

      const text = await response.clone().text();
      const problem = await readProblem(response);
      expect({ status: response.status, code: problem.code, errors: problem.errors }).toEqual({
        status: 409,
        code: 'CONVERSATION_EXISTS',
        errors: ['conversations[1].id is already stored'],
      });
      expect(text).not.toContain(SECRET);
      expect(await stored(userId)).toEqual(before);
    });

    it('stores nothing when an id is given twice: 409 DUPLICATE_ID naming the positions', async () => {
      const userId = nextUser();

      const problem = await refused(
        await post(userId, '/v1/ai/conversations/bulk', { conversations: [{ id: 'd-1', title: SECRET }, { id: 'd-2' }, { id: 'd-1' }] }),
        409,
        'DUPLICATE_ID',
        userId,
      );

      expect(problem.errors).toEqual(['conversations[2].id repeats conversations[0].id']);
    });

    it('stores nothing when one conversation is invalid: 400 VALIDATION_FAILED', async () => {
      const userId = nextUser();
      const body = { conversations: [{ id: 'v-1', title: 'ok' }, { id: 'v-2', title: 't'.repeat(201) }, { id: 'v-3', messages: [{ role: 'user', content: '' }] }] };

      const problem = await refused(await post(userId, '/v1/ai/conversations/bulk', body), 400, 'VALIDATION_FAILED', userId);

      expect(problem.errors).toEqual(['title must be shorter than or equal to 200 characters', 'content must be longer than or equal to 1 characters']);
    });

    it(`creates ${MAX_CONVERSATIONS_PER_BULK} conversations in one request and refuses ${MAX_CONVERSATIONS_PER_BULK + 1} with 400 VALIDATION_FAILED`, async () => {
      const userId = nextUser();
      const conversations = (count: number, prefix: string) => Array.from({ length: count }, (_, index) => ({ id: `${prefix}${index}`, title: 't' }));

      const body = await created(await post(userId, '/v1/ai/conversations/bulk', { conversations: conversations(MAX_CONVERSATIONS_PER_BULK, 'ok-') }));
      const tooMany = await post(userId, '/v1/ai/conversations/bulk', { conversations: conversations(MAX_CONVERSATIONS_PER_BULK + 1, 'no-') });

      expect((body.conversations as unknown[]).length).toBe(MAX_CONVERSATIONS_PER_BULK);
      const problem = await readProblem(tooMany);
      expect({ status: problem.status, code: problem.code, errors: problem.errors }).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
        errors: [`conversations holds ${MAX_CONVERSATIONS_PER_BULK + 1} conversations; at most ${MAX_CONVERSATIONS_PER_BULK} are accepted per request`],
      });
      expect((await stored(userId)).length).toBe(MAX_CONVERSATIONS_PER_BULK);
    });

    it('refuses a body over the 1 MiB JSON limit with 413 BODY_TOO_LARGE, storing nothing', async () => {
      const userId = nextUser();
      const messages = Array.from({ length: 30_000 }, () => ({ role: 'user', content: `${SECRET} and more` }));
      const body = JSON.stringify({ conversations: [{ id: 'big', title: 't', messages }] });
      expect(Buffer.byteLength(body)).toBeGreaterThan(1024 * 1024);

      await refused(await post(userId, '/v1/ai/conversations/bulk', body), 413, 'BODY_TOO_LARGE', userId);
    });
  });

  describe('POST /v1/notes', () => {
    it('answers 201 with the SDK NoteDto and a Location, and stores the note with its folder', async () => {
      const userId = nextUser();

      const response = await post(userId, '/v1/notes', { id: 'note-a', title: 'Garden', content: '# Tomatoes\nNeed sun', folderId: 'folder-1', ownerUserId: 'x' });

      expect(response.headers.get('location')).toBe('/v1/notes/note-a');
      const body = await created(response);
      const [row] = await stored(userId);
      const at = row.importedAt.toISOString();
      expect(body).toEqual({ id: 'note-a', title: 'Garden', content: '# Tomatoes\nNeed sun', folderId: 'folder-1', createdAt: at, updatedAt: at, deletedAt: null });
      expect(row).toMatchObject({ kind: 'note', id: 'note-a', title: 'Garden', content: '# Tomatoes\nNeed sun', folderId: 'folder-1', graphVersion: null });
    });

    it('gives an absent id note-<ULID>, an absent title Untitled, and accepts empty content', async () => {
      const userId = nextUser();

      const body = await created(await post(userId, '/v1/notes', { content: '', folderId: null }));

      expect(body).toMatchObject({ id: expect.stringMatching(/^note-[0-9A-HJKMNP-TV-Z]{26}$/) as unknown, title: 'Untitled', content: '', folderId: null });
      expect(await storedIds(userId)).toEqual([`note:${String(body.id)}`]);
    });

    it('answers 409 NOTE_EXISTS for an id stored by this route or by the notes import, and keeps the stored one', async () => {
      const userId = nextUser();
      await created(await post(userId, '/v1/notes', { id: 'n-1', content: 'first' }));
      expect((await post(userId, '/v1/sources/notes', { notes: [{ id: 'n-2', title: 'Imported', content: 'x' }] })).status).toBe(201);
      const before = await stored(userId);

      for (const id of ['n-1', 'n-2']) {
        const response = await post(userId, '/v1/notes', { id, title: SECRET, content: SECRET });
        const text = await response.clone().text();
        const problem = await readProblem(response);
        expect({ status: response.status, code: problem.code, errors: problem.errors }).toEqual({ status: 409, code: 'NOTE_EXISTS', errors: ['id is already stored'] });
        expect(text).not.toContain(SECRET);
      }
      expect(await stored(userId)).toEqual(before);
    });

    it.each<[string, unknown]>([
      ['no content', { id: 'n', title: SECRET }],
      ['content that is a number', { id: 'n', content: 5 }],
      ['a title that is a number', { id: 'n', title: 5, content: SECRET }],
      ['a title of 501 characters', { id: 'n', title: 't'.repeat(501), content: SECRET }],
      ['a bad id', { id: `${SECRET} x`, content: SECRET }],
      ['a folderId that is a number', { id: 'n', content: SECRET, folderId: 7 }],
      ['an empty folderId', { id: 'n', content: SECRET, folderId: '' }],
    ])('refuses %s with 400 VALIDATION_FAILED, storing nothing', async (_case, body) => {
      const userId = nextUser();

      const problem = await refused(await post(userId, '/v1/notes', body), 400, 'VALIDATION_FAILED', userId);

      expect(problem.errors?.length).toBeGreaterThan(0);
    });
  });

  describe('POST /v1/notes/bulk', () => {
    it('answers 201 {notes}: missing titles from the first content line, else Untitled', async () => {
      const userId = nextUser();

      const body = await created(
        await post(userId, '/v1/notes/bulk', {
          notes: [{ id: 'a', title: 'Plan', content: 'x', folderId: 'f' }, { id: 'b', content: '\n# Weekly sync\n- goals' }, { id: 'c', content: '' }, { content: 'Short' }],
        }),
      );

      const rows = await stored(userId);
      const at = rows[0].importedAt.toISOString();
      const stamps = { createdAt: at, updatedAt: at, deletedAt: null };
      const notes = body.notes as Json[];
      expect(body).toEqual({
        notes: [
          { id: 'a', title: 'Plan', content: 'x', folderId: 'f', ...stamps },
          { id: 'b', title: '# Weekly s...', content: '\n# Weekly sync\n- goals', folderId: null, ...stamps },
          { id: 'c', title: 'Untitled', content: '', folderId: null, ...stamps },
          { id: expect.stringMatching(/^note-/) as unknown, title: 'Short...', content: 'Short', folderId: null, ...stamps },
        ],
      });
      expect(await storedIds(userId)).toEqual(['note:a', 'note:b', 'note:c', `note:${String(notes[3].id)}`].sort());
    });

    it('answers 201 {notes: []} to an empty list', async () => {
      expect(await created(await post(nextUser(), '/v1/notes/bulk', { notes: [] }))).toEqual({ notes: [] });
    });

    it('stores nothing when one id is already stored (409 NOTE_EXISTS) or given twice (409 DUPLICATE_ID)', async () => {
      const userId = nextUser();
      await created(await post(userId, '/v1/notes', { id: 'kept', content: 'original' }));
      const before = await stored(userId);

      const existing = await post(userId, '/v1/notes/bulk', { notes: [{ id: 'new-1', content: SECRET }, { id: 'kept', content: SECRET }] });
      const twice = await post(userId, '/v1/notes/bulk', { notes: [{ id: 'new-2', content: SECRET }, { id: 'new-2', content: SECRET }] });

      expect(await readProblem(existing)).toMatchObject({ status: 409, code: 'NOTE_EXISTS', errors: ['notes[1].id is already stored'] });
      expect(await readProblem(twice)).toMatchObject({ status: 409, code: 'DUPLICATE_ID', errors: ['notes[1].id repeats notes[0].id'] });
      expect(await stored(userId)).toEqual(before);
    });

    it(`creates ${MAX_NOTES_PER_BULK} notes in one request and refuses ${MAX_NOTES_PER_BULK + 1} with 400 VALIDATION_FAILED`, async () => {
      const userId = nextUser();
      const notes = (count: number) => Array.from({ length: count }, () => ({ content: '' }));

      const body = await created(await post(userId, '/v1/notes/bulk', { notes: notes(MAX_NOTES_PER_BULK) }));
      const tooMany = await readProblem(await post(userId, '/v1/notes/bulk', { notes: notes(MAX_NOTES_PER_BULK + 1) }));

      expect((body.notes as unknown[]).length).toBe(MAX_NOTES_PER_BULK);
      expect(tooMany).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', errors: [`notes holds ${MAX_NOTES_PER_BULK + 1} notes; at most ${MAX_NOTES_PER_BULK} are accepted per request`] });
      expect((await stored(userId)).length).toBe(MAX_NOTES_PER_BULK);
    });

    it('refuses an invalid note with 400 VALIDATION_FAILED, storing nothing', async () => {
      const userId = nextUser();

      const problem = await refused(await post(userId, '/v1/notes/bulk', { notes: [{ id: 'ok', content: SECRET }, { id: 'bad', title: SECRET }] }), 400, 'VALIDATION_FAILED', userId);

      expect(problem.errors).toEqual(['content must be a string']);
    });
  });

  describe('what the AI is sent', () => {
    it('generate bundles conversations and notes created here: input.json in the export shape, notes.json with the note', async () => {
      const userId = nextUser();
      const conversation = await created(
        await post(userId, '/v1/ai/conversations', { id: 'gen-1', title: 'Seedlings', messages: [{ id: 'q', role: 'user', content: 'Why leggy?' }, { id: 'a', role: 'assistant', content: 'Light.' }] }),
      );
      await created(await post(userId, '/v1/ai/conversations/bulk', { conversations: [{ id: 'gen-2', messages: [{ id: 'q', role: 'user', content: 'Basil indoors?' }] }] }));
      await created(await post(userId, '/v1/notes', { id: 'gen-note', title: 'Garden', content: 'Tomatoes need sun' }));

      const response = await post(userId, '/v1/graph-ai/generate', { includeSummary: false });

      expect(response.status).toBe(202);
      const { taskId } = (await response.json()) as { taskId: string };
      await drainQueue(api.aws);
      const input = (await object(`graph-generation/${taskId}/input.json`)) as Json[];
      const rows = await stored(userId);
      expect(input).toEqual(rows.filter((row) => row.kind === 'conversation').map((row) => row.content));
      expect(input.map((item) => item.id).sort()).toEqual(['gen-1', 'gen-2']);
      const first = input.find((item) => item.id === 'gen-1');
      expect(first).toMatchObject({
        title: conversation.title,
        mapping: {
          [ROOT]: { message: null, parent: null, children: ['q'] },
          q: { message: { author: { role: 'user' }, content: { content_type: 'text', parts: ['Why leggy?'] } }, parent: ROOT, children: ['a'] },
          a: { message: { author: { role: 'assistant' }, content: { content_type: 'text', parts: ['Light.'] } }, parent: 'q', children: [] },
        },
      });
      expect(input.find((item) => item.id === 'gen-2')).toMatchObject({ title: 'Basil indo...' });
      expect(parseConversations(input).ok).toBe(true);
      expect(await object(`graph-generation/${taskId}/notes.json`)).toEqual({
        source_nodes: [{ id: 'gen-note', title: 'Garden', sections: [{ id: 'gen-note-0', content: 'Tomatoes need sun' }], source_type: 'markdown' }],
      });
    });

    it("add-node sends what was created since the last graph in batch.json", async () => {
      const userId = nextUser();
      if (!GRAPH.ok) throw new Error(GRAPH.problems.join('; '));
      await api.app.get(GraphRepository).replace(userId, 'task_seed', GRAPH.graph);
      await created(await post(userId, '/v1/ai/conversations/bulk', { conversations: [{ id: 'add-1', title: 'Compost', messages: [{ id: 'q', role: 'user', content: 'Hot or cold?' }] }] }));
      await created(await post(userId, '/v1/notes/bulk', { notes: [{ id: 'add-note', content: 'Turn weekly' }] }));

      const response = await post(userId, '/v1/graph-ai/add-node', {});

      expect(response.status).toBe(202);
      const { taskId } = (await response.json()) as { taskId: string };
      await drainQueue(api.aws);
      const batch = (await object(`add-node/${taskId}/batch.json`)) as { conversations: Json[]; notes: unknown[] };
      expect(batch.conversations).toEqual([(await stored(userId)).find((row) => row.id === 'add-1')?.content]);
      expect(batch.conversations[0]).toMatchObject({ id: 'add-1', title: 'Compost', mapping: { q: { parent: ROOT } } });
      expect(batch.notes).toEqual([{ noteId: 'add-note', title: 'Turn weekl...', content: 'Turn weekly' }]);
    });
  });

  describe('the published SDK', () => {
    it('gets its own result objects from conversations.create, conversations.bulkCreate, note.createNote and note.bulkCreate', async () => {
      const userId = nextUser();
      const script = `
        const { createGraphNodeClient } = await import(process.env.SDK_URL);
        const client = createGraphNodeClient({ baseUrl: process.env.API_BASE, defaultHeaders: { Authorization: process.env.API_AUTH } });
        const results = {
          create: await client.conversations.create({ id: 'sdk-c1', title: 'From the SDK', messages: [{ id: 'm1', role: 'user', content: 'Hello' }] }),
          again: await client.conversations.create({ id: 'sdk-c1', title: 'Again' }),
          bulk: await client.conversations.bulkCreate({ conversations: [{ id: 'sdk-c2', title: '', messages: [{ id: 'm1', role: 'user', content: 'Hello there, friend' }] }] }),
          note: await client.note.createNote({ id: 'sdk-n1', content: 'Body' }),
          notes: await client.note.bulkCreate({ notes: [{ id: 'sdk-n2', content: 'Line one\\nLine two' }] }),
        };
        process.stdout.write(JSON.stringify(results));
      `;
      const env = { ...process.env, SDK_URL: pathToFileURL(require.resolve('@taco_tsinghua/graphnode-sdk')).href, API_BASE: api.base, API_AUTH: bearer(userId).Authorization };

      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { env });

      const results = JSON.parse(stdout) as Record<string, { isSuccess: boolean; statusCode?: number; data?: Json; error?: { statusCode: number; message: string } }>;
      const at = expect.stringMatching(ISO) as unknown;
      const stamps = { createdAt: at, updatedAt: at, deletedAt: null };
      expect(results).toEqual({
        create: {
          isSuccess: true,
          statusCode: 201,
          data: { id: 'sdk-c1', title: 'From the SDK', ...stamps, messages: [{ id: 'm1', role: 'user', content: 'Hello', ...stamps }] },
        },
        again: { isSuccess: false, error: { statusCode: 409, message: 'A conversation with this id is already stored', body: expect.objectContaining({ code: 'CONVERSATION_EXISTS' }) as unknown } },
        bulk: { isSuccess: true, statusCode: 201, data: { conversations: [{ id: 'sdk-c2', title: 'Hello ther...', ...stamps, messages: [] }] } },
        note: { isSuccess: true, statusCode: 201, data: { id: 'sdk-n1', title: 'Untitled', content: 'Body', folderId: null, ...stamps } },
        notes: { isSuccess: true, statusCode: 201, data: { notes: [{ id: 'sdk-n2', title: 'Line one...', content: 'Line one\nLine two', folderId: null, ...stamps }] } },
      });
      expect(await storedIds(userId)).toEqual(['conversation:sdk-c1', 'conversation:sdk-c2', 'note:sdk-n1', 'note:sdk-n2']);
    });
  });
});
