import { type JobEvent, type JobEventHub } from '@app/job-events';
import { type SseConnection } from './sse-connection';

/**
 * The open streams of one user in this process. The log is read once for all
 * of them, from the cursor of the stream furthest behind: each stream drops
 * what it already wrote (SseConnection.write), so one page serves every one.
 */
export class UserStreams {
  readonly connections = new Set<SseConnection>();
  private readonly unwatch: () => void;

  /** Watches the user's notices (`onNotice`) until the last stream leaves. */
  constructor(
    readonly userId: string,
    hub: JobEventHub,
    onNotice: (user: UserStreams) => void,
  ) {
    this.unwatch = hub.watch(userId, () => onNotice(this));
  }

  /** Where a read must start: the smallest cursor of the streams. */
  get cursor(): bigint {
    let lowest: bigint | undefined;
    for (const connection of this.connections) if (lowest === undefined || connection.cursor < lowest) lowest = connection.cursor;
    return lowest ?? 0n;
  }

  write(page: readonly JobEvent[]): void {
    for (const connection of this.connections) connection.write(page);
  }

  /** Removes a stream; true when it was the last one (the notices are no longer watched). */
  leave(connection: SseConnection): boolean {
    this.connections.delete(connection);
    if (this.connections.size > 0) return false;
    this.unwatch();
    return true;
  }
}
