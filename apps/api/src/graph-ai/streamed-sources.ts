import { Readable } from 'node:stream';
import { type SourceKind, type SourceRow, type SourcesRepository } from '@app/database';
import { type SourceRef } from './source-bundle';
import { type ScopeFilter, selectSources } from './source-scope';

/** Rows per keyset page: one page's JSON is what the bundle holds at a time. */
export const SOURCE_PAGE_SIZE = 500;

type SourceKey = Awaited<ReturnType<SourcesRepository['listKeys']>>[number];
type SourcePosition = Awaited<ReturnType<SourcesRepository['pageOfKind']>>['next'];

const keyOf = (ref: SourceRef): string => `${ref.kind}\u0000${ref.id}`;

/** selectSources reads only a row's kind and import time, so a key stands in for the row. */
const asRow = (key: SourceKey): SourceRow => ({ ...key, userId: '', title: null, content: null, folderId: null, graphVersion: null });

/**
 * The sources a job sends (its options' sourceIds), in listAll's order, from
 * their keys only: one small row per source, never their content. A manual
 * scope narrows them as selectSources does.
 */
export async function selectedRefs(
  sources: SourcesRepository,
  userId: string,
  selection: { readonly pendingOnly?: boolean; readonly scope?: ScopeFilter; readonly now: Date },
): Promise<SourceRef[]> {
  const keys = await sources.listKeys(userId, { pendingOnly: selection.pendingOnly });
  return selectSources(keys.map(asRow), selection.scope, selection.now).map(({ kind, id }) => ({ kind, id }));
}

/** What one streamed list of a bundle reads: the chosen sources of one kind, each written as `entry` makes it. */
export interface SourceList {
  readonly userId: string;
  readonly kind: SourceKind;
  readonly refs: readonly SourceRef[];
  readonly pendingOnly?: boolean;
  readonly entry: (row: SourceRow) => unknown;
}

/**
 * The comma-separated JSON entries of the chosen sources of one kind, one page
 * at a time, as the consumer asks for them. Only sources in `refs` are written,
 * each once: a source imported while the bundle streams is not in it, and one
 * re-imported meanwhile (moved later in the order) is written at most once.
 */
export async function* sourceEntries(sources: SourcesRepository, list: SourceList): AsyncGenerator<string> {
  const wanted = new Set(list.refs.filter((ref) => ref.kind === list.kind).map(keyOf));
  let after: SourcePosition;
  let first = true;
  while (wanted.size > 0) {
    const page = await sources.pageOfKind(list.userId, { kind: list.kind, limit: SOURCE_PAGE_SIZE, pendingOnly: list.pendingOnly, after });
    const text = page.rows
      .filter((row) => wanted.delete(keyOf(row)))
      .map((row) => JSON.stringify(list.entry(row)))
      .join(',');
    if (text !== '') {
      yield first ? text : `,${text}`;
      first = false;
    }
    if (!page.next) return;
    after = page.next;
  }
}

/** A byte stream of these pieces in order; nothing is read before the consumer asks (see ObjectStore.putStream). */
export function jsonStream(pieces: readonly (string | AsyncIterable<string>)[]): Readable {
  return Readable.from(bytesOf(pieces), { objectMode: false });
}

async function* bytesOf(pieces: readonly (string | AsyncIterable<string>)[]): AsyncGenerator<Buffer> {
  for (const piece of pieces) {
    if (typeof piece === 'string') yield Buffer.from(piece);
    else for await (const text of piece) yield Buffer.from(text);
  }
}
