import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { TASK_PAYLOAD_CLASSES, type TaskPayloads } from './task-payload.map';
import { isRequestTaskType, type TaskType } from './task-type.enum';

export type PayloadCheck<P> = { ok: true; payload: P } | { ok: false; problems: string[] };

/**
 * Validates a plain payload object against the DTO of its task type, pydantic-style:
 * unknown fields are stripped (not rejected), missing required fields and wrong
 * types fail. In request payloads null means "not set" and is dropped, so an
 * AI default applies instead of a null the AI might reject; in result payloads
 * absent optionals read as null.
 */
export function validatePayload<T extends TaskType>(taskType: T, plain: object): PayloadCheck<TaskPayloads[T]> {
  const input = isRequestTaskType(taskType) ? withoutNulls(plain) : plain;
  const payload = plainToInstance(TASK_PAYLOAD_CLASSES[taskType], input);
  const errors = validateSync(payload, { whitelist: true, forbidNonWhitelisted: false, forbidUnknownValues: true });
  if (errors.length === 0) return { ok: true, payload };
  return { ok: false, problems: errors.flatMap((error) => describeError(error, 'payload')) };
}

function withoutNulls(plain: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(plain).filter(([, value]) => value !== null && value !== undefined));
}

const TYPE_CONSTRAINTS = ['isString', 'isInt', 'isBoolean', 'isIn', 'equals'];

/**
 * `payload.progressPercent must not be greater than 100`. Only the most basic failure
 * is reported per field: "is required" for a missing one, the type check for a
 * wrongly typed one (a string is not also "greater than 100").
 */
function describeError(error: ValidationError, parent: string): string[] {
  const path = `${parent}.${error.property}`;
  const constraints = Object.entries(error.constraints ?? {});
  const required = constraints.filter(([name]) => name === 'isDefined');
  const typed = constraints.filter(([name]) => TYPE_CONSTRAINTS.includes(name));
  const shown = required.length > 0 ? required : typed.length > 0 ? typed : constraints;
  const own = shown.map(([, message]) => `${parent}.${message}`);
  return [...own, ...(error.children ?? []).flatMap((child) => describeError(child, path))];
}
