import { Injectable } from '@nestjs/common';
import { JobLedger, NotificationType } from '@app/job-events';
import { TaskType } from '@app/queue-contracts';
import { type Outcome, Outcomes } from '../consumer/outcome';
import { JobMatcher } from './job-matcher';
import { type EnvelopeOf, type ResultHandler } from './result-handler';

/** Progress moves a job to RUNNING and records the stage; after the result it is a no-op. */
@Injectable()
export class ProgressHandler implements ResultHandler<TaskType.GRAPH_GENERATION_PROGRESS> {
  readonly taskType = TaskType.GRAPH_GENERATION_PROGRESS;

  constructor(
    private readonly matcher: JobMatcher,
    private readonly ledger: JobLedger,
  ) {}

  async handle({ taskId, payload }: EnvelopeOf<TaskType.GRAPH_GENERATION_PROGRESS>): Promise<Outcome> {
    const match = await this.matcher.match(taskId, payload.userId, 'GRAPH_GENERATION');
    if (!match.ok) return Outcomes.deadLetter(match.reason);
    const progress = { stage: payload.currentStage, percent: payload.progressPercent, etaSeconds: payload.etaSeconds ?? null };
    const updated = await this.ledger.advance(
      match.job.taskId,
      ['QUEUED', 'RUNNING'],
      {
        status: 'RUNNING',
        progressStage: progress.stage,
        progressPercent: progress.percent,
        etaSeconds: progress.etaSeconds,
        startedAt: match.job.startedAt ?? new Date(),
      },
      () => ({ type: NotificationType.GraphGenerationProgressUpdated, payload: { taskId: match.job.taskId, status: 'RUNNING', ...progress } }),
    );
    return Outcomes.done(updated ? undefined : `job ${match.job.taskId} already finished; late progress ignored`);
  }
}
