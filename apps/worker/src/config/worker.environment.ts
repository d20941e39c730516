import { Type } from 'class-transformer';
import { IsInt, IsUrl, Max, Min } from 'class-validator';

/** Most pollers a worker may run (WORKER_POLLERS); each holds at most one receive. */
export const MAX_POLLERS = 8;

/** Variables only the worker reads. */
export class WorkerEnvironment {
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] }, { message: 'SQS_RESULT_QUEUE_URL must be a queue URL' })
  SQS_RESULT_QUEUE_URL!: string;

  /** Messages per receive (SQS allows 1-10); they are handled concurrently. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10)
  WORKER_BATCH_SIZE = 10;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(20)
  WORKER_WAIT_TIME_SECONDS = 20;

  /** Receives in flight at once (each of up to WORKER_BATCH_SIZE messages); more overlap database and SQS round trips. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_POLLERS)
  WORKER_POLLERS = 4;

  /** How long a received message stays invisible while it is handled. */
  @Type(() => Number)
  @IsInt()
  @Min(5)
  @Max(43200)
  WORKER_VISIBILITY_TIMEOUT_SECONDS = 60;

  /**
   * First wait before a message that met a transient fault (a dependency down)
   * is tried again in memory, doubling up to WORKER_RETRY_MAX_DELAY_MS; the
   * message is kept (invisible) rather than given back to SQS, so an outage of
   * any length spends none of its receives. 0 = give it back at once.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60_000)
  WORKER_RETRY_DELAY_MS = 1000;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  WORKER_RETRY_MAX_DELAY_MS = 30_000;

  /**
   * Largest result file the worker reads; a larger one fails its job with
   * RESULT_TOO_LARGE (and is dead-lettered) before it is read whole. Files over
   * 1 MiB are read one at a time, so this bounds the worker's memory per file.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1024 * 1024)
  @Max(512 * 1024 * 1024)
  WORKER_MAX_RESULT_BYTES = 16 * 1024 * 1024;

  /** How long a live job may hear nothing (no progress, no result) before it fails with JOB_TIMED_OUT. */
  @Type(() => Number)
  @IsInt()
  @Min(30)
  @Max(7 * 24 * 3600)
  JOB_TIMEOUT_SECONDS = 900;

  /** How often the worker looks for jobs whose deadline passed. */
  @Type(() => Number)
  @IsInt()
  @Min(500)
  @Max(3_600_000)
  JOB_SWEEP_INTERVAL_MS = 15000;

  /**
   * How long an ended job's S3 files (input bundle, results) are kept once the
   * worker has stored what it needs. 0 = deleted at once, after the result's
   * transaction committed; otherwise the retention sweep deletes them later.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(365 * 24 * 3600)
  WORKER_JOB_FILES_RETENTION_SECONDS = 0;

  /** Job events older than this many days are purged (never those of a live job). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  WORKER_EVENT_RETENTION_DAYS = 30;

  /** Late results (the late_results table) older than this many days are purged. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  WORKER_LATE_RESULT_RETENTION_DAYS = 30;

  /** How often the worker deletes the files of ended jobs left behind and purges old events and late results. */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(86_400_000)
  WORKER_RETENTION_SWEEP_INTERVAL_MS = 60_000;
}
