import { Injectable, Logger } from '@nestjs/common';
import { DatabaseService, type Db, type Job, JobEventsRepository, type JobPatch, JobsRepository, type JobStatus, type NewJob } from '@app/database';
import { type JobEvent } from './job-event';
import { JobEventPublisher } from './job-event.publisher';

export interface EventDraft {
  readonly type: string;
  readonly payload: Record<string, unknown>;
}

/**
 * The only writer of job state. Every state change and its event are written
 * in one transaction, then the event is announced; announcing is best effort
 * because SSE streams catch up from the event log.
 */
@Injectable()
export class JobLedger {
  private readonly logger = new Logger(JobLedger.name);

  constructor(
    private readonly database: DatabaseService,
    private readonly jobs: JobsRepository,
    private readonly events: JobEventsRepository,
    private readonly publisher: JobEventPublisher,
  ) {}

  async open(job: NewJob, event: EventDraft): Promise<Job> {
    const [created, logged] = await this.database.transaction(async (tx) => {
      const row = await this.jobs.create(job, tx);
      return [row, await this.events.append({ taskId: row.taskId, userId: row.userId, ...event }, tx)] as const;
    });
    await this.announce(logged);
    return created;
  }

  /**
   * Moves a job on if it is still in one of `from`; otherwise does nothing and
   * returns undefined (terminal states never change). `work` runs inside the
   * same transaction after the job row is locked, e.g. to store a graph.
   */
  async advance(
    taskId: string,
    from: readonly JobStatus[],
    patch: JobPatch,
    event: (job: Job) => EventDraft,
    work?: (tx: Db, job: Job) => Promise<void>,
  ): Promise<Job | undefined> {
    const outcome = await this.database.transaction(async (tx) => {
      const current = await this.jobs.lockForUpdate(taskId, tx);
      if (!current || !from.includes(current.status)) return undefined;
      await work?.(tx, current);
      const updated = await this.jobs.transition(taskId, [...from], patch, tx);
      if (!updated) return undefined;
      const logged = await this.events.append({ taskId, userId: updated.userId, ...event(updated) }, tx);
      return { updated, logged };
    });
    if (!outcome) return undefined;
    await this.announce(outcome.logged);
    return outcome.updated;
  }

  private async announce(event: JobEvent): Promise<void> {
    try {
      await this.publisher.publish(event);
    } catch (error) {
      this.logger.warn(`event ${event.id} of task ${event.taskId} is logged but was not announced: ${String(error)}`);
    }
  }
}
