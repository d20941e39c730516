import { Injectable } from '@nestjs/common';
import { and, asc, desc, eq, inArray, isNotNull, isNull, lte, notInArray, sql } from 'drizzle-orm';
import { DatabaseService } from './database.service';
import { APPEND_LOCK_CLASS, formatEventId, type JobEventRecord } from './job-events.repository';
import { type Db } from './open-database';
import { type Job, type JobKind, type JobStatus, jobs, type NewJob } from './schema';

/** States a job is still waiting in; only these have a deadline that matters. */
const LIVE_JOB_STATUSES = ['QUEUED', 'RUNNING'] as const satisfies readonly JobStatus[];

/** Namespace of the per-user job-creation lock (two-int advisory key space). */
const USER_JOBS_LOCK_CLASS = 0x6a6f6273;

/** Fields a transition may change; identity, kind and creation time never change. */
export type JobPatch = Partial<Omit<NewJob, 'taskId' | 'userId' | 'kind' | 'createdAt' | 'updatedAt'>>;

/** One progress report for advanceProgress; `payload` is the event it logs when the job moves. */
export interface ProgressItem {
  readonly taskId: string;
  readonly userId: string;
  readonly stage: string;
  readonly percent: number;
  readonly etaSeconds: number | null;
  readonly payload: Record<string, unknown>;
}

/** What advanceProgress applies to every job it moves. */
export interface ProgressMove {
  readonly kind: JobKind;
  readonly eventType: string;
  /** Kept when the job has started already (write-once). */
  readonly startedAt: Date;
  /** Written unless it is less than 30 s past the job's current deadline (migration 0009: keeps the update HOT). */
  readonly deadlineAt: Date;
}

/** An item that moved its job, with the event it logged (none when it repeated the job's progress). */
export interface ProgressApplied {
  /** Position of the item in the batch. */
  readonly index: number;
  readonly event?: JobEventRecord;
}

interface RawProgressRow {
  ord: string | number;
  id: string | number | bigint | null;
  created_at: Date | string | null;
}

/** An ended job's recorded keys, for deleting its files (jobFileLocations in @app/job-events). */
export type EndedJobFiles = Pick<Job, 'taskId' | 'kind' | 'inputKey' | 'resultKey'>;

const ENDED_JOB_FILES = { taskId: jobs.taskId, kind: jobs.kind, inputKey: jobs.inputKey, resultKey: jobs.resultKey };

export interface JobListQuery {
  limit: number;
  /** taskId of the last job of the previous page; jobs created before it come next. */
  before?: string;
}

/** The job ledger. I/O only: which transitions are legal is the caller's rule. */
@Injectable()
export class JobsRepository {
  constructor(private readonly database: DatabaseService) {}

  async create(job: NewJob, tx?: Db): Promise<Job> {
    const [row] = await this.db(tx).insert(jobs).values(job).returning();
    return row;
  }

  async findById(taskId: string, tx?: Db): Promise<Job | undefined> {
    const [row] = await this.db(tx).select().from(jobs).where(eq(jobs.taskId, taskId));
    return row;
  }

  /** undefined when the job does not exist or belongs to another user. */
  async findForUser(userId: string, taskId: string, tx?: Db): Promise<Job | undefined> {
    const [row] = await this.db(tx)
      .select()
      .from(jobs)
      .where(and(eq(jobs.taskId, taskId), eq(jobs.userId, userId)));
    return row;
  }

