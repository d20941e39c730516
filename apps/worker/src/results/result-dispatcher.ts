import { Inject, Injectable, Logger } from '@nestjs/common';
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

  /** Dead-letters a message that breaks the contract, failing the live job it names first; a fault on the way retries it. */
  private async refuse({ error, reason }: Invalid): Promise<Outcome> {
    const [outcome] = await this.orRetry(this.support.refuseInvalid(error, reason).then((refused) => [refused]), 1);
    return outcome;
  }

  private async run(handler: ResultHandler, routed: readonly Routed[]): Promise<Outcome[]> {
    const envelopes = routed.map(({ envelope }) => envelope);
    if (handler.handleBatch) return this.orRetry(handler.handleBatch(envelopes), envelopes.length);
    return Promise.all(envelopes.map(async (envelope) => (await this.orRetry(handler.handle(envelope).then((outcome) => [outcome]), 1))[0]));
  }

  /** A thrown handler error is a transient fault until shown otherwise: logged with its stack, retried. */
  private async orRetry(outcomes: Promise<Outcome[]>, count: number): Promise<Outcome[]> {
    try {
      return await outcomes;
    } catch (error) {
      this.logger.error(`handler failed, will retry ${count} message(s): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return Array.from({ length: count }, () => Outcomes.retry(String(error)));
    }
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
