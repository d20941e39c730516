import { JobEventsRepository } from '@app/database';
import { type UserStreams } from './user-streams';

/** Events read per user and round; a full page means more may be waiting. */
const PAGE = 500;
/** Users read in one query. */
const USERS_PER_READ = 500;
/** Reads in flight at once (each holds one pooled connection). */
const READERS = 2;

/**
 * Reads the log for the users whose streams were poked (a notice, a catch-up,
 * a new stream), many users per query (JobEventsRepository.listForUsers):
 * notices that arrive while a read runs are gathered into the next one, so a
 * burst of N notices costs far fewer than N queries. A user is never read by
 * two queries at once; one poked during its read is read once more after it.
 */
export class StreamLogReader {
  private readonly due = new Set<UserStreams>();
  private readonly reading = new Set<UserStreams>();
  private readonly again = new Set<UserStreams>();
  private readers = 0;

  constructor(
    private readonly events: JobEventsRepository,
    private readonly onError: (error: unknown) => void,
  ) {}

  poke(user: UserStreams): void {
    if (this.reading.has(user)) {
      this.again.add(user);
      return;
    }
    this.due.add(user);
    if (this.readers < READERS) {
      this.readers += 1;
      void this.run();
    }
  }

  private async run(): Promise<void> {
    try {
      while (this.due.size > 0) await this.read(this.take());
    } finally {
      this.readers -= 1;
    }
  }

  private take(): UserStreams[] {
    const batch: UserStreams[] = [];
    for (const user of this.due) {
      this.due.delete(user);
      this.reading.add(user);
      batch.push(user);
      if (batch.length === USERS_PER_READ) break;
    }
    return batch;
  }

  private async read(batch: readonly UserStreams[]): Promise<void> {
    try {
      const live = batch.filter((user) => user.connections.size > 0);
      const pages = await this.events.listForUsers(
        live.map((user) => ({ userId: user.userId, afterId: user.cursor.toString() })),
        PAGE,
      );
      for (const user of live) {
        const page = pages.get(user.userId) ?? [];
        user.write(page);
        if (page.length === PAGE) this.again.add(user);
      }
    } catch (error) {
      // The next notice or catch-up reads again from the same cursors.
      this.onError(error);
    } finally {
      for (const user of batch) {
        this.reading.delete(user);
        if (this.again.delete(user) && user.connections.size > 0) this.due.add(user);
      }
    }
  }
}
