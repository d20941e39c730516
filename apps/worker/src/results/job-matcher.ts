import { Injectable } from '@nestjs/common';
import { type Job, JobsRepository, type JobKind } from '@app/database';

/** False for a missing or "unknown" task id: the AI echoes those when it could not read a request. */
export function hasTaskId(taskId: string | null | undefined): taskId is string {
  return Boolean(taskId) && taskId !== 'unknown';
}

export type Match = { readonly ok: true; readonly job: Job } | { readonly ok: false; readonly reason: string };

/**
 * A result changes nothing unless it answers a job we issued: known task id,
 * same owner, the job kind the task type belongs to.
 */
@Injectable()
export class JobMatcher {
  constructor(private readonly jobs: JobsRepository) {}

  async match(taskId: string | null, userId: string, kind: JobKind): Promise<Match> {
    if (!hasTaskId(taskId)) return { ok: false, reason: `no task id (${JSON.stringify(taskId)}): the AI could not read a request` };
    const job = await this.jobs.findById(taskId);
    if (!job) return { ok: false, reason: `no job ${taskId}` };
    if (job.userId !== userId) return { ok: false, reason: `owner mismatch for ${taskId}` };
    if (job.kind !== kind) return { ok: false, reason: `job ${taskId} is ${job.kind}, not ${kind}` };
    return { ok: true, job };
  }
}
