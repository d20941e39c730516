import { Injectable, Optional } from '@nestjs/common';
import { type ProgressItem } from '@app/database';
import { JobLedger, notificationDraft, NotificationType } from '@app/job-events';
import { TaskType } from '@app/queue-contracts';
import { WorkerEnvironment } from '../config/worker.environment';
import { type Outcome, Outcomes } from '../consumer/outcome';
import { deadlineAfter } from '../timeouts/job-deadline';
import { hasTaskId, JobMatcher } from './job-matcher';
import { type EnvelopeOf, type ResultHandler } from './result-handler';

type ProgressEnvelope = EnvelopeOf<TaskType.GRAPH_GENERATION_PROGRESS>;

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

  async handle(envelope: ProgressEnvelope): Promise<Outcome> {
    const [outcome] = await this.handleBatch([envelope]);
    return outcome;
  }

  /**
   * One statement applies the whole batch: owner and kind are part of its
   * guard, so it is also the authenticity check. Only for the envelopes that
   * moved nothing does the matcher look the job up, to tell a foreign or
   * unknown task (dead-lettered) from a job that already finished (late
   * progress, ignored).
   */
  async handleBatch(envelopes: readonly ProgressEnvelope[]): Promise<Outcome[]> {
    const withTask = envelopes.flatMap(({ taskId, payload }, index) => (hasTaskId(taskId) ? [{ index, item: toItem(taskId, payload) }] : []));
    const now = new Date();
    const applied = await this.ledger.advanceProgress(
      withTask.map(({ item }) => item),
      { kind: 'GRAPH_GENERATION', eventType: NotificationType.GraphGenerationProgressUpdated, startedAt: now, deadlineAt: deadlineAfter(now, this.worker) },
    );
    const moved = new Set(applied.map(({ index }) => withTask[index].index));
    return Promise.all(envelopes.map((envelope, index) => (moved.has(index) ? Promise.resolve(Outcomes.done()) : this.unapplied(envelope))));
  }

  private async unapplied({ taskId, payload }: ProgressEnvelope): Promise<Outcome> {
    const match = await this.matcher.match(taskId, payload.userId, 'GRAPH_GENERATION');
    if (!match.ok) return Outcomes.deadLetter(match.reason, { taskId, taskType: this.taskType });
    return Outcomes.done(`job ${match.job.taskId} already finished; late progress ignored`);
  }
}

function toItem(taskId: string, payload: ProgressEnvelope['payload']): ProgressItem {
  const progress = { stage: payload.currentStage, percent: payload.progressPercent, etaSeconds: payload.etaSeconds ?? null };
  const event = notificationDraft(NotificationType.GraphGenerationProgressUpdated, taskId, {
    status: 'RUNNING',
    currentStage: progress.stage,
    progressPercent: progress.percent,
    etaSeconds: progress.etaSeconds,
  });
  return { taskId, userId: payload.userId, ...progress, payload: event.payload };
}
