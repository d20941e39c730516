import { type Job } from '@app/database';

/** What a user sees of a job: never the raw AI error, which may quote provider internals. */
export interface JobView {
  readonly taskId: string;
  readonly kind: string;
  readonly status: string;
  readonly progress: { stage: string | null; percent: number | null; etaSeconds: number | null } | null;
  readonly error: { code: string; message: string | null } | null;
  readonly warning: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

export function toJobView(job: Job): JobView {
  const hasProgress = job.progressStage !== null || job.progressPercent !== null;
  return {
    taskId: job.taskId,
    kind: job.kind,
    status: job.status,
    progress: hasProgress ? { stage: job.progressStage, percent: job.progressPercent, etaSeconds: job.etaSeconds } : null,
    error: job.errorCode ? { code: job.errorCode, message: job.errorMessage } : null,
    warning: job.warning,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}
