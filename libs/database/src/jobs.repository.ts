import { Injectable } from '@nestjs/common';
import { and, asc, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import { DatabaseService } from './database.service';
import { type Db } from './open-database';
import { type Job, type JobKind, type JobStatus, jobs, type NewJob } from './schema';

/** States a job is still waiting in; only these have a deadline that matters. */
const LIVE_JOB_STATUSES = ['QUEUED', 'RUNNING'] as const satisfies readonly JobStatus[];

/** Namespace of the per-user job-creation lock (two-int advisory key space). */
const USER_JOBS_LOCK_CLASS = 0x6a6f6273;

/** Fields a transition may change; identity, kind and creation time never change. */
export type JobPatch = Partial<Omit<NewJob, 'taskId' | 'userId' | 'kind' | 'createdAt' | 'updatedAt'>>;

/** What a transition requires of the job besides its status: its owner and/or its kind. */
export interface JobGuard {
  readonly userId?: string;
  readonly kind?: JobKind;
}

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
   * `from` (and the job matches `guard`), so concurrent or late writers cannot
   * move a job backwards. `startedAt` is write-once: a job that has started
   * keeps its first start time. Returns the updated row, or undefined when the
   * job was not in `from` or does not match `guard`.
   */
  async transition(taskId: string, from: readonly JobStatus[], patch: JobPatch, tx?: Db, guard: JobGuard = {}): Promise<Job | undefined> {
    const { startedAt, ...rest } = patch;
    const [row] = await this.db(tx)
      .update(jobs)
      .set({
        ...rest,
        ...(startedAt === undefined ? {} : { startedAt: sql`coalesce(${jobs.startedAt}, ${startedAt})` }),
        updatedAt: sql`now()`,
      })
      .where(
        and(
          eq(jobs.taskId, taskId),
          inArray(jobs.status, [...from]),
          guard.userId === undefined ? undefined : eq(jobs.userId, guard.userId),
          guard.kind === undefined ? undefined : eq(jobs.kind, guard.kind),
        ),
      )
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

  /** SELECT ... FOR UPDATE inside the caller's transaction, for read-then-write handlers. */
  async lockForUpdate(taskId: string, tx: Db): Promise<Job | undefined> {
    const [row] = await tx.select().from(jobs).where(eq(jobs.taskId, taskId)).for('update');
    return row;
  }

  private db(tx: Db | undefined): Db {
    return tx ?? this.database.db;
  }
}
