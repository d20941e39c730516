import { Injectable, Logger, Optional } from '@nestjs/common';
import { ObjectStore } from '@app/aws';
import { DatabaseService, type EndedJobFiles, JobsRepository } from '@app/database';
import { describeFault } from '@app/faults';
import { jobFileLocations } from '@app/job-events';
import { WorkerEnvironment } from '../config/worker.environment';

/** Ended jobs locked and cleaned per transaction; the locks are held while their files are deleted. */
const SWEEP_BATCH_SIZE = 25;
/** At most this many batches per sweep, so one sweep stays short; the next goes on. */
const SWEEP_MAX_BATCHES = 20;

/**
 * Deletes an ended job's S3 files (input bundle and results, jobFileLocations)
 * once the worker has stored what it needs, and stamps `files_deleted_at`.
 * With WORKER_JOB_FILES_RETENTION_SECONDS = 0 the job's own end does it
 * (afterEnd, once the result's transaction committed); the sweep takes every
 * ended job left over (retention > 0, a crash or an S3 failure after the
 * commit, jobs the api ended). The files are deleted before the stamp, under
 * the job's row lock (SKIP LOCKED), so workers never clean the same job twice
 * and a failure leaves the job for the next sweep. S3 failures never fail a
 * job or a result: they are logged (keys only) and retried.
 */
@Injectable()
export class JobFilesCleaner {
  private readonly logger = new Logger(JobFilesCleaner.name);

  constructor(
    private readonly database: DatabaseService,
    private readonly jobs: JobsRepository,
    private readonly store: ObjectStore,
    // Optional only so specs that wire the handlers without config keep working; the apps always provide it.
    @Optional() private readonly worker?: WorkerEnvironment,
  ) {}

  private get retentionSeconds(): number {
    return this.worker?.WORKER_JOB_FILES_RETENTION_SECONDS ?? 0;
  }

  /** The job ended: without a retention its files go now. Never rejects. */
  async afterEnd(taskId: string): Promise<void> {
    if (this.retentionSeconds > 0) return;
    try {
      await this.database.transaction(async (tx) => {
        const job = await this.jobs.claimFilesOf(taskId, tx);
        if (job && (await this.deleteFiles(job))) await this.jobs.markFilesDeleted([job.taskId], tx);
      });
    } catch (error) {
      this.logger.error(`task ${taskId}: files not cleaned up, the sweep retries: ${describeFault(error)}`);
    }
  }

  /**
   * Deletes the files of jobs that ended at least the retention before `now`
   * and stamps them, a batch per transaction; returns how many jobs were
   * cleaned. Stops at a batch that cleaned nothing (S3 down) or once `stopping`
   * says so: the next sweep goes on. Rejects only when the database fails.
   */
  async sweep(now: Date = new Date(), stopping: () => boolean = () => false): Promise<number> {
    const endedBefore = new Date(now.getTime() - this.retentionSeconds * 1000);
    let cleaned = 0;
    for (let batch = 0; batch < SWEEP_MAX_BATCHES && !stopping(); batch++) {
      const { claimed, done } = await this.database.transaction(async (tx) => {
        const jobs = await this.jobs.claimPendingFiles(endedBefore, SWEEP_BATCH_SIZE, tx);
        const deleted: string[] = [];
        for (const job of jobs) if (await this.deleteFiles(job)) deleted.push(job.taskId);
        await this.jobs.markFilesDeleted(deleted, tx);
        return { claimed: jobs.length, done: deleted.length };
      });
      cleaned += done;
      if (claimed < SWEEP_BATCH_SIZE || done === 0) break;
    }
    return cleaned;
  }

  /** Lists the job's folders and deletes what is there and its recorded keys; false (logged) when S3 failed. */
  private async deleteFiles(job: EndedJobFiles): Promise<boolean> {
    const { prefixes, keys } = jobFileLocations([job]);
    try {
      const listed = await Promise.all(prefixes.map((prefix) => this.store.list(prefix)));
      const deleted = await this.store.deleteMany([...keys, ...listed.flat()]);
      if (deleted > 0) this.logger.log(`task ${job.taskId}: deleted ${deleted} stored files`);
      return true;
    } catch (error) {
      this.logger.warn(`task ${job.taskId}: could not delete its files under ${prefixes.join(', ')}: ${describeFault(error)}`);
      return false;
    }
  }
}
