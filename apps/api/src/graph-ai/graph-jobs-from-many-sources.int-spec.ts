import { GetObjectCommand } from '@aws-sdk/client-s3';
import { ObjectStore } from '@app/aws';
import { GraphRepository, JobsRepository, SourcesRepository } from '@app/database';
import { parseGraphResult } from '@app/queue-contracts';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { type ApiTestApp, bearer, bootApiTestApp, drainQueue } from '../../test/api-test-app';
import { FIXTURES_DIR } from '../../../../libs/queue-contracts/test/golden-contract';
import { GraphAiController } from './graph-ai.controller';
import { SOURCE_PAGE_SIZE } from './streamed-sources';

const GRAPH_FILE = JSON.parse(readFileSync(resolve(FIXTURES_DIR, 'files/graph-result.json'), 'utf8')) as unknown;
const CONVERSATIONS = 3000;
const NOTES = 700;
const IMPORT_BATCH = 400;

const conversation = (index: number) => ({ id: `conv-${String(index).padStart(5, '0')}`, title: `Chat ${index}`, body: `${index} `.repeat(400) });
const note = (index: number) => ({ id: `note-${String(index).padStart(5, '0')}`, title: `Note ${index}`, content: `Note body ${index} `.repeat(50) });

/** Bytes pulled from each streamed bundle object, and at each page read how far the upload had got. */
interface UploadProbe {
  consumed: number;
  readonly pages: { kind: string; consumedBefore: number; bytes: number }[];
}

describe(`${GraphAiController.name} with a long history`, () => {
  let api: ApiTestApp;
  let sources: SourcesRepository;
  let probe: UploadProbe;

  beforeAll(async () => {
    api = await bootApiTestApp('many-sources');
    sources = api.app.get(SourcesRepository);
    const store = api.app.get(ObjectStore);
    const putStream = store.putStream.bind(store);
    jest.spyOn(store, 'putStream').mockImplementation((key, body, type) => {
      probe.consumed = 0;
      return putStream(key, Readable.from(counted(body), { objectMode: false }), type);
    });
    const pageOfKind = sources.pageOfKind.bind(sources);
    jest.spyOn(sources, 'pageOfKind').mockImplementation(async (userId, query, tx) => {
      const consumedBefore = probe.consumed;
      const page = await pageOfKind(userId, query, tx);
      probe.pages.push({ kind: query.kind, consumedBefore, bytes: page.rows.reduce((sum, row) => sum + JSON.stringify(row.content).length + 1, 0) });
      return page;
    });
    jest.spyOn(sources, 'listAll');
    jest.spyOn(sources, 'listPending');
  }, 60_000);

  beforeEach(() => {
    probe = { consumed: 0, pages: [] };
  });

  afterAll(async () => {
    await api.close();
  });

  async function* counted(body: Readable): AsyncGenerator<Buffer> {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      probe.consumed += chunk.length;
      yield chunk;
    }
  }

  /** Imports in several statements, so import times both differ (to the microsecond) and tie across page edges. */
  const importMany = async (userId: string) => {
    for (let start = 0; start < CONVERSATIONS; start += IMPORT_BATCH) {
      const batch = Array.from({ length: Math.min(IMPORT_BATCH, CONVERSATIONS - start) }, (_, offset) => conversation(start + offset));
      await sources.upsert(userId, batch.map((content) => ({ kind: 'conversation', id: content.id, title: content.title, content })));
    }
    const notes = Array.from({ length: NOTES }, (_, index) => note(index));
    await sources.upsert(userId, notes.map(({ id, title, content }) => ({ kind: 'note', id, title, content })));
  };
  const post = (userId: string, path: string, body: unknown = {}) =>
    fetch(`${api.base}${path}`, { method: 'POST', headers: { ...bearer(userId), 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const object = async (key: string) =>
    JSON.parse(await (await api.aws.s3.send(new GetObjectCommand({ Bucket: api.aws.bucket, Key: key }))).Body!.transformToString()) as unknown;

  /** The bundle never ran ahead of its upload by more than the page being written and the one before it. */
  const expectStreamedPageByPage = (kind: string) => {
    const pages = probe.pages.filter((page) => page.kind === kind);
    expect(pages.length).toBeGreaterThanOrEqual(Math.ceil((kind === 'note' ? NOTES : CONVERSATIONS) / SOURCE_PAGE_SIZE));
    pages.forEach((page, index) => {
      const written = pages.slice(0, Math.max(0, index - 1)).reduce((sum, earlier) => sum + earlier.bytes, 0);
      expect(page.consumedBefore).toBeGreaterThanOrEqual(written);
    });
    expect(sources.listAll).not.toHaveBeenCalled();
    expect(sources.listPending).not.toHaveBeenCalled();
  };

  it('streams a complete input.json and notes.json from pages of sources', async () => {
    const userId = 'many-generate';
    await importMany(userId);
    const response = await post(userId, '/v1/graph-ai/generate', { includeSummary: false });
    expect(response.status).toBe(202);
    const { taskId } = (await response.json()) as { taskId: string };
    expectStreamedPageByPage('conversation');
    const input = (await object(`graph-generation/${taskId}/input.json`)) as { id: string }[];
    expect(input).toHaveLength(CONVERSATIONS);
    expect(input.map((entry) => entry.id)).toEqual(Array.from({ length: CONVERSATIONS }, (_, index) => conversation(index).id));
    expect(input[CONVERSATIONS - 1]).toEqual(conversation(CONVERSATIONS - 1));
    const notes = (await object(`graph-generation/${taskId}/notes.json`)) as { source_nodes: { id: string }[] };
    expect(notes.source_nodes.map((node) => node.id)).toEqual(Array.from({ length: NOTES }, (_, index) => note(index).id));
    const options = (await api.app.get(JobsRepository).findById(taskId))?.options as { sourceIds: unknown[] };
    expect(options.sourceIds).toHaveLength(CONVERSATIONS + NOTES);
    expect(await drainQueue(api.aws)).toHaveLength(1);
  }, 120_000);

  it('answers skipped from the keys alone when the scope leaves nothing', async () => {
    const response = await post('many-generate', '/v1/graph-ai/generate', { scopeFilter: { mode: 'manual', filters: { dataTypes: ['file'] } } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'skipped' });
    expect(probe.pages).toEqual([]);
  });

  it('streams a complete batch.json of the pending sources', async () => {
    const userId = 'many-add-node';
    const parsed = parseGraphResult(GRAPH_FILE);
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    await api.app.get(GraphRepository).replace(userId, 'task_seed', parsed.graph);
    await importMany(userId);
    const response = await post(userId, '/v1/graph-ai/add-node', undefined);
    expect(response.status).toBe(202);
    const { taskId } = (await response.json()) as { taskId: string };
    expectStreamedPageByPage('conversation');
    expectStreamedPageByPage('note');
    const batch = (await object(`add-node/${taskId}/batch.json`)) as { userId: string; existingClusters: unknown[]; conversations: { id: string }[]; notes: { noteId: string }[] };
    expect(batch.userId).toBe(userId);
    expect(batch.existingClusters).toHaveLength(2);
    expect(batch.conversations).toHaveLength(CONVERSATIONS);
    expect(new Set(batch.conversations.map((entry) => entry.id)).size).toBe(CONVERSATIONS);
    expect(batch.notes.map((entry) => entry.noteId)).toEqual(Array.from({ length: NOTES }, (_, index) => note(index).id));
    expect(await drainQueue(api.aws)).toHaveLength(1);
  }, 120_000);
});
