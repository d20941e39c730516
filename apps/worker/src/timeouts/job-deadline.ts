import { WorkerEnvironment } from '../config/worker.environment';

/** The error code and user-facing text of a job that heard nothing in time. */
export const JOB_TIMED_OUT = 'JOB_TIMED_OUT';

const DEFAULT_TIMEOUT_SECONDS = new WorkerEnvironment().JOB_TIMEOUT_SECONDS;

/** The timeout in force: JOB_TIMEOUT_SECONDS, or its default when no config is wired. */
export function jobTimeoutSeconds(worker: Pick<WorkerEnvironment, 'JOB_TIMEOUT_SECONDS'> | undefined): number {
  return worker?.JOB_TIMEOUT_SECONDS ?? DEFAULT_TIMEOUT_SECONDS;
}

/** When a job that hears something at `now` times out if it hears nothing more. */
export function deadlineAfter(now: Date, worker: Pick<WorkerEnvironment, 'JOB_TIMEOUT_SECONDS'> | undefined): Date {
  return new Date(now.getTime() + jobTimeoutSeconds(worker) * 1000);
}
