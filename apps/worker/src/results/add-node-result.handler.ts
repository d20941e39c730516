import { Injectable, Logger } from '@nestjs/common';
import { GraphRepository, type SourceRef } from '@app/database';
import { notificationDraft, NotificationType } from '@app/job-events';
import { type AddNodeResult, parseAddNodeResult, TaskType } from '@app/queue-contracts';
import { type Outcome } from '../consumer/outcome';
import { planMerge, referencedNodeIds } from './add-node-merge';
import { readGraphVersion, readSourceIds } from './job-options';
import { type EnvelopeOf, type ResultHandler } from './result-handler';
import { type FileParser, joinWarnings, ResultSupport } from './result-support';
import { type SkippedParts, withSkipped } from './skipped-parts';

const parseFile: FileParser<{ result: AddNodeResult; skipped: SkippedParts }> = (value) => {
  const parsed = parseAddNodeResult(value);
  return parsed.ok ? { ok: true, value: { result: parsed.result, skipped: parsed.skipped } } : parsed;
};

/** The graph was regenerated after the add-node request: its node ids now mean other nodes. */
class GraphRegenerated extends Error {}

/**
 * COMPLETED merges the new nodes into the user's stored graph (under the
 * user's graph lock and the graphs row lock, so concurrent merges never
 * allocate the same node id), marks the job's sources as included in the new
 * version and succeeds the job; FAILED (or a broken COMPLETED) fails it. A
 * result made for a graph that has been regenerated since is not merged (its
 * edges point at node ids of the old graph): the job fails with
 * GRAPH_REGENERATED and its sources stay pending for the next add-node.
 * Unreadable optional parts of the file and edges to nodes that are not there
 * are skipped and counted in the warning; an item whose nodes cannot be read
 * fails alone (its source stays pending).
 */
@Injectable()
export class AddNodeResultHandler implements ResultHandler<TaskType.ADD_NODE_RESULT> {
  readonly taskType = TaskType.ADD_NODE_RESULT;
  private readonly logger = new Logger(AddNodeResultHandler.name);

  constructor(
    private readonly support: ResultSupport,
    private readonly graphs: GraphRepository,
  ) {}

  async handle(envelope: EnvelopeOf<TaskType.ADD_NODE_RESULT>): Promise<Outcome> {
    const accepted = await this.support.accept(envelope);
    if (!accepted.ok) return accepted.outcome;
    const context = accepted.value;
    const { job } = context;
    const { payload } = envelope;
    if (payload.status === 'FAILED') return this.support.fail(context, 'AI_FAILED', payload.error);
    const file = await this.support.readResult(context, 'resultS3Key', parseFile);
    if (!file.ok) return file.outcome;
    const { result, skipped } = file.value.value;
    if (!(await this.graphs.head(job.userId))) return this.support.fail(context, 'GRAPH_NOT_FOUND', `user ${job.userId} has no stored graph to add nodes to`);

    const merged = { version: 0, nodes: 0, edges: 0, sources: 0 };
    const requestedFor = readGraphVersion(job.options);
    return this.support
      .succeed(
      context,
      { resultKey: file.value.key },
      (updated) =>
        notificationDraft(NotificationType.AddConversationCompleted, job.taskId, {
          status: 'SUCCEEDED',
          nodeCount: merged.nodes,
          edgeCount: merged.edges,
          graphVersion: merged.version,
          partialFailure: updated.warning !== null,
        }),
      async (tx) => {
        await this.graphs.lockUser(job.userId, tx);
        const base = await this.graphs.lockForMerge(job.userId, tx);
        // Checked above; a graph cannot vanish, but if it did, throwing retries and the retry fails the job.
        if (!base) throw new Error(`graph of ${job.userId} disappeared during add-node ${job.taskId}`);
        if (requestedFor !== undefined && base.generationVersion > requestedFor) {
          throw new GraphRegenerated(`requested for graph version ${requestedFor}; version ${base.generationVersion} is a new generation`);
        }
        const existing = await this.graphs.existingNodeIds(job.userId, referencedNodeIds(result), tx);
        const plan = planMerge(result, base, existing);
        const version = await this.graphs.append(job.userId, job.taskId, plan.append, tx);
        const failed = new Set(plan.failedItems.map((item) => item.conversationId ?? item.noteId));
        const included = readSourceIds(job.options).filter((source: SourceRef) => !failed.has(source.id));
        const marked = await this.graphs.markSourcesIncluded(job.userId, version, included, tx);
        Object.assign(merged, { version, nodes: plan.append.nodes.length, edges: plan.append.edges.length, sources: marked });
        for (const item of plan.failedItems) this.logger.warn(`task ${job.taskId}: item ${item.conversationId ?? item.noteId} failed: ${item.error}`);
        const skippedNote = this.support.noteSkipped(context, withSkipped(skipped, { danglingEdges: plan.danglingEdges }));
        return { warning: joinWarnings(payload.error, ...plan.notes, skippedNote) };
      },
    )
      .catch((error: unknown) => {
        if (error instanceof GraphRegenerated) return this.support.fail(context, 'GRAPH_REGENERATED', error.message);
        throw error;
      });
  }
}
