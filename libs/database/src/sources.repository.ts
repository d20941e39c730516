import { Injectable } from '@nestjs/common';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { DatabaseService } from './database.service';
import { type Db } from './open-database';
import { type NewSource, type SourceRow, sources } from './schema';

export type SourceImport = Pick<NewSource, 'kind' | 'id' | 'title' | 'content'>;

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

  private db(tx: Db | undefined): Db {
    return tx ?? this.database.db;
  }
}
