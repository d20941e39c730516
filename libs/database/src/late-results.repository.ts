import { Injectable } from '@nestjs/common';
import { asc, eq, inArray, lt } from 'drizzle-orm';
import { DatabaseService } from './database.service';
import { type Db } from './open-database';
import { type LateResultRow, lateResults } from './schema';

export interface NewLateResult {
  taskId: string;
  taskType: string;
  /** The job's status when the result arrived (terminal). */
  jobStatus: string;
  /** The envelope as received, JSON-safe. */
  envelope: Record<string, unknown>;
}

/** Results that arrived after their job ended; kept for operators, they never change the job. */
@Injectable()
export class LateResultsRepository {
  constructor(private readonly database: DatabaseService) {}

  async record(late: NewLateResult, tx?: Db): Promise<LateResultRow> {
    const [row] = await (tx ?? this.database.db).insert(lateResults).values(late).returning();
    return row;
  }

  listForTask(taskId: string, tx?: Db): Promise<LateResultRow[]> {
    return (tx ?? this.database.db).select().from(lateResults).where(eq(lateResults.taskId, taskId)).orderBy(asc(lateResults.id));
  }

  /** Deletes up to `limit` late results received before `receivedBefore`, oldest first; returns how many (concurrent purges skip each other's rows). */
  async purgeOlderThan(receivedBefore: Date, limit: number, tx?: Db): Promise<number> {
    const db = tx ?? this.database.db;
    const doomed = db
      .select({ id: lateResults.id })
      .from(lateResults)
      .where(lt(lateResults.receivedAt, receivedBefore))
      .orderBy(asc(lateResults.receivedAt))
      .limit(limit)
      .for('update', { skipLocked: true });
    const deleted = await db.delete(lateResults).where(inArray(lateResults.id, doomed)).returning({ id: lateResults.id });
    return deleted.length;
  }
}
