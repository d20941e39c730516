import type { GraphGenerationResultPayload, ResultTaskType, TaskPayloads } from '@app/queue-contracts';
import { naiveTimestamp, preciseNow } from './naive-timestamp';

/** `taskId` of the answer to a request that could not be parsed, as the real server sends it. */
export const UNKNOWN_TASK_ID = 'unknown';

/**
 * An outgoing envelope as the Python server serialises it: every model field
 * present (null when unset) and a naive UTC timestamp with microseconds.
 * The contract lib's builder is for our requests and writes `Z` timestamps.
 */
export function buildResultEnvelope<T extends ResultTaskType>(
  taskType: T,
  taskId: string,
  payload: TaskPayloads[T],
  epochMs = preciseNow(),
): string {
  return JSON.stringify({ taskId, taskType, payload, timestamp: naiveTimestamp(epochMs) });
}

/** A graph result with every field the pydantic model has: unset ones are null, as Python serialises them. */
export function graphResult(
  userId: string,
  status: GraphGenerationResultPayload['status'],
  fields: Partial<Omit<GraphGenerationResultPayload, 'userId' | 'status'>> = {},
): GraphGenerationResultPayload {
  return {
    userId,
    status,
    resultS3Key: null,
    featuresS3Key: null,
    summaryS3Key: null,
    summaryIncluded: false,
    error: null,
    errorCode: null,
    chatId: null,
    ...fields,
  };
}

export function failedGraphResult(userId: string, error: string, errorCode: string | null): GraphGenerationResultPayload {
  return graphResult(userId, 'FAILED', { error, errorCode });
}
