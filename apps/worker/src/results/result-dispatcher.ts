import { Inject, Injectable, Logger } from '@nestjs/common';
import { classifyFault, describeFault, stackFrames } from '@app/faults';
import { type AnyEnvelope, type InvalidMessageError, parseEnvelope, REQUEST_TASK_TYPES, type ResultTaskType, TaskType } from '@app/queue-contracts';
import { type Outcome, Outcomes, type ReceivedMessage } from '../consumer/outcome';
import { type EnvelopeOf, RESULT_HANDLERS, type ResultHandler } from './result-handler';
import { ResultSupport } from './result-support';

/** Task types this worker consumes today; start-up fails unless each has exactly one handler. */
export const CONSUMED_TASK_TYPES: readonly ResultTaskType[] = [
  TaskType.GRAPH_GENERATION_PROGRESS,
  TaskType.GRAPH_GENERATION_RESULT,
  TaskType.ADD_NODE_RESULT,
  TaskType.GRAPH_SUMMARY_RESULT,
];

type Routed = { readonly index: number; readonly envelope: EnvelopeOf<ResultTaskType> };

/** A message parseEnvelope refused, with the dead-letter reason. */
type Invalid = { readonly kind: 'invalid'; readonly error: InvalidMessageError; readonly reason: string };

/**
 * Parses messages and routes each to the one handler of its task type. A
 * message that breaks the contract is dead-lettered; when it still names a
 * live job of ours, ResultSupport.refuseInvalid fails that job first.
 */
@Injectable()
export class ResultDispatcher {
  private readonly logger = new Logger(ResultDispatcher.name);
  private readonly handlers: ReadonlyMap<TaskType, ResultHandler>;

  constructor(
    @Inject(RESULT_HANDLERS) handlers: readonly ResultHandler[],
    private readonly support: ResultSupport,
  ) {
    this.handlers = indexHandlers(handlers);
  }

  async dispatch(message: ReceivedMessage): Promise<Outcome> {
    const [outcome] = await this.dispatchBatch([message]);
    return outcome;
  }

