import { Injectable, Optional } from '@nestjs/common';
import { JobLedger, NotificationType } from '@app/job-events';
import { TaskType } from '@app/queue-contracts';
import { WorkerEnvironment } from '../config/worker.environment';
import { type Outcome, Outcomes } from '../consumer/outcome';
import { deadlineAfter } from '../timeouts/job-deadline';
import { JobMatcher } from './job-matcher';
import { type EnvelopeOf, type ResultHandler } from './result-handler';

/**
 * Progress moves a job to RUNNING, records the stage and pushes the job's
 * deadline to now + JOB_TIMEOUT_SECONDS; after the result it is a no-op.
 */
@Injectable()
export class ProgressHandler implements ResultHandler<TaskType.GRAPH_GENERATION_PROGRESS> {
  readonly taskType = TaskType.GRAPH_GENERATION_PROGRESS;

  constructor(
    private readonly matcher: JobMatcher,
    private readonly ledger: JobLedger,
    // Optional only so specs that wire the handlers without config keep working; the apps always provide it.
    @Optional() private readonly worker?: WorkerEnvironment,
  ) {}

  /**
   * One conditional UPDATE both checks authenticity (owner and kind are part of
   * its WHERE) and applies the progress; only when it changes nothing does the
   * matcher look the job up, to tell a foreign or unknown task (dead-lettered)
   * from a job that already finished (late progress, ignored).
   */
  async handle({ taskId, payload }: EnvelopeOf<TaskType.GRAPH_GENERATION_PROGRESS>): Promise<Outcome> {
    const progress = { stage: payload.currentStage, percent: payload.progressPercent, etaSeconds: payload.etaSeconds ?? null };
    const updated =
      taskId && taskId !== 'unknown'
        ? await this.ledger.advance(
            taskId,
            ['QUEUED', 'RUNNING'],
            {
              status: 'RUNNING',
              progressStage: progress.stage,
              progressPercent: progress.percent,
              etaSeconds: progress.etaSeconds,
              startedAt: new Date(), // write-once: a started job keeps its first start time
              deadlineAt: deadlineAfter(new Date(), this.worker),
            },
            () => ({ type: NotificationType.GraphGenerationProgressUpdated, payload: { taskId, status: 'RUNNING', ...progress } }),
            undefined,
            { userId: payload.userId, kind: 'GRAPH_GENERATION' },
          )
        : undefined;
    if (updated) return Outcomes.done();
    const match = await this.matcher.match(taskId, payload.userId, 'GRAPH_GENERATION');
    if (!match.ok) return Outcomes.deadLetter(match.reason);
    return Outcomes.done(`job ${match.job.taskId} already finished; late progress ignored`);
  }
}
