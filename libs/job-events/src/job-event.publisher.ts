import { type JobEvent } from './job-event';

/**
 * Tells the api processes that job events were committed. Best effort: the
 * event log in Postgres is the source of truth and SSE streams catch up from it.
 */
export abstract class JobEventPublisher {
  /** Tells the api processes that these users (distinct) have new events. */
  protected abstract announce(userIds: readonly string[]): Promise<void>;

  publish(event: JobEvent): Promise<void> {
    return this.announce([event.userId]);
  }

  /** Several events at once: each user is named once, in as few notices as can hold them. */
  publishAll(events: readonly JobEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return this.announce([...new Set(events.map((event) => event.userId))]);
  }
}
