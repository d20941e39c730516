import { Injectable, Logger } from '@nestjs/common';
import { describeFault } from '@app/faults';
import {
  DatabaseService,
  type Db,
  type Job,
  type JobKind,
  JobEventsRepository,
  type JobPatch,
  JobsRepository,
  type JobStatus,
  type NewJob,
  type ProgressApplied,
  type ProgressItem,
  type ProgressMove,
} from '@app/database';
import { type JobEvent } from './job-event';
import { JobEventPublisher } from './job-event.publisher';

/** The user already has a live job that excludes the new one. */
export class ExclusiveJobConflict extends Error {
  constructor(readonly liveTaskId: string) {
    super(`job ${liveTaskId} is still running`);
    this.name = 'ExclusiveJobConflict';
  }
}

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

  /**
   * Records a new job and its first event in one transaction, then announces
   * the event. With `exclusiveOf`, creation fails with ExclusiveJobConflict
   * while the user has a live job of those kinds (checked under a per-user lock,
   * so two concurrent requests cannot both pass).
   *
   * With `ready`, the job row is written while `ready` is still pending (its
   * work overlaps the round trips) and committed, with its event, only once
   * `ready` resolves; if it rejects, nothing is committed and open rejects with
   * its error. The transaction holds a connection meanwhile, so `ready` must be
   * short (the launcher passes the store of a body already in memory).
   */
  async open(job: NewJob, event: EventDraft, exclusiveOf?: readonly JobKind[], ready?: Promise<unknown>): Promise<Job> {
    const [created, logged] = await this.database.transaction(async (tx) => {
      if (exclusiveOf) {
        await this.jobs.lockUserJobs(job.userId, tx);
        const live = await this.jobs.findLive(job.userId, exclusiveOf, tx);
        if (live.length > 0) throw new ExclusiveJobConflict(live[0].taskId);
      }
      const row = await this.jobs.create(job, tx);
      // Before the event: its append takes the user's event-log lock, which should not wait on `ready`.
      await ready;
      return [row, await this.events.append({ taskId: row.taskId, userId: row.userId, ...event }, tx)] as const;
    });
    await this.announce(logged);
    return created;
  }

  /**
   * The task id of one of the user's live jobs of these kinds, if any: an
   * early answer before work that open() would refuse anyway (open checks
   * again, under its lock).
   */
  async liveJobOf(userId: string, kinds: readonly JobKind[]): Promise<string | undefined> {
    const [live] = await this.jobs.findLive(userId, kinds);
    return live?.taskId;
  }

  /**
   * Moves a job on if it is still in one of `from`; otherwise does nothing
   * and returns undefined (terminal states never change). `work` runs inside
   * the same transaction after the job row is locked, e.g. to store a graph. Without `work` the conditional UPDATE itself
   * takes the row lock, so no SELECT ... FOR UPDATE precedes it.
   */
  async advance(
    taskId: string,
    from: readonly JobStatus[],
    patch: JobPatch,
    event: (job: Job) => EventDraft,
    work?: (tx: Db, job: Job) => Promise<void>,
  ): Promise<Job | undefined> {
    const outcome = await this.database.transaction(async (tx) => {
      if (work) {
        const current = await this.jobs.lockForUpdate(taskId, tx);
        if (!current || !from.includes(current.status)) return undefined;
        await work(tx, current);
      }
      const updated = await this.jobs.transition(taskId, [...from], patch, tx);
      if (!updated) return undefined;
      const logged = await this.events.append({ taskId, userId: updated.userId, ...event(updated) }, tx);
      return { updated, logged };
    });
    if (!outcome) return undefined;
    await this.announce(outcome.logged);
    return outcome.updated;
  }

  /**
   * Moves a batch of live jobs on with progress reports, in one statement (see
   * JobsRepository.advanceProgress), then announces every logged event.
   * Returns the items that moved their job (a report that repeats its job's
   * progress moves it without an event); the others changed nothing.
   */
  async advanceProgress(items: readonly ProgressItem[], move: ProgressMove): Promise<ProgressApplied[]> {
    const applied = await this.jobs.advanceProgress(items, move);
    await Promise.all(applied.flatMap(({ event }) => (event ? [this.announce(event)] : [])));
    return applied;
  }

  private async announce(event: JobEvent): Promise<void> {
    try {
      await this.publisher.publish(event);
    } catch (error) {
      this.logger.warn(`event ${event.id} of task ${event.taskId} is logged but was not announced: ${describeFault(error)}`);
    }
  }
}
