import { type JobEvent } from './job-event';

/**
 * Tells the api processes that a job event was committed. Best effort: the
 * event log in Postgres is the source of truth and SSE streams catch up from it.
 */
export abstract class JobEventPublisher {
  abstract publish(event: JobEvent): Promise<void>;
}
