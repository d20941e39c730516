import { Injectable } from '@nestjs/common';
import { and, asc, desc, eq, gt, gte, inArray, lt, lte, min, notExists, or, sql } from 'drizzle-orm';
import { DatabaseService } from './database.service';
import { type Db } from './open-database';
import { jobEvents, type JobEventRow, jobs } from './schema';

export interface NewJobEvent {
  taskId: string;
  userId: string;
  type: string;
  payload: Record<string, unknown>;
}

export interface JobEventRecord extends NewJobEvent {
  /**
   * Sequence number (bigint) as a fixed-width, zero-padded decimal string
   * (formatEventId), so string order equals numeric order; also the SSE event id.
   */
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
const MAX_EVENT_ID = 2n ** 63n - 1n;
/** Digits of every event id on the wire: a bigint's largest value has 19. */
export const EVENT_ID_WIDTH = 19;

/** A PostgreSQL array literal of `values` as one text parameter (however many there are; elements quoted and escaped). */
function textArray(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/["\\]/g, (char) => `\\${char}`)}"`).join(',')}}`;
}

/** An event id as it is handed out: 19 digits, zero-padded (`0000000000000000042`). */
export function formatEventId(id: string | number | bigint): string {
  return BigInt(id).toString().padStart(EVENT_ID_WIDTH, '0');
}

/** True for an event id given back as a cursor: 1-19 digits, padded or not, at most the largest bigint. */
export function isEventId(value: string): boolean {
  return EVENT_ID.test(value) && BigInt(value) <= MAX_EVENT_ID;
}

/** What a fresh stream replays (JobEventsRepository.listRestore). */
export interface RestoreQuery {
  /** Only events up to this id (where the stream then continues live). */
  readonly upToId: string;
  /** Events created at or after this time count as recent. */
  readonly recentSince: Date;
  readonly limit: number;
}

/** Where a fresh stream starts (JobEventsRepository.restoreForUser). */
export interface RestoreStart {
  /** The user's newest event id; undefined without events. */
  readonly latestId: string | undefined;
  /** The restore set up to it, oldest first. */
  readonly events: JobEventRecord[];
}

/** Where one user's reader stands in the log (JobEventsRepository.listForUsers). */
export interface UserCursor {
  readonly userId: string;
  /** Events after this id (padded or not). */
  readonly afterId: string;
}

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
    return fromRawRow(row);
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

  /**
   * For each user, its events after its own cursor, oldest first, at most
   * `limit` each, in one query (one index range scan per user): what the
   * streams of many users read at once. Users with nothing new are left out.
   */
  async listForUsers(cursors: readonly UserCursor[], limit = 500, tx?: Db): Promise<Map<string, JobEventRecord[]>> {
    const found = new Map<string, JobEventRecord[]>();
    if (cursors.length === 0) return found;
    const afters = cursors.map((cursor) => toEventId(cursor.afterId).toString());
    const result: unknown = await this.db(tx).execute(sql`
      SELECT e.id, e.task_id, e.user_id, e.type, e.payload, e.created_at
      FROM unnest(${textArray(cursors.map((cursor) => cursor.userId))}::text[], ${`{${afters.join(',')}}`}::bigint[]) AS u(user_id, after_id)
      CROSS JOIN LATERAL (
        SELECT id, task_id, user_id, type, payload, created_at FROM ${jobEvents}
        WHERE ${jobEvents.userId} = u.user_id AND ${jobEvents.id} > u.after_id ORDER BY ${jobEvents.id} LIMIT ${limit}
      ) e`);
    for (const row of (result as { rows: RawEventRow[] }).rows) {
      const record = fromRawRow(row);
      const list = found.get(record.userId);
      if (list) list.push(record);
      else found.set(record.userId, [record]);
    }
    for (const list of found.values()) list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return found;
  }

  /**
   * The newest event id of each of these users (users without events are
   * left out), in one query: one index probe per user (job_events_user_id_idx),
   * however many events they have. What a process's streams catch up against.
   */
  async latestIdsForUsers(userIds: readonly string[], tx?: Db): Promise<Map<string, string>> {
    if (userIds.length === 0) return new Map();
    const result: unknown = await this.db(tx).execute(sql`
      SELECT u.user_id, latest.id
      FROM unnest(${textArray(userIds)}::text[]) AS u(user_id)
      CROSS JOIN LATERAL (SELECT id FROM ${jobEvents} WHERE ${jobEvents.userId} = u.user_id ORDER BY ${jobEvents.id} DESC LIMIT 1) latest`);
    const rows = (result as { rows: { user_id: string; id: string | number | bigint }[] }).rows;
    return new Map(rows.map((row) => [row.user_id, formatEventId(row.id)]));
  }

  /** Id of the user's newest event, or undefined when there is none (where a fresh stream starts). */
  async latestIdForUser(userId: string, tx?: Db): Promise<string | undefined> {
    const [row] = await this.db(tx)
      .select({ id: jobEvents.id })
      .from(jobEvents)
      .where(eq(jobEvents.userId, userId))
      .orderBy(desc(jobEvents.id))
      .limit(1);
    return row ? formatEventId(row.id) : undefined;
  }

  /**
   * What a fresh connection (no cursor) replays to restore the client's state:
   * every event of the user's unfinished (QUEUED/RUNNING) jobs, then the newest
   * events created since `recentSince`, all up to `upToId`; at most `limit`
   * (the unfinished jobs' newest first, then the newest recent ones), returned
   * oldest first.
   */
  async listRestore(userId: string, query: RestoreQuery, tx?: Db): Promise<JobEventRecord[]> {
    const upTo = toEventId(query.upToId);
    const unfinished = sql<boolean>`(${jobs.taskId} IS NOT NULL)`;
    const rows = await this.db(tx)
      .select({ event: jobEvents })
      .from(jobEvents)
      .leftJoin(jobs, and(eq(jobs.taskId, jobEvents.taskId), inArray(jobs.status, ['QUEUED', 'RUNNING'])))
      .where(and(eq(jobEvents.userId, userId), lte(jobEvents.id, upTo), or(unfinished, gte(jobEvents.createdAt, query.recentSince))))
      .orderBy(desc(unfinished), desc(jobEvents.id))
      .limit(query.limit);
    return rows.map(({ event }) => toRecord(event)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * A fresh stream's start in one query: the user's newest event id (undefined
   * without events) and the restore set up to it, as listRestore answers with
   * `upToId` = that id (`limit` 0 = no restore set).
   */
  async restoreForUser(userId: string, query: Omit<RestoreQuery, 'upToId'>, tx?: Db): Promise<RestoreStart> {
    return (await this.restoreForUsers([userId], query, tx)).get(userId) ?? { latestId: undefined, events: [] };
  }

  /** restoreForUser for many users in one query (one index probe and one restore scan per user); users without events are left out. */
  async restoreForUsers(userIds: readonly string[], query: Omit<RestoreQuery, 'upToId'>, tx?: Db): Promise<Map<string, RestoreStart>> {
    const starts = new Map<string, RestoreStart>();
    if (userIds.length === 0) return starts;
    const result: unknown = await this.db(tx).execute(sql`
      WITH latest AS (
        SELECT u.user_id, l.id FROM unnest(${textArray(userIds)}::text[]) AS u(user_id)
        CROSS JOIN LATERAL (SELECT id FROM ${jobEvents} WHERE ${jobEvents.userId} = u.user_id ORDER BY ${jobEvents.id} DESC LIMIT 1) l
      )
      SELECT latest.user_id AS for_user, latest.id AS latest_id, e.id, e.task_id, e.user_id, e.type, e.payload, e.created_at
      FROM latest LEFT JOIN LATERAL (
        SELECT ev.*, (j.task_id IS NOT NULL) AS unfinished
        FROM ${jobEvents} ev
        LEFT JOIN ${jobs} j ON j.task_id = ev.task_id AND j.status IN ('QUEUED', 'RUNNING')
        WHERE ev.user_id = latest.user_id AND ev.id <= latest.id AND (j.task_id IS NOT NULL OR ev.created_at >= ${query.recentSince.toISOString()}::timestamptz)
        ORDER BY unfinished DESC, ev.id DESC
        LIMIT ${query.limit}
      ) e ON true`);
    type Row = Omit<RawEventRow, 'id'> & { for_user: string; latest_id: string | number | bigint; id: string | number | bigint | null };
    for (const row of (result as { rows: Row[] }).rows) {
      let start = starts.get(row.for_user);
      if (!start) starts.set(row.for_user, (start = { latestId: formatEventId(row.latest_id), events: [] }));
      if (row.id !== null) start.events.push(fromRawRow({ ...row, id: row.id }));
    }
    for (const start of starts.values()) start.events.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return starts;
  }

  /**
   * The id just before the user's first event created at or after `time` (a
   * time cursor's starting point), or the user's newest id when none is that
   * recent, or undefined without events.
   */
  async idBeforeTime(userId: string, time: Date, tx?: Db): Promise<string | undefined> {
    const [row] = await this.db(tx)
      .select({ first: min(jobEvents.id) })
      .from(jobEvents)
      .where(and(eq(jobEvents.userId, userId), gte(jobEvents.createdAt, time)));
    if (row?.first !== null && row?.first !== undefined) return formatEventId(BigInt(row.first) - 1n);
    return this.latestIdForUser(userId, tx);
  }

  /**
   * Deletes up to `limit` events created before `createdBefore`, oldest first
   * (index job_events_created_at_idx), never one of a job that is still
   * QUEUED/RUNNING; returns how many. One short statement: rows a concurrent
   * purge holds are skipped (SKIP LOCKED), so purges in several workers split
   * the work instead of waiting on each other.
   */
  async purgeOlderThan(createdBefore: Date, limit: number, tx?: Db): Promise<number> {
    const db = this.db(tx);
    const liveJob = db
      .select({ taskId: jobs.taskId })
      .from(jobs)
      .where(and(eq(jobs.taskId, jobEvents.taskId), inArray(jobs.status, ['QUEUED', 'RUNNING'])));
    const doomed = db
      .select({ id: jobEvents.id })
      .from(jobEvents)
      .where(and(lt(jobEvents.createdAt, createdBefore), notExists(liveJob)))
      .orderBy(asc(jobEvents.createdAt))
      .limit(limit)
      .for('update', { of: jobEvents, skipLocked: true });
    const deleted = await db.delete(jobEvents).where(inArray(jobEvents.id, doomed)).returning({ id: jobEvents.id });
    return deleted.length;
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
  return gt(jobEvents.id, toEventId(afterId));
}

function toEventId(id: string): bigint {
  if (!isEventId(id)) throw new RangeError(`Event id must be a decimal integer, got "${id}"`);
  return BigInt(id);
}

function fromRawRow(row: RawEventRow): JobEventRecord {
  return {
    id: formatEventId(row.id),
    taskId: row.task_id,
    userId: row.user_id,
    type: row.type,
    payload: typeof row.payload === 'string' ? (JSON.parse(row.payload) as Record<string, unknown>) : row.payload,
    timestamp: new Date(row.created_at).toISOString(),
  };
}

function toRecord(row: JobEventRow): JobEventRecord {
  return {
    id: formatEventId(row.id),
    taskId: row.taskId,
    userId: row.userId,
    type: row.type,
    payload: row.payload,
    timestamp: row.createdAt.toISOString(),
  };
}
