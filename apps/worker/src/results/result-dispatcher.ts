import { Inject, Injectable, Logger } from '@nestjs/common';
import { parseEnvelope, REQUEST_TASK_TYPES, type ResultTaskType, TaskType } from '@app/queue-contracts';
import { type Outcome, Outcomes, type ReceivedMessage } from '../consumer/outcome';
import { type EnvelopeOf, RESULT_HANDLERS, type ResultHandler } from './result-handler';

/** Task types this worker consumes today; start-up fails unless each has exactly one handler. */
export const CONSUMED_TASK_TYPES: readonly ResultTaskType[] = [
  TaskType.GRAPH_GENERATION_PROGRESS,
  TaskType.GRAPH_GENERATION_RESULT,
  TaskType.ADD_NODE_RESULT,
  TaskType.GRAPH_SUMMARY_RESULT,
];

/** Parses a message and routes it to the one handler of its task type. */
@Injectable()
export class ResultDispatcher {
  private readonly logger = new Logger(ResultDispatcher.name);
  private readonly handlers: ReadonlyMap<TaskType, ResultHandler>;

  constructor(@Inject(RESULT_HANDLERS) handlers: readonly ResultHandler[]) {
    this.handlers = indexHandlers(handlers);
  }

  async dispatch(message: ReceivedMessage): Promise<Outcome> {
    const parsed = parseEnvelope(message.body);
    if (!parsed.ok) {
      const { code, reason, details } = parsed.error;
      return Outcomes.deadLetter(`${code}: ${reason}${details.length ? ` (${details.join('; ')})` : ''}`);
    }
    const envelope = parsed.envelope;
    const handler = this.handlers.get(envelope.taskType);
    if (!handler) return Outcomes.deadLetter(`no handler for task type ${envelope.taskType}`);
    this.logger.debug(`task ${envelope.taskId}: ${envelope.taskType} (message ${message.messageId})`);
    return handler.handle(envelope as EnvelopeOf<ResultTaskType>);
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
