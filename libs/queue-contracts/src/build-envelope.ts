import { OutgoingMessageError } from './outgoing-message.error';
import { type RequestPayloadInputs } from './task-payload.map';
import { isRequestTaskType, type RequestTaskType } from './task-type.enum';
import { validatePayload } from './validate-payload';

/**
 * Builds the JSON body of an outgoing request envelope, exactly as it goes on the
 * queue. The payload is validated against its DTO, defaults are filled in
 * (inputType, minClusters/maxClusters), null/undefined fields are omitted and
 * every field the DTO does not declare is dropped, so a stray secret such as
 * internalServiceToken never leaves the process. Throws OutgoingMessageError
 * listing every problem instead of sending something the AI would reject.
 */
export function buildEnvelope<T extends RequestTaskType>(
  taskType: T,
  taskId: string,
  payload: RequestPayloadInputs[T],
  now: Date = new Date(),
): string {
  const problems = checkEnvelopeFields(taskType, taskId, now);
  if (problems.length > 0) throw new OutgoingMessageError(String(taskType), String(taskId), problems);
  const checked = validatePayload(taskType, payload);
  if (!checked.ok) throw new OutgoingMessageError(taskType, taskId, checked.problems);
  return JSON.stringify({ taskId, taskType, payload: checked.payload, timestamp: now.toISOString() });
}

function checkEnvelopeFields(taskType: unknown, taskId: unknown, now: unknown): string[] {
  const problems: string[] = [];
  if (!isRequestTaskType(taskType)) problems.push('taskType must be one of the request task types');
  if (typeof taskId !== 'string' || taskId.trim() === '') problems.push('taskId must be a non-empty string');
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) problems.push('timestamp must be a valid Date');
  return problems;
}
