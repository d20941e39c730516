import { Injectable } from '@nestjs/common';
import { type JobEvent, type JobEventNotice } from './job-event';
import { JobEventPublisher } from './job-event.publisher';

type Listener = () => void;

/**
 * In-process fan-out of "look" notices to the SSE streams one api process
 * holds. A notice carries only a user id: every stream of that user reads what
 * is new from the event log itself. Routing is one map lookup, so the cost of
 * a notice does not grow with the number of other users connected.
 */
@Injectable()
export class JobEventHub extends JobEventPublisher {
  private readonly listeners = new Map<string, Set<Listener>>();

  publish(event: JobEvent): Promise<void> {
    this.notify({ userId: event.userId });
    return Promise.resolve();
  }

  notify(notice: JobEventNotice): void {
    for (const listener of this.listeners.get(notice.userId) ?? []) listener();
  }

  /** Calls `listener` on every notice for `userId` until the returned function is called. */
  watch(userId: string, listener: Listener): () => void {
    let forUser = this.listeners.get(userId);
    if (!forUser) this.listeners.set(userId, (forUser = new Set()));
    forUser.add(listener);
    return () => {
      forUser.delete(listener);
      if (forUser.size === 0 && this.listeners.get(userId) === forUser) this.listeners.delete(userId);
    };
  }

  /** Users with at least one watcher (for tests and metrics). */
  get watchedUsers(): number {
    return this.listeners.size;
  }
}
