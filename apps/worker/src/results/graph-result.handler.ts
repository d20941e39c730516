import { Injectable, Logger } from '@nestjs/common';
import { ObjectStore, ObjectStoreError } from '@app/aws';
import { GraphRepository, type Job } from '@app/database';
import { JobLedger, NotificationType } from '@app/job-events';
import { type GraphResult, parseGraphResult, TaskType } from '@app/queue-contracts';
import { type Outcome, Outcomes } from '../consumer/outcome';
import { userMessageFor } from './failure-messages';
import { JobMatcher } from './job-matcher';
import { type EnvelopeOf, type ResultHandler } from './result-handler';

type GraphEnvelope = EnvelopeOf<TaskType.GRAPH_GENERATION_RESULT>;
type Download = { ok: true; graph: GraphResult } | { ok: false; code: string; detail: string } | { ok: 'retry'; reason: string };

const ACTIVE = ['QUEUED', 'RUNNING'] as const;

/** COMPLETED stores the graph and succeeds the job; FAILED (or a broken COMPLETED) fails it. */
@Injectable()
export class GraphResultHandler implements ResultHandler<TaskType.GRAPH_GENERATION_RESULT> {
  readonly taskType = TaskType.GRAPH_GENERATION_RESULT;
  private readonly logger = new Logger(GraphResultHandler.name);

  constructor(
    private readonly matcher: JobMatcher,
    private readonly ledger: JobLedger,
    private readonly store: ObjectStore,
    private readonly graphs: GraphRepository,
  ) {}

  async handle({ taskId, payload }: GraphEnvelope): Promise<Outcome> {
    const match = await this.matcher.match(taskId, payload.userId, 'GRAPH_GENERATION');
    if (!match.ok) return Outcomes.deadLetter(match.reason);
    if (!ACTIVE.includes(match.job.status as (typeof ACTIVE)[number])) {
      return Outcomes.done(`job ${match.job.taskId} already finished (${match.job.status}); repeated result ignored`);
    }
    if (payload.status === 'FAILED') return this.fail(match.job, payload.errorCode ?? 'AI_FAILED', payload.error);
    if (!payload.resultS3Key) return this.fail(match.job, 'RESULT_MISSING', 'COMPLETED without resultS3Key');
    const download = await this.download(payload.resultS3Key);
    if (download.ok === 'retry') return Outcomes.retry(download.reason);
    if (!download.ok) return this.fail(match.job, download.code, download.detail);
    return this.succeed(match.job, payload.resultS3Key, download.graph, payload.error);
  }

  private async succeed(job: Job, resultKey: string, graph: GraphResult, warning: string | null): Promise<Outcome> {
    const updated = await this.ledger.advance(
      job.taskId,
      ACTIVE,
      { status: 'SUCCEEDED', progressPercent: 100, resultKey, warning, finishedAt: new Date() },
      () => ({
        type: NotificationType.GraphGenerationCompleted,
        payload: { taskId: job.taskId, status: 'SUCCEEDED', nodes: graph.nodes.length, edges: graph.edges.length, partialFailure: warning !== null },
      }),
      async (tx) => {
        await this.graphs.replace(job.userId, job.taskId, graph, tx);
      },
    );
    return Outcomes.done(updated ? undefined : `job ${job.taskId} already finished; duplicate result ignored`);
  }

  private async fail(job: Job, code: string, detail: string | null): Promise<Outcome> {
    const message = userMessageFor(code);
    const updated = await this.ledger.advance(
      job.taskId,
      ACTIVE,
      { status: 'FAILED', errorCode: code, errorMessage: message, errorDetail: detail, finishedAt: new Date() },
      () => ({ type: NotificationType.GraphGenerationFailed, payload: { taskId: job.taskId, status: 'FAILED', errorCode: code, message } }),
    );
    if (updated) this.logger.warn(`task ${job.taskId} failed with ${code}`);
    return Outcomes.done(updated ? undefined : `job ${job.taskId} already finished; late failure ignored`);
  }

  private async download(key: string): Promise<Download> {
    try {
      const parsed = parseGraphResult(await this.store.getJson(key));
      return parsed.ok ? { ok: true, graph: parsed.graph } : { ok: false, code: 'RESULT_INVALID', detail: parsed.problems.join('; ') };
    } catch (error) {
      if (!(error instanceof ObjectStoreError)) throw error;
      if (error.transient) return { ok: 'retry', reason: `result ${key} not readable yet: ${error.message}` };
      return { ok: false, code: error.code === 'OBJECT_NOT_FOUND' ? 'RESULT_NOT_FOUND' : 'RESULT_INVALID', detail: `${key}: ${error.message}` };
    }
  }
}
