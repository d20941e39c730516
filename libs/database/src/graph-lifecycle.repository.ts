import { Injectable } from '@nestjs/common';
import { and, count, eq, inArray, isNotNull, isNull, notInArray, sql } from 'drizzle-orm';
import { DatabaseService } from './database.service';
import { type Db } from './open-database';
import { graphs, graphSummaries, type JobKind, jobs, type SourceKind, sources } from './schema';

/** Where a job's files are: what the request pointed the AI at, and the result file it wrote. */
export interface JobFiles {
  readonly taskId: string;
  readonly kind: JobKind;
  readonly inputKey: string;
  readonly resultKey: string | null;
}

/** Live jobs may still read their files; they are never purged. */
const LIVE_STATUSES = ['QUEUED', 'RUNNING'] as const;

/** Deleted within the last `windowSeconds`, by the database's clock (the one that stamped it). */
const deletedWithin = (column: typeof graphs.deletedAt | typeof graphSummaries.deletedAt, windowSeconds: number) =>
  sql`${column} > now() - make_interval(secs => ${windowSeconds}::integer)`;

/**
 * Deleting (restorably or for good) and restoring the user's graph and summary.
 * A restorable delete stamps `deleted_at`; GraphRepository then reads the graph
 * (and its summaries) as absent. I/O only: when a delete is allowed is the caller's rule.
 */
@Injectable()
export class GraphLifecycleRepository {
  constructor(protected readonly database: DatabaseService) {}

  /** Stamps the graph deleted; false when there is no graph or it is already deleted (its stamp is kept). */
  async softDeleteGraph(userId: string, tx?: Db): Promise<boolean> {
    const rows = await this.db(tx)
      .update(graphs)
      .set({ deletedAt: sql`now()` })
      .where(and(eq(graphs.userId, userId), isNull(graphs.deletedAt)))
      .returning({ userId: graphs.userId });
    return rows.length > 0;
  }

  /** Un-deletes a graph deleted within the window; false when there is none. */
  async restoreGraph(userId: string, windowSeconds: number, tx?: Db): Promise<boolean> {
    const rows = await this.db(tx)
      .update(graphs)
      .set({ deletedAt: null })
      .where(and(eq(graphs.userId, userId), isNotNull(graphs.deletedAt), deletedWithin(graphs.deletedAt, windowSeconds)))
      .returning({ userId: graphs.userId });
    return rows.length > 0;
  }

  /**
   * Deletes the graph for good, deleted or not (its nodes, edges, clusters and
   * subclusters go with the graphs row), and every summary of the user, and
   * marks every source as not in any graph. Returns whether there was a graph.
   */
  async purgeGraph(userId: string, tx?: Db): Promise<boolean> {
    return this.db(tx).transaction(async (db) => {
      const deleted = await db.delete(graphs).where(eq(graphs.userId, userId)).returning({ userId: graphs.userId });
      await db.delete(graphSummaries).where(eq(graphSummaries.userId, userId));
      await db
        .update(sources)
        .set({ graphVersion: null })
        .where(and(eq(sources.userId, userId), isNotNull(sources.graphVersion)));
      return deleted.length > 0;
    });
  }

  /** Stamps every summary of the user deleted (one stamp for all); returns how many were. */
  async softDeleteSummaries(userId: string, tx?: Db): Promise<number> {
    const rows = await this.db(tx)
      .update(graphSummaries)
      .set({ deletedAt: sql`now()` })
      .where(and(eq(graphSummaries.userId, userId), isNull(graphSummaries.deletedAt)))
      .returning({ graphVersion: graphSummaries.graphVersion });
    return rows.length;
  }

  /**
   * Un-deletes the summaries of the user's latest summary delete, when it was
   * within the window; returns how many. Earlier deletes stay deleted.
   */
  async restoreSummaries(userId: string, windowSeconds: number, tx?: Db): Promise<number> {
    const latest = sql`(SELECT max(latest.deleted_at) FROM ${graphSummaries} latest WHERE latest.user_id = ${userId})`;
    const rows = await this.db(tx)
      .update(graphSummaries)
      .set({ deletedAt: null })
      .where(and(eq(graphSummaries.userId, userId), eq(graphSummaries.deletedAt, latest), deletedWithin(graphSummaries.deletedAt, windowSeconds)))
      .returning({ graphVersion: graphSummaries.graphVersion });
    return rows.length;
  }

  /** Deletes every summary of the user for good, deleted or not; returns how many. */
  async purgeSummaries(userId: string, tx?: Db): Promise<number> {
    const rows = await this.db(tx).delete(graphSummaries).where(eq(graphSummaries.userId, userId)).returning({ graphVersion: graphSummaries.graphVersion });
    return rows.length;
  }

  /** The files of the user's finished jobs of these kinds (live jobs still need theirs). */
  finishedJobFiles(userId: string, kinds: readonly JobKind[], tx?: Db): Promise<JobFiles[]> {
    return this.db(tx)
      .select({ taskId: jobs.taskId, kind: jobs.kind, inputKey: jobs.inputKey, resultKey: jobs.resultKey })
      .from(jobs)
      .where(and(eq(jobs.userId, userId), inArray(jobs.kind, [...kinds]), notInArray(jobs.status, [...LIVE_STATUSES])));
  }

  /** How many sources of each kind the user has now (a summary's live counts). */
  async countSources(userId: string, tx?: Db): Promise<Record<SourceKind, number>> {
    const rows = await this.db(tx).select({ kind: sources.kind, total: count() }).from(sources).where(eq(sources.userId, userId)).groupBy(sources.kind);
    const counts: Record<SourceKind, number> = { conversation: 0, note: 0 };
    for (const row of rows) counts[row.kind] = Number(row.total);
    return counts;
  }

  private db(tx: Db | undefined): Db {
    return tx ?? this.database.db;
  }
}