  /** Serializes job creation per user until `tx` ends (for "one graph job at a time" rules). */
  async lockUserJobs(userId: string, tx: Db): Promise<void> {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${USER_JOBS_LOCK_CLASS}, hashtext(${userId}))`);
  }

  /** The user's live (QUEUED or RUNNING) jobs of these kinds. */
  findLive(userId: string, kinds: readonly Job['kind'][], tx?: Db): Promise<Job[]> {
    return this.db(tx)
      .select()
      .from(jobs)
      .where(and(eq(jobs.userId, userId), inArray(jobs.kind, [...kinds]), inArray(jobs.status, [...LIVE_JOB_STATUSES])));
  }

  /** Newest first; an unknown `before` cursor yields an empty page. */
  listForUser(userId: string, query: JobListQuery, tx?: Db): Promise<Job[]> {
    const cursor =
      query.before === undefined
        ? undefined
        : sql`(${jobs.createdAt}, ${jobs.taskId}) < (SELECT c.created_at, c.task_id FROM jobs c WHERE c.task_id = ${query.before} AND c.user_id = ${userId})`;
    return this.db(tx)
      .select()
      .from(jobs)
      .where(and(eq(jobs.userId, userId), cursor))
      .orderBy(desc(jobs.createdAt), desc(jobs.taskId))
      .limit(query.limit);
  }

  /**
   * One conditional UPDATE: applies `patch` only while the status is one of
   * `from`, so concurrent or late writers cannot move a job backwards.
   * `startedAt` is write-once: a job that has started keeps its first start
   * time. Returns the updated row, or undefined when the job was not in `from`.
   */
  async transition(taskId: string, from: readonly JobStatus[], patch: JobPatch, tx?: Db): Promise<Job | undefined> {
    const { startedAt, ...rest } = patch;
    const [row] = await this.db(tx)
      .update(jobs)
      .set({
        ...rest,
        ...(startedAt === undefined ? {} : { startedAt: sql`coalesce(${jobs.startedAt}, ${startedAt})` }),
        updatedAt: sql`now()`,
      })
      .where(and(eq(jobs.taskId, taskId), inArray(jobs.status, [...from])))
      .returning();
    return row;
  }

  /**
   * Live jobs (QUEUED/RUNNING) whose deadline is at or before `now`, oldest
   * deadline first, at most `limit` of them. Served by the partial index
   * jobs_active_idx; jobs without a deadline never expire.
   */
  findExpired(now: Date, limit: number, tx?: Db): Promise<Job[]> {
    return this.db(tx)
      .select()
      .from(jobs)
      .where(and(inArray(jobs.status, [...LIVE_JOB_STATUSES]), lte(jobs.deadlineAt, now)))
      .orderBy(asc(jobs.deadlineAt), asc(jobs.taskId))
      .limit(limit);
  }

  /**
   * Applies a batch of progress reports in one statement (the apply_job_progress
   * function, migrations 0003 and 0005): each job still QUEUED or RUNNING, of
   * `move.kind` and owned by the item's user, becomes RUNNING with the newest
   * item's progress and the new deadline; every item whose job moved logs its
   * event, in batch order, under the same per-user append lock as
   * JobEventsRepository.append, except an item that repeats the progress its job
   * had (a duplicate delivery), which is applied without an event. Items that
   * moved nothing (late, foreign or unknown) are absent from the result.
   */
  async advanceProgress(items: readonly ProgressItem[], move: ProgressMove): Promise<ProgressApplied[]> {
    if (items.length === 0) return [];
    const result: unknown = await this.database.db.execute(sql`
      SELECT ord, id, created_at FROM apply_job_progress(
        ${JSON.stringify(items)}::jsonb, ${move.kind}, ${move.eventType}, ${APPEND_LOCK_CLASS}::integer,
        ${move.startedAt.toISOString()}::timestamptz, ${move.deadlineAt.toISOString()}::timestamptz)`);
    return (result as { rows: RawProgressRow[] }).rows.map((row) => {
      const index = Number(row.ord) - 1;
      const item = items[index];
      if (row.id === null || row.created_at === null) return { index };
      const event = { id: formatEventId(row.id), taskId: item.taskId, userId: item.userId, type: move.eventType, payload: item.payload };
      return { index, event: { ...event, timestamp: new Date(row.created_at).toISOString() } };
    });
  }

  /**
   * Locks (FOR UPDATE SKIP LOCKED, until `tx` ends) up to `limit` ended jobs
   * that finished at or before `endedBefore` and whose files are not deleted
   * yet, oldest first (partial index jobs_files_pending_idx). Rows another
   * transaction holds are skipped, so concurrent sweeps split the work.
   */
  claimPendingFiles(endedBefore: Date, limit: number, tx: Db): Promise<EndedJobFiles[]> {
    return tx
      .select(ENDED_JOB_FILES)
      .from(jobs)
      .where(and(isNull(jobs.filesDeletedAt), notInArray(jobs.status, [...LIVE_JOB_STATUSES]), lte(jobs.finishedAt, endedBefore)))
      .orderBy(asc(jobs.finishedAt), asc(jobs.taskId))
      .limit(limit)
      .for('update', { skipLocked: true });
  }

  /** As claimPendingFiles, for one job and whenever it ended; undefined when it is live, cleaned, unknown or locked. */
  async claimFilesOf(taskId: string, tx: Db): Promise<EndedJobFiles | undefined> {
    const [row] = await tx
      .select(ENDED_JOB_FILES)
      .from(jobs)
      .where(and(eq(jobs.taskId, taskId), isNull(jobs.filesDeletedAt), notInArray(jobs.status, [...LIVE_JOB_STATUSES])))
      .for('update', { skipLocked: true });
    return row;
  }

  /** Stamps the jobs' files deleted (files_deleted_at = now()); a job stamped already keeps its stamp. */
  async markFilesDeleted(taskIds: readonly string[], tx?: Db): Promise<void> {
    if (taskIds.length === 0) return;
    await this.db(tx)
      .update(jobs)
      .set({ filesDeletedAt: sql`now()` })
      .where(and(inArray(jobs.taskId, [...taskIds]), isNull(jobs.filesDeletedAt)));
  }

  /** Clears the stamp, so the file sweep looks again (a late result may have written new files for the job). */
  async markFilesPending(taskId: string, tx?: Db): Promise<void> {
    await this.db(tx)
      .update(jobs)
      .set({ filesDeletedAt: null })
      .where(and(eq(jobs.taskId, taskId), isNotNull(jobs.filesDeletedAt)));
  }

  /** SELECT ... FOR UPDATE inside the caller's transaction, for read-then-write handlers. */
  async lockForUpdate(taskId: string, tx: Db): Promise<Job | undefined> {
    const [row] = await tx.select().from(jobs).where(eq(jobs.taskId, taskId)).for('update');
    return row;
  }

  private db(tx: Db | undefined): Db {
    return tx ?? this.database.db;
  }
}
