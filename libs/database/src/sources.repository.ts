import { Injectable } from '@nestjs/common';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { DatabaseService } from './database.service';
import { type Db } from './open-database';
import { type NewSource, type SourceKind, type SourceRow, sources } from './schema';

export type SourceImport = Pick<NewSource, 'kind' | 'id' | 'title' | 'content'>;

/** A source stored only if it is new; a note may carry the web client's folder. */
export type NewSourceImport = SourceImport & Pick<NewSource, 'folderId'>;

/** What insertNew did: stored every row (all share one import time), or none because these positions were already stored. */
export type NewSourcesOutcome = { readonly stored: true; readonly importedAt: Date } | { readonly stored: false; readonly conflicts: readonly number[] };

/** Thrown inside insertNew's transaction to roll it back; never leaves the repository. */
class AlreadyStored extends Error {
  constructor(readonly positions: readonly number[]) {
    super('sources already stored');
  }
}

/** A source's place in the keyset order (imported_at, id) of one kind; `at` is imported_at as Postgres prints it, to the microsecond a Date would lose. */
export interface SourcePosition {
  readonly at: string;
  readonly id: string;
}

/** What pageOfKind reads: one kind, after a position, at most `limit` rows, only pending ones if asked. */
export interface SourcePageQuery {
  readonly kind: SourceKind;
  readonly limit: number;
  readonly pendingOnly?: boolean;
  readonly after?: SourcePosition;
}

/** A page of sources and where the next one starts (absent after the last page). */
export interface SourcePage {
  readonly rows: SourceRow[];
  readonly next?: SourcePosition;
}

/** A source's key and import time, without its content. */
export type SourceKey = Pick<SourceRow, 'kind' | 'id' | 'importedAt'>;

const keyOf = (row: { kind: string; id: string }) => `${row.kind}\u0000${row.id}`;

/** Positions of `rows` the insert skipped: stored before, or a repeat of an earlier row. */
function notInserted(rows: readonly NewSourceImport[], written: readonly { kind: string; id: string }[]): number[] {
  const inserted = new Set(written.map(keyOf));
  const seen = new Set<string>();
  return rows.flatMap((row, index) => {
    const key = keyOf(row);
    const skipped = !inserted.has(key) || seen.has(key);
    seen.add(key);
    return skipped ? [index] : [];
  });
}

/** The user's imported conversations and notes. */
@Injectable()
export class SourcesRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * Inserts or refreshes sources by (user, kind, id). A re-imported source keeps
   * the graph version that included it. Returns how many rows were written.
   */
  async upsert(userId: string, rows: readonly SourceImport[], tx?: Db): Promise<number> {
    if (rows.length === 0) return 0;
    const written = await this.db(tx)
      .insert(sources)
      .values(rows.map((row) => ({ ...row, userId })))
      .onConflictDoUpdate({
        target: [sources.userId, sources.kind, sources.id],
        set: { title: sql`excluded.title`, content: sql`excluded.content`, importedAt: sql`now()` },
      })
      .returning({ id: sources.id });
    return written.length;
  }

  /**
   * Stores every row or none (one transaction): a row whose (user, kind, id) is
   * already stored, also by a request committing at the same time, is never
   * overwritten; their positions in `rows` come back instead and nothing is stored.
   */
  async insertNew(userId: string, rows: readonly NewSourceImport[], tx?: Db): Promise<NewSourcesOutcome> {
    if (rows.length === 0) return { stored: true, importedAt: new Date() };
    try {
      return await this.db(tx).transaction(async (inner) => {
        const written = await inner
          .insert(sources)
          .values(rows.map((row) => ({ ...row, userId })))
          .onConflictDoNothing({ target: [sources.userId, sources.kind, sources.id] })
          .returning({ kind: sources.kind, id: sources.id, importedAt: sources.importedAt });
        if (written.length === rows.length) return { stored: true as const, importedAt: written[0].importedAt };
        throw new AlreadyStored(notInserted(rows, written));
      });
    } catch (error) {
      if (error instanceof AlreadyStored) return { stored: false, conflicts: error.positions };
      throw error;
    }
  }

  /** Every source of the user, oldest import first. */
  listAll(userId: string, tx?: Db): Promise<SourceRow[]> {
    return this.db(tx).select().from(sources).where(eq(sources.userId, userId)).orderBy(asc(sources.importedAt), asc(sources.id));
  }

  /** Sources no graph has included yet (what an add-node job sends). */
  listPending(userId: string, tx?: Db): Promise<SourceRow[]> {
    return this.db(tx)
      .select()
      .from(sources)
      .where(and(eq(sources.userId, userId), isNull(sources.graphVersion)))
      .orderBy(asc(sources.importedAt), asc(sources.id));
  }

  /** The keys of the user's sources (only pending ones if asked), in listAll's order: small rows, no content. */
  listKeys(userId: string, options: { pendingOnly?: boolean } = {}, tx?: Db): Promise<SourceKey[]> {
    return this.db(tx)
      .select({ kind: sources.kind, id: sources.id, importedAt: sources.importedAt })
      .from(sources)
      .where(and(eq(sources.userId, userId), options.pendingOnly ? isNull(sources.graphVersion) : undefined))
      .orderBy(asc(sources.importedAt), asc(sources.id), asc(sources.kind));
  }

  /**
   * One page of the user's sources of one kind in (imported_at, id) order, read
   * by keyset: nothing is held between pages (no transaction, no cursor), so a
   * bundle streamed over minutes keeps no connection, on node-postgres and PGlite alike.
   */
  async pageOfKind(userId: string, query: SourcePageQuery, tx?: Db): Promise<SourcePage> {
    const after = query.after && sql`(${sources.importedAt}, ${sources.id}) > (${query.after.at}::timestamptz, ${query.after.id})`;
    const rows = await this.db(tx)
      .select({ row: sources, at: sql<string>`${sources.importedAt}::text` })
      .from(sources)
      .where(and(eq(sources.userId, userId), eq(sources.kind, query.kind), query.pendingOnly ? isNull(sources.graphVersion) : undefined, after))
      .orderBy(asc(sources.importedAt), asc(sources.id))
      .limit(query.limit);
    const last = rows.at(-1);
    const next = rows.length === query.limit && last ? { at: last.at, id: last.row.id } : undefined;
    return { rows: rows.map(({ row }) => row), ...(next ? { next } : {}) };
  }

  private db(tx: Db | undefined): Db {
    return tx ?? this.database.db;
  }
}