  /**
   * One outcome per message, in order. Messages of one task type go to their
   * handler's handleBatch together when it has one, else one by one; all
   * handlers run concurrently. A handler that throws makes its messages retry.
   */
  async dispatchBatch(messages: readonly ReceivedMessage[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = new Array<Outcome>(messages.length);
    const byType = new Map<TaskType, Routed[]>();
    const refusals: Promise<void>[] = [];
    messages.forEach((message, index) => {
      const routed = this.route(message);
      if ('kind' in routed) {
        if (routed.kind === 'invalid') refusals.push(this.refuse(routed).then((outcome) => void (outcomes[index] = outcome)));
        else outcomes[index] = routed;
        return;
      }
      const group = byType.get(routed.taskType) ?? [];
      group.push({ index, envelope: routed as EnvelopeOf<ResultTaskType> });
      byType.set(routed.taskType, group);
    });
    await Promise.all([
      ...refusals,
      ...[...byType].map(async ([taskType, routed]) => {
        const results = await this.run(this.handlers.get(taskType) as ResultHandler, routed);
        routed.forEach(({ index }, i) => (outcomes[index] = results[i]));
      }),
    ]);
    return outcomes;
  }

  /** The parsed envelope of a message that has a handler, a message that breaks the contract, or the dead-letter outcome of one without a handler. */
  private route(message: ReceivedMessage): AnyEnvelope | Invalid | Outcome {
    const parsed = parseEnvelope(message.body);
    if (!parsed.ok) {
      const { code, reason, details } = parsed.error;
      return { kind: 'invalid', error: parsed.error, reason: `${code}: ${reason}${details.length ? ` (${details.join('; ')})` : ''}` };
    }
    const envelope = parsed.envelope;
    if (!this.handlers.has(envelope.taskType)) return Outcomes.deadLetter(`no handler for task type ${envelope.taskType}`, envelope);
    this.logger.debug(`task ${envelope.taskId}: ${envelope.taskType} (message ${message.messageId})`);
    return envelope;
  }

  /** Dead-letters a message that breaks the contract, failing the live job it names first; a transient fault on the way retries it. */
  private async refuse({ error, reason }: Invalid): Promise<Outcome> {
    try {
      return await this.support.refuseInvalid(error, reason);
    } catch (fault) {
      return this.afterRefusalFault(fault, reason, { taskId: error.taskId, taskType: error.taskType });
    }
  }

  /**
   * Runs a handler; what it throws is classified once (classifyFault). A
   * transient fault (a dependency down or throttling) retries its messages. A
   * permanent one (a bug, data that can never be processed) dead-letters each
   * message with the reason and fails its live job at once (PROCESSING_FAILED);
   * when a whole batch threw, its messages are first run one by one, so only
   * the one that breaks is refused.
   */
  private async run(handler: ResultHandler, routed: readonly Routed[]): Promise<Outcome[]> {
    const envelopes = routed.map(({ envelope }) => envelope);
    if (handler.handleBatch && envelopes.length > 0) {
      try {
        return await handler.handleBatch(envelopes);
      } catch (error) {
        const fault = classifyFault(error);
        if (fault.transient) return envelopes.map(() => this.transient(error, fault.dependency, envelopes.length));
        if (envelopes.length > 1) this.logger.warn(`a batch of ${envelopes.length} ${handler.taskType} failed (${describeFault(error)}); handling them one by one`);
      }
    }
    return Promise.all(envelopes.map((envelope) => this.runOne(handler, envelope)));
  }

  private async runOne(handler: ResultHandler, envelope: AnyEnvelope): Promise<Outcome> {
    try {
      return await handler.handle(envelope as EnvelopeOf<ResultTaskType>);
    } catch (error) {
      const fault = classifyFault(error);
      if (fault.transient) return this.transient(error, fault.dependency, 1);
      const reason = `PROCESSING_FAILED: ${describeFault(error)}`;
      this.logger.error(`task ${envelope.taskId}: ${envelope.taskType} cannot be processed: ${reason}`, stackFrames(error));
      try {
        return await this.support.refuseFault(envelope, reason);
      } catch (refusalFault) {
        return this.afterRefusalFault(refusalFault, reason, envelope);
      }
    }
  }

  private transient(error: unknown, dependency: string, count: number): Outcome {
    const reason = `${dependency} unavailable: ${describeFault(error)}`;
    if (count > 0) this.logger.warn(`${reason}; ${count} message(s) retried`);
    return Outcomes.retry(reason);
  }

  /** Failing the job of a refused message failed too: wait for the dependency, or dead-letter without touching the job. */
  private afterRefusalFault(fault: unknown, reason: string, labels: { taskId?: string | null; taskType?: string | null }): Outcome {
    const classified = classifyFault(fault);
    if (classified.transient) return this.transient(fault, classified.dependency, 1);
    this.logger.error(`refusing a message failed (${describeFault(fault)}); dead-lettering it without failing its job`);
    return Outcomes.deadLetter(reason, labels);
  }
}

function indexHandlers(handlers: readonly ResultHandler[]): ReadonlyMap<TaskType, ResultHandler> {
  const byType = new Map<TaskType, ResultHandler>();
  for (const handler of handlers) {
    if (REQUEST_TASK_TYPES.includes(handler.taskType as never)) throw new Error(`${handler.taskType} is a request type; the worker cannot handle it`);
    if (byType.has(handler.taskType)) throw new Error(`two handlers for ${handler.taskType}`);
    byType.set(handler.taskType, handler);
  }
  const missing = CONSUMED_TASK_TYPES.filter((type) => !byType.has(type));
  if (missing.length > 0) throw new Error(`no handler for ${missing.join(', ')}`);
  return byType;
}
