import { type JobEventRecord, JobEventsRepository } from '@app/database';

/** Users whose fresh start is read in one query. */
const USERS_PER_READ = 500;
/** Queries in flight at once. */
const READERS = 2;

interface Start {
  readonly latestId: string | undefined;
  readonly events: readonly JobEventRecord[];
}

interface Waiting {
  readonly resolve: (start: Start) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Where fresh streams start (the user's newest id and restore set), for many
 * users in one query (JobEventsRepository.restoreForUsers): streams that open
 * while a query runs are gathered into the next one, and the streams of one
 * user in the same query share its answer. Every query starts after the
 * requests it answers arrived, so each stream's start is fixed after it asked.
 */
export class FreshStarts {
  private readonly pending = new Map<string, Waiting[]>();
  private readers = 0;

  constructor(
    private readonly events: JobEventsRepository,
    private readonly query: () => { readonly recentSince: Date; readonly limit: number },
  ) {}

  of(userId: string): Promise<Start> {
    return new Promise((resolve, reject) => {
      const waiting = this.pending.get(userId);
      if (waiting) waiting.push({ resolve, reject });
      else this.pending.set(userId, [{ resolve, reject }]);
      if (this.readers < READERS) {
        this.readers += 1;
        void this.run();
      }
    });
  }

  private async run(): Promise<void> {
    try {
      while (this.pending.size > 0) await this.read(this.take());
    } finally {
      this.readers -= 1;
    }
  }

  private take(): Map<string, Waiting[]> {
    const batch = new Map<string, Waiting[]>();
    for (const [userId, waiting] of this.pending) {
      this.pending.delete(userId);
      batch.set(userId, waiting);
      if (batch.size === USERS_PER_READ) break;
    }
    return batch;
  }

  private async read(batch: Map<string, Waiting[]>): Promise<void> {
    try {
      const starts = await this.events.restoreForUsers([...batch.keys()], this.query());
      for (const [userId, waiting] of batch) {
        const start = starts.get(userId) ?? { latestId: undefined, events: [] };
        for (const { resolve } of waiting) resolve(start);
      }
    } catch (error) {
      for (const waiting of batch.values()) for (const { reject } of waiting) reject(error);
    }
  }
}
