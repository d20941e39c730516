import { Injectable } from '@nestjs/common';
import { and, asc, desc, eq, gt, sql } from 'drizzle-orm';
import { DatabaseService } from './database.service';
import { type Db } from './open-database';
import { jobEvents, type JobEventRow } from './schema';

export interface NewJobEvent {
  taskId: string;
  userId: string;
  type: string;
  payload: Record<string, unknown>;
}

export interface JobEventRecord extends NewJobEvent {
  /** Sequence number as a decimal string (bigint); also the SSE event id. */
  id: string;
  /** ISO 8601, UTC. */
  timestamp: string;
}

/** A job_events row as the raw append statement returns it (drivers differ on bigint and date types). */
interface RawEventRow {
  id: string | number | bigint;
  task_id: string;
  user_id: string;
  type: string;
  payload: Record<string, unknown> | string;
  created_at: Date | string;
}

/** Namespace of the per-user append lock (two-int advisory key space); apply_job_progress takes it too. */
export const APPEND_LOCK_CLASS = 0x6a657674;
const EVENT_ID = /^\d{1,19}$/;

/** The append-only job event log. */
@Injectable()
export class JobEventsRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * Appends under a per-user transaction lock, so a user's events commit in id
   * order and a reader resuming after id N can never miss a smaller id that
   * commits later. One statement: the INSERT draws its single row from the CTE
   * that takes the lock, so the lock is held before the id is drawn.
   */
  async append(event: NewJobEvent, tx?: Db): Promise<JobEventRecord> {
    const result: unknown = await this.db(tx).execute(sql`
      WITH turn AS (SELECT pg_advisory_xact_lock(${APPEND_LOCK_CLASS}, hashtext(${event.userId})))
      INSERT INTO ${jobEvents} (task_id, user_id, type, payload)
      SELECT ${event.taskId}, ${event.userId}, ${event.type}, ${JSON.stringify(event.payload)}::jsonb FROM turn
      RETURNING id, task_id, user_id, type, payload, created_at`);
    const [row] = (result as { rows: RawEventRow[] }).rows; // node-postgres and PGlite both answer with rows
    return {
      id: String(row.id),
      taskId: row.task_id,
      userId: row.user_id,
      type: row.type,
      payload: typeof row.payload === 'string' ? (JSON.parse(row.payload) as Record<string, unknown>) : row.payload,
      timestamp: new Date(row.created_at).toISOString(),
    };
  }

  /** The user's events after `afterId`, oldest first. */
  async listForUser(userId: string, afterId?: string, limit = 500, tx?: Db): Promise<JobEventRecord[]> {
    const rows = await this.db(tx)
      .select()
      .from(jobEvents)
      .where(and(eq(jobEvents.userId, userId), after(afterId)))
      .orderBy(asc(jobEvents.id))
      .limit(limit);
    return rows.map(toRecord);
  }

  /** Id of the user's newest event, or undefined when there is none (where a fresh stream starts). */
  async latestIdForUser(userId: string, tx?: Db): Promise<string | undefined> {
    const [row] = await this.db(tx)
      .select({ id: jobEvents.id })
      .from(jobEvents)
      .where(eq(jobEvents.userId, userId))
      .orderBy(desc(jobEvents.id))
      .limit(1);
    return row?.id.toString();
  }

  /** One job's events after `afterId`, oldest first. */
  async listForJob(taskId: string, afterId?: string, limit = 500, tx?: Db): Promise<JobEventRecord[]> {
    const rows = await this.db(tx)
      .select()
      .from(jobEvents)
      .where(and(eq(jobEvents.taskId, taskId), after(afterId)))
      .orderBy(asc(jobEvents.id))
      .limit(limit);
    return rows.map(toRecord);
  }

  private db(tx: Db | undefined): Db {
    return tx ?? this.database.db;
  }
}

function after(afterId: string | undefined) {
  if (afterId === undefined) return undefined;
  if (!EVENT_ID.test(afterId)) throw new RangeError(`Event id must be a decimal integer, got "${afterId}"`);
  return gt(jobEvents.id, BigInt(afterId));
}

function toRecord(row: JobEventRow): JobEventRecord {
  return {
    id: row.id.toString(),
    taskId: row.taskId,
    userId: row.userId,
    type: row.type,
    payload: row.payload,
    timestamp: row.createdAt.toISOString(),
  };
}
