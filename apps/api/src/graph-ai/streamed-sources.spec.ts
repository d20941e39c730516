import { type SourceKind, type SourceRow, type SourcesRepository } from '@app/database';
import { text } from 'node:stream/consumers';
import { batchNote, conversationEntry, noteNode } from './source-bundle';
import { jsonStream, SOURCE_PAGE_SIZE, selectedRefs, sourceEntries } from './streamed-sources';

const NOW = new Date('2026-12-01T12:00:00Z');
const row = (kind: SourceKind, id: string, daysAgo = 0, content: unknown = { id, title: `about ${id}` }): SourceRow => ({
  userId: 'u',
  kind,
  id,
  title: kind === 'note' ? `Note ${id}` : null,
  content,
  folderId: null,
  graphVersion: null,
  importedAt: new Date(NOW.getTime() - daysAgo * 86_400_000),
});

/** SourcesRepository's keyset reads over rows already in (importedAt, id) order; `moved` are re-imported after the first page. */
function fakeSources(rows: SourceRow[], moved: SourceRow[] = []) {
  let all = rows;
  const pageOfKind = jest.fn(async (_userId: string, query: { kind: SourceKind; limit: number; after?: { at: string; id: string } }) => {
    const ofKind = all.filter((source) => source.kind === query.kind);
    const start = query.after ? ofKind.findIndex((source) => `${source.importedAt.getTime()}/${source.id}` === `${query.after!.at}/${query.after!.id}`) + 1 : 0;
    const page = ofKind.slice(start, start + query.limit);
    if (query.after === undefined) all = [...all.filter((source) => !moved.includes(source)), ...moved];
    const last = page.at(-1);
    return Promise.resolve(page.length === query.limit && last ? { rows: page, next: { at: String(last.importedAt.getTime()), id: last.id } } : { rows: page });
  });
  const listKeys = jest.fn(async () => Promise.resolve(rows.map(({ kind, id, importedAt }) => ({ kind, id, importedAt }))));
  return { pageOfKind, listKeys, listAll: jest.fn(), listPending: jest.fn() };
}

const asRepository = (fake: ReturnType<typeof fakeSources>) => fake as unknown as SourcesRepository;
const refsOf = (rows: readonly SourceRow[]) => rows.map(({ kind, id }) => ({ kind, id }));

describe('streamed sources', () => {
  describe(selectedRefs.name, () => {
    it('narrows the keys by the scope as selectSources does, without reading content', async () => {
      const fake = fakeSources([row('conversation', 'c-old', 40), row('note', 'n-new', 1), row('conversation', 'c-new', 0)]);
      const scope = { mode: 'manual' as const, filters: { dataTypes: ['chat' as const], createdPeriod: '1w' as const } };
      expect(await selectedRefs(asRepository(fake), 'u', { scope, now: NOW })).toEqual([{ kind: 'conversation', id: 'c-new' }]);
      expect(await selectedRefs(asRepository(fake), 'u', { now: NOW })).toHaveLength(3);
      expect(fake.pageOfKind).not.toHaveBeenCalled();
    });
  });

  describe(sourceEntries.name, () => {
    it('writes the same bytes as JSON.stringify of the whole list, a page at a time', async () => {
      const rows = Array.from({ length: SOURCE_PAGE_SIZE * 2 + 3 }, (_, index) => row(index % 3 === 0 ? 'note' : 'conversation', `s-${index}`, 0, `text "${index}" \u2028`));
      const fake = fakeSources(rows);
      const list = { userId: 'u', refs: refsOf(rows) };
      const input = jsonStream(['[', sourceEntries(asRepository(fake), { ...list, kind: 'conversation', entry: conversationEntry }), ']']);
      const notes = jsonStream(['{"source_nodes":[', sourceEntries(asRepository(fake), { ...list, kind: 'note', entry: noteNode }), ']}']);
      expect(await text(input)).toBe(JSON.stringify(rows.filter((source) => source.kind === 'conversation').map((source) => source.content)));
      expect(await text(notes)).toBe(JSON.stringify({ source_nodes: rows.filter((source) => source.kind === 'note').map(noteNode) }));
      expect(fake.pageOfKind.mock.calls.every(([, query]) => query.limit === SOURCE_PAGE_SIZE)).toBe(true);
      expect(fake.listAll).not.toHaveBeenCalled();
    });

    it('writes only the chosen sources, each once, and an empty list as []', async () => {
      const rows = [row('conversation', 'a'), row('conversation', 'b'), row('conversation', 'c'), row('note', 'n')];
      const fake = fakeSources(rows, [rows[0]]);
      const entries = sourceEntries(asRepository(fake), { userId: 'u', kind: 'conversation', refs: refsOf([rows[0], rows[2], rows[3]]), entry: conversationEntry });
      expect(JSON.parse(await text(jsonStream(['[', entries, ']'])))).toEqual([rows[0].content, rows[2].content]);
      const none = sourceEntries(asRepository(fake), { userId: 'u', kind: 'note', refs: [], entry: batchNote });
      expect(await text(jsonStream(['[', none, ']']))).toBe('[]');
    });

    it('reads a page only when the consumer asks for more', async () => {
      const rows = Array.from({ length: SOURCE_PAGE_SIZE * 4 }, (_, index) => row('conversation', `c-${String(index).padStart(5, '0')}`, 0, 'x'.repeat(100)));
      const fake = fakeSources(rows);
      const stream = jsonStream(['[', sourceEntries(asRepository(fake), { userId: 'u', kind: 'conversation', refs: refsOf(rows), entry: conversationEntry }), ']']);
      const chunks = stream[Symbol.asyncIterator]();
      await chunks.next();
      await chunks.next();
      await new Promise((resolve) => setImmediate(resolve));
      expect(fake.pageOfKind.mock.calls.length).toBeLessThanOrEqual(2);
      stream.destroy();
    });
  });
});
