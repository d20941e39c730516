import { InvalidMessageError, isRequestTaskType, parseEnvelope, TaskType, type RequestTaskType } from '@app/queue-contracts';
import { Injectable, Logger } from '@nestjs/common';
import { AddNodeHandler } from './add-node.handler';
import { GraphGenerationHandler } from './graph-generation.handler';
import { GraphSummaryHandler } from './graph-summary.handler';
import { describeInvalidRequest } from './pydantic-error';
import { failedGraphResult, UNKNOWN_TASK_ID } from './result-envelope';
import { ResultSender } from './result.sender';

/**
 * Reads one request envelope and runs its job. Resolves once the answer is on
 * the result queue, so the caller may then delete the request; rejects when no
 * answer could be sent (the request stays and is redelivered).
 */
@Injectable()
export class RequestRouter {
  private readonly logger = new Logger(RequestRouter.name);

  constructor(
    private readonly graphGeneration: GraphGenerationHandler,
    private readonly addNode: AddNodeHandler,
    private readonly graphSummary: GraphSummaryHandler,
    private readonly results: ResultSender,
  ) {}

  async handle(body: string, signal: AbortSignal): Promise<void> {
    const parsed = parseEnvelope(body);
    if (!parsed.ok) return this.reject(body, parsed.error);
    const { envelope } = parsed;
    const taskId = envelope.taskId ?? UNKNOWN_TASK_ID;
    this.logger.log(`[${taskId}] received ${envelope.taskType}`);
    switch (envelope.taskType) {
      case TaskType.GRAPH_GENERATION_REQUEST:
        return this.graphGeneration.handle(taskId, envelope.payload, signal);
      case TaskType.ADD_NODE_REQUEST:
        return this.addNode.handle(taskId, envelope.payload, signal);
      case TaskType.GRAPH_SUMMARY_REQUEST:
        return this.graphSummary.handle(taskId, envelope.payload, signal);
      case TaskType.GRAPH_GENERATION_PROGRESS:
      case TaskType.GRAPH_GENERATION_RESULT:
      case TaskType.ADD_NODE_RESULT:
      case TaskType.GRAPH_SUMMARY_RESULT: {
        const error = `Unsupported task type for the AI server: ${envelope.taskType}`;
        return this.results.send(TaskType.GRAPH_GENERATION_RESULT, taskId, failedGraphResult(envelope.payload.userId, error, null));
      }
    }
  }

  /**
   * An unreadable envelope gets what the real server sends: a FAILED graph
   * result for task "unknown" and user "". A readable request whose payload
   * fails keeps its task id and gets the FAILED result of its own type.
   */
  private async reject(body: string, error: InvalidMessageError): Promise<void> {
    const message = describeInvalidRequest(error);
    this.logger.warn(`rejected a request (${error.code}): ${error.message}`);
    if (error.code === 'INVALID_PAYLOAD' && isRequestTaskType(error.taskType)) {
      return this.sendFailed(error.taskType, error.taskId ?? UNKNOWN_TASK_ID, rawUserId(body), message);
    }
    return this.results.send(TaskType.GRAPH_GENERATION_RESULT, UNKNOWN_TASK_ID, failedGraphResult('', message, null));
  }

  private sendFailed(requestType: RequestTaskType, taskId: string, userId: string, error: string): Promise<void> {
    switch (requestType) {
      case TaskType.GRAPH_GENERATION_REQUEST:
        return this.results.send(TaskType.GRAPH_GENERATION_RESULT, taskId, failedGraphResult(userId, error, null));
      case TaskType.ADD_NODE_REQUEST:
        return this.results.send(TaskType.ADD_NODE_RESULT, taskId, { userId, status: 'FAILED', resultS3Key: null, error });
      case TaskType.GRAPH_SUMMARY_REQUEST: {
        const payload = { userId, status: 'FAILED' as const, summaryS3Key: null, chatId: null, error, errorCode: null };
        return this.results.send(TaskType.GRAPH_SUMMARY_RESULT, taskId, payload);
      }
    }
  }
}

function rawUserId(body: string): string {
  try {
    const value: unknown = JSON.parse(body);
    const payload = (value as { payload?: { userId?: unknown } } | null)?.payload;
    return typeof payload?.userId === 'string' ? payload.userId : '';
  } catch {
    return '';
  }
}
