import { type AnyEnvelope } from './envelope.types';
import { InvalidMessageError, type InvalidMessageContext } from './invalid-message.error';
import { parseIsoTimestamp } from './iso-timestamp';
import { isTaskType } from './task-type.enum';
import { validatePayload } from './validate-payload';

export type ParseResult = { ok: true; envelope: AnyEnvelope } | { ok: false; error: InvalidMessageError };

type JsonObject = Record<string, unknown>;

interface EnvelopeFields {
  taskId: string | null;
  taskType: string;
  payload: JsonObject;
  timestamp: Date | null;
}

/**
 * Reads one queue message. A string is taken as the raw JSON body; anything
 * else as an already-parsed value. Never throws: every failure is an
 * InvalidMessageError with a code, one-sentence reason and per-field details.
 */
export function parseEnvelope(raw: unknown): ParseResult {
  try {
    return parseOrFail(raw);
  } catch (error) {
    return fail('INVALID_ENVELOPE', 'The message could not be validated.', [errorText(error)]);
  }
}

function parseOrFail(raw: unknown): ParseResult {
  const json = readJson(raw);
  if (!json.ok) return json;
  if (!isJsonObject(json.value)) {
    return fail('NOT_AN_OBJECT', `The message body is ${describeJsonType(json.value)}, not a JSON object.`);
  }
  const fields = readEnvelopeFields(json.value);
  if (!fields.ok) return fields;
  const { taskId, taskType, payload, timestamp } = fields.value;
  const context = { taskType, ...(taskId === null ? {} : { taskId }), ...userIdOf(payload) };
  if (!isTaskType(taskType)) {
    return fail('UNKNOWN_TASK_TYPE', `The task type "${taskType}" is not handled here.`, [], context);
  }
  const checked = validatePayload(taskType, payload);
  if (!checked.ok) return fail('INVALID_PAYLOAD', `The ${taskType} payload is invalid.`, checked.problems, context);
  // The generic link between taskType and payload type is lost on the way; validatePayload guarantees it.
  const envelope = { taskId, taskType, payload: checked.payload, timestamp } as AnyEnvelope;
  return { ok: true, envelope };
}

function readJson(raw: unknown): { ok: true; value: unknown } | { ok: false; error: InvalidMessageError } {
  if (typeof raw !== 'string') return { ok: true, value: raw };
  try {
    const value: unknown = JSON.parse(raw);
    return { ok: true, value };
  } catch (error) {
    return fail('INVALID_JSON', 'The message body is not valid JSON.', [errorText(error)]);
  }
}

function readEnvelopeFields(body: JsonObject): { ok: true; value: EnvelopeFields } | { ok: false; error: InvalidMessageError } {
  const problems: string[] = [];
  const taskId = readTaskId(body.taskId, problems);
  const taskType = readTaskType(body, problems);
  const timestamp = readTimestamp(body.timestamp, problems);
  const payload = isJsonObject(body.payload) ? body.payload : undefined;
  if (payload === undefined) problems.push(body.payload == null ? 'payload is required' : 'payload must be an object');
  if (problems.length > 0 || taskType === undefined || payload === undefined) {
    const context: InvalidMessageContext = {
      ...(taskId === undefined ? {} : { taskId }),
      ...(taskType === undefined ? {} : { taskType }),
      ...(payload === undefined ? {} : userIdOf(payload)),
    };
    return fail('INVALID_ENVELOPE', envelopeReason(body, taskType), problems, context);
  }
  return { ok: true, value: { taskId: taskId ?? null, taskType, payload, timestamp: timestamp ?? null } };
}

/** The payload's userId for the error context, when it is a string. */
function userIdOf(payload: JsonObject): { userId?: string } {
  return typeof payload.userId === 'string' ? { userId: payload.userId } : {};
}

function readTaskId(value: unknown, problems: string[]): string | undefined {
  if (typeof value === 'string') return value;
  if (value != null) problems.push('taskId must be a string or null');
  return undefined;
}

function readTaskType(body: JsonObject, problems: string[]): string | undefined {
  const value = body.taskType;
  if (typeof value === 'string') return value;
  if (value != null) problems.push('taskType must be a string');
  else if ('type' in body) problems.push('taskType is required (the message has "type" instead; the key is "taskType")');
  else problems.push('taskType is required');
  return undefined;
}

function readTimestamp(value: unknown, problems: string[]): Date | undefined {
  if (value == null) return undefined;
  const date = typeof value === 'string' ? parseIsoTimestamp(value) : null;
  if (date === null) problems.push(`timestamp must be an ISO 8601 date-time string or null (got ${preview(value)})`);
  return date ?? undefined;
}

function envelopeReason(body: JsonObject, taskType: string | undefined): string {
  if (taskType === undefined && body.taskType == null && 'type' in body) {
    return 'The envelope has no "taskType" field but has "type"; the key is "taskType".';
  }
  return 'The envelope does not have the shape {taskId?, taskType, payload, timestamp?}.';
}

function fail(
  code: InvalidMessageError['code'],
  reason: string,
  details: string[] = [],
  context: InvalidMessageContext = {},
): { ok: false; error: InvalidMessageError } {
  return { ok: false, error: new InvalidMessageError(code, reason, details, context) };
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
