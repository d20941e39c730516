import { Injectable } from '@nestjs/common';
import { GraphRepository } from '@app/database';
import { notificationDraft, NotificationType } from '@app/job-events';
import { type GraphSummary, parseSummaryResult, TaskType } from '@app/queue-contracts';
import { type Outcome } from '../consumer/outcome';
import { readGraphVersion } from './job-options';
import { type EnvelopeOf, type ResultHandler } from './result-handler';
import { type FileParser, ResultSupport } from './result-support';

export const parseSummaryFile: FileParser<GraphSummary> = (value) => {
  const parsed = parseSummaryResult(value);
  return parsed.ok ? { ok: true, value: parsed.summary } : parsed;
};

/**
 * COMPLETED stores the summary for the graph version the job was made for
 * (`options.graphVersion`, else the current version) and succeeds the job;
 * FAILED (or a broken COMPLETED) fails it.
 */
@Injectable()
export class GraphSummaryResultHandler implements ResultHandler<TaskType.GRAPH_SUMMARY_RESULT> {
  readonly taskType = TaskType.GRAPH_SUMMARY_RESULT;

  constructor(
    private readonly support: ResultSupport,
    private readonly graphs: GraphRepository,
  ) {}

  async handle(envelope: EnvelopeOf<TaskType.GRAPH_SUMMARY_RESULT>): Promise<Outcome> {
    const accepted = await this.support.accept(envelope);
    if (!accepted.ok) return accepted.outcome;
    const context = accepted.value;
    const { job } = context;
    const { payload } = envelope;
    if (payload.status === 'FAILED') return this.support.fail(context, payload.errorCode ?? 'AI_FAILED', payload.error);
    const file = await this.support.readResult(context, 'summaryS3Key', parseSummaryFile);
    if (!file.ok) return file.outcome;
    const graphVersion = readGraphVersion(job.options) ?? (await this.graphs.head(job.userId))?.version;
    if (graphVersion === undefined) return this.support.fail(context, 'GRAPH_NOT_FOUND', `user ${job.userId} has no graph to attach the summary to`);

    return this.support.succeed(
      context,
      { resultKey: file.value.key, warning: payload.error },
      (updated) => notificationDraft(NotificationType.GraphSummaryCompleted, job.taskId, { status: 'SUCCEEDED', graphVersion, partialFailure: updated.warning !== null }),
      async (tx) => {
        await this.graphs.lockUser(job.userId, tx);
        await this.graphs.saveSummary(job.userId, graphVersion, job.taskId, file.value.value, tx);
      },
    );
  }
}
