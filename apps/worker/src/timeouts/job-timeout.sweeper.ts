import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { type Job, JobsRepository } from '@app/database';
import { describeFault } from '@app/faults';
import { failureDraft, JOB_KIND_SPECS, JobLedger } from '@app/job-events';
import { WorkerEnvironment } from '../config/worker.environment';
import { JobFilesCleaner } from '../retention/job-files.cleaner';
import { userMessageFor } from '../results/failure-messages';
import { JOB_TIMED_OUT, jobTimeoutSeconds } from './job-deadline';
import { PeriodicTask } from '../periodic-task';

const LIVE = ['QUEUED', 'RUNNING'] as const;

/** Thrown inside the ledger transaction to roll it back: progress moved the deadline after we read the job. */
class DeadlineMoved extends Error {}

type Expiry = 'timed-out' | 'skipped' | 'error';

/**
 * Fails live jobs that heard nothing (no progress, no result) before their
 * deadline with JOB_TIMED_OUT. Every JOB_SWEEP_INTERVAL_MS; several worker
 * processes may sweep at once, since JobLedger.advance only moves a job that is
 * still QUEUED/RUNNING under its row lock (a result that wins makes the sweep a
 * no-op, and a sweep that wins makes the result a late one).
 */
@Injectable()
export class JobTimeoutSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  static readonly BATCH_SIZE = 100;

  private readonly logger = new Logger(JobTimeoutSweeper.name);
  private readonly task = new PeriodicTask<number>(() => this.sweep());

  constructor(
    private readonly jobs: JobsRepository,
    private readonly ledger: JobLedger,
    private readonly worker: WorkerEnvironment,
    private readonly files: JobFilesCleaner,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start(this.worker.JOB_SWEEP_INTERVAL_MS);
  }

  /** Stops the timer and waits for a sweep in progress, before the database closes. */
  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** One sweep unless one is already running; never rejects. */
  tick(): Promise<number> {
    return this.task.tick();
  }

  /**
   * Fails every live job whose deadline is at or before `now`, a batch at a
   * time; returns how many this call timed out. Never rejects: errors are
   * logged and the next sweep tries again.
   */
  async sweep(now: Date = new Date()): Promise<number> {
    let timedOut = 0;
    try {
      for (;;) {
        const batch = await this.jobs.findExpired(now, JobTimeoutSweeper.BATCH_SIZE);
        const results: Expiry[] = [];
        for (const job of batch) results.push(await this.expire(job, now));
        timedOut += results.filter((result) => result === 'timed-out').length;
        const settled = results.filter((result) => result !== 'error').length;
        // A short batch was the last; a batch of only errors would come back unchanged.
        if (batch.length < JobTimeoutSweeper.BATCH_SIZE || settled === 0) break;
        if (this.task.stopping) break;
      }
    } catch (error) {
      this.logger.error(`job timeout sweep failed: ${describeFault(error)}`);
    }
    return timedOut;
  }

  private async expire(job: Job, now: Date): Promise<Expiry> {
    const message = userMessageFor(JOB_TIMED_OUT);
    const detail = `no progress or result for ${jobTimeoutSeconds(this.worker)} s (deadline ${job.deadlineAt?.toISOString() ?? 'none'})`;
    try {
      const updated = await this.ledger.advance(
        job.taskId,
        LIVE,
        { status: 'FAILED', errorCode: JOB_TIMED_OUT, errorMessage: message, errorDetail: detail, finishedAt: new Date() },
        () => failureDraft(JOB_KIND_SPECS[job.kind].failed, job.taskId, JOB_TIMED_OUT, message),
        (_tx, locked) => {
          // Progress may have pushed the deadline since findExpired read the row.
          if (!locked.deadlineAt || locked.deadlineAt.getTime() > now.getTime()) throw new DeadlineMoved();
          return Promise.resolve();
        },
      );
      if (!updated) return 'skipped';
      this.logger.warn(`task ${job.taskId} (${job.kind}) timed out: ${detail}`);
      await this.files.afterEnd(job.taskId);
      return 'timed-out';
    } catch (error) {
      if (error instanceof DeadlineMoved) return 'skipped';
      this.logger.error(`task ${job.taskId}: could not time out: ${describeFault(error)}`);
      return 'error';
    }
  }
}
