import { type SourceRow } from '@app/database';
import { scopeOf, selectSources } from './source-scope';

const NOW = new Date('2026-12-01T12:00:00Z');
const DAY = 86_400_000;
const row = (kind: SourceRow['kind'], id: string, daysAgo: number): SourceRow => ({
  userId: 'u',
  kind,
  id,
  title: null,
  content: {},
  folderId: null,
  graphVersion: null,
  importedAt: new Date(NOW.getTime() - daysAgo * DAY),
});
const ROWS = [row('conversation', 'c-today', 0), row('conversation', 'c-40d', 40), row('note', 'n-6d', 6), row('note', 'n-8d', 8), row('conversation', 'c-400d', 400)];
const ids = (rows: readonly SourceRow[]) => rows.map((source) => source.id);

describe(selectSources.name, () => {
  it('keeps every source without a scope and with an auto scope', () => {
    expect(selectSources(ROWS, undefined, NOW)).toBe(ROWS);
    expect(selectSources(ROWS, { mode: 'auto', intent: 'anything' }, NOW)).toBe(ROWS);
  });

  it.each([
    [['chat'], undefined, ['c-today', 'c-40d', 'c-400d']],
    [['note'], undefined, ['n-6d', 'n-8d']],
    [['file', 'notion'], undefined, []],
    [['chat', 'note'], '1w', ['c-today', 'n-6d']],
    [['chat'], '1m', ['c-today']],
    [['chat', 'note'], '3m', ['c-today', 'c-40d', 'n-6d', 'n-8d']],
    [['chat'], '1y', ['c-today', 'c-40d']],
  ] as const)('dataTypes %j within %s keeps %j', (dataTypes, createdPeriod, expected) => {
    const scope = { mode: 'manual' as const, filters: { dataTypes, ...(createdPeriod ? { createdPeriod } : {}) } };
    expect(ids(selectSources(ROWS, scope, NOW))).toEqual(expected);
  });

  it('counts a source imported exactly at the period\'s start as within it', () => {
    expect(ids(selectSources([row('note', 'edge', 7)], { mode: 'manual', filters: { dataTypes: ['note'], createdPeriod: '1w' } }, NOW))).toEqual(['edge']);
  });
});

describe(scopeOf.name, () => {
  it('keeps only the member of the mode, and each data type once', () => {
    expect(scopeOf({ mode: 'auto', intent: 'cooking', filters: { dataTypes: ['chat'] } })).toEqual({ mode: 'auto', intent: 'cooking' });
    expect(scopeOf({ mode: 'manual', intent: 'x', filters: { dataTypes: ['note', 'chat', 'note'] } })).toEqual({
      mode: 'manual',
      filters: { dataTypes: ['note', 'chat'] },
    });
  });
});
