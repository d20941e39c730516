import { Injectable } from '@nestjs/common';
import { GraphRepository, type GraphHead, type Job } from '@app/database';
import { notificationDraft, NotificationType } from '@app/job-events';
import { type GraphResult, type GraphSummary, parseGraphResult, TaskType } from '@app/queue-contracts';
import { type Outcome } from '../consumer/outcome';
import { parseSummaryFile } from './graph-summary-result.handler';
import { readSourceIds } from './job-options';
import { type EnvelopeOf, type ResultHandler } from './result-handler';
import { type FileParser, joinWarnings, type ResultFile, ResultSupport } from './result-support';
import { type SkippedParts } from './skipped-parts';

type GraphEnvelope = EnvelopeOf<TaskType.GRAPH_GENERATION_RESULT>;

const parseGraphFile: FileParser<{ graph: GraphResult; skipped: SkippedParts }> = (value) => {
  const parsed = parseGraphResult(value);
  return parsed.ok ? { ok: true, value: { graph: parsed.graph, skipped: parsed.skipped } } : parsed;
};

/**
 * COMPLETED stores the graph (and the summary it includes) and succeeds the
 * job; FAILED (or a broken COMPLETED) fails it. Optional parts of the graph
 * file that cannot be read are stored without and named in the job's warning
 * (counts only); a file whose core cannot be read fails with RESULT_INVALID.
 * A result older than the job that wrote the stored graph still succeeds its
 * job but leaves the graph alone.
 */
@Injectable()
export class GraphResultHandler implements ResultHandler<TaskType.GRAPH_GENERATION_RESULT> {
  readonly taskType = TaskType.GRAPH_GENERATION_RESULT;

  constructor(
    private readonly support: ResultSupport,
    private readonly graphs: GraphRepository,
  ) {}

  async handle(envelope: GraphEnvelope): Promise<Outcome> {
    const accepted = await this.support.accept(envelope);
    if (!accepted.ok) return accepted.outcome;
    const context = accepted.value;
    const { job } = context;
    const { payload } = envelope;
    if (payload.status === 'FAILED') return this.support.fail(context, payload.errorCode ?? 'AI_FAILED', payload.error);
    const file = await this.support.readResult(context, 'resultS3Key', parseGraphFile);
    if (!file.ok) return file.outcome;
    let summary: ResultFile<GraphSummary> | undefined;
    let summaryWarning: string | undefined;
    if (payload.summaryIncluded && payload.summaryS3Key) {
      const extra = await this.support.readExtra(context, 'summaryS3Key', parseSummaryFile);
      if (extra.ok === 'stop') return extra.outcome;
      if (extra.ok) summary = extra.file;
      else summaryWarning = extra.warning;
    }

    const { graph, skipped } = file.value.value;
    let replaced = true;
    return this.support.succeed(
      context,
      { resultKey: file.value.key },
      (updated) =>
        notificationDraft(NotificationType.GraphGenerationCompleted, job.taskId, {
          status: 'SUCCEEDED',
          nodes: graph.nodes.length,
          edges: graph.edges.length,
          partialFailure: updated.warning !== null,
          graphReplaced: replaced,
        }),
      async (tx) => {
        await this.graphs.lockUser(job.userId, tx);
        const head = await this.graphs.head(job.userId, tx);
        if (head && writtenByNewerJob(head, job)) {
          replaced = false;
          return {
            warning: joinWarnings(payload.error, `graph not replaced: the stored graph (version ${head.version}) comes from the newer job ${head.taskId}`),
          };
        }
        const version = await this.graphs.replace(job.userId, job.taskId, graph, tx);
        if (summary) await this.graphs.saveSummary(job.userId, version, job.taskId, summary.value, tx);
        await this.graphs.markSourcesIncluded(job.userId, version, readSourceIds(job.options), tx);
        return { warning: joinWarnings(payload.error, summaryWarning, this.support.noteSkipped(context, skipped)) };
      },
    );
  }
}

/** The stored graph came from a job created after this one (a job that is gone counts as older). */
function writtenByNewerJob(head: GraphHead, job: Job): boolean {
  return head.taskId !== job.taskId && head.jobCreatedAt !== null && head.jobCreatedAt.getTime() > job.createdAt.getTime();
}
