import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { JobEventsRepository, LateResultsRepository } from '@app/database';
import { describeFault } from '@app/faults';
import { WorkerEnvironment } from '../config/worker.environment';
import { JobFilesCleaner } from './job-files.cleaner';
import { PeriodicTask } from '../periodic-task';

const DAY_MS = 24 * 3600 * 1000;

/** What one sweep removed. */
export interface RetentionSweep {
  readonly jobFiles: number;
  readonly events: number;
  readonly lateResults: number;
}

type Purge = (before: Date, limit: number) => Promise<number>;

/**
 * Every WORKER_RETENTION_SWEEP_INTERVAL_MS: deletes the S3 files of ended jobs
 * left behind (JobFilesCleaner), and purges job events older than
 * WORKER_EVENT_RETENTION_DAYS (never a live job's) and late results older than
 * WORKER_LATE_RESULT_RETENTION_DAYS. Purges go in statements of at most
 * BATCH_SIZE rows, at most MAX_BATCHES per table and sweep, so no lock is held
 * long and no transaction grows large; what is left waits for the next sweep.
 * Several workers may sweep at once: every step skips the rows another holds.
 */
@Injectable()
export class RetentionSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  static readonly BATCH_SIZE = 1000;
  static readonly MAX_BATCHES = 10;

  private readonly logger = new Logger(RetentionSweeper.name);
  private readonly task = new PeriodicTask<RetentionSweep>(() => this.sweep());

  constructor(
    private readonly files: JobFilesCleaner,
    private readonly events: JobEventsRepository,
    private readonly lateResults: LateResultsRepository,
    private readonly worker: WorkerEnvironment,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start(this.worker.WORKER_RETENTION_SWEEP_INTERVAL_MS);
  }

  /** Stops the timer and waits for a sweep in progress, before the database closes. */
  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** One sweep unless one is already running; never rejects. */
  tick(): Promise<RetentionSweep> {
    return this.task.tick();
  }

  /** One sweep at `now`; each step's errors are logged and retried by the next sweep. Never rejects. */
  async sweep(now: Date = new Date()): Promise<RetentionSweep> {
    const jobFiles = await this.step('job file cleanup', () => this.files.sweep(now, () => this.task.stopping));
    const events = await this.step('event purge', () =>
      this.purge(new Date(now.getTime() - this.worker.WORKER_EVENT_RETENTION_DAYS * DAY_MS), (before, limit) => this.events.purgeOlderThan(before, limit)),
    );
    const lateResults = await this.step('late result purge', () =>
      this.purge(new Date(now.getTime() - this.worker.WORKER_LATE_RESULT_RETENTION_DAYS * DAY_MS), (before, limit) => this.lateResults.purgeOlderThan(before, limit)),
    );
    const swept = { jobFiles, events, lateResults };
    if (jobFiles + events + lateResults > 0) this.logger.log(`retention sweep: files of ${jobFiles} jobs, ${events} events, ${lateResults} late results deleted`);
    return swept;
  }

  /** Batches until one comes back short, MAX_BATCHES ran, or the worker stops. */
  private async purge(before: Date, purge: Purge): Promise<number> {
    let deleted = 0;
    for (let batch = 0; batch < RetentionSweeper.MAX_BATCHES && !this.task.stopping; batch++) {
      const count = await purge(before, RetentionSweeper.BATCH_SIZE);
      deleted += count;
      if (count < RetentionSweeper.BATCH_SIZE) break;
    }
    return deleted;
  }

  private async step(name: string, run: () => Promise<number>): Promise<number> {
    try {
      return await run();
    } catch (error) {
      this.logger.error(`${name} failed: ${describeFault(error)}`);
      return 0;
    }
  }
}
