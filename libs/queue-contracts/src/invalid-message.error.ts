export type InvalidMessageCode = 'INVALID_JSON' | 'NOT_AN_OBJECT' | 'INVALID_ENVELOPE' | 'UNKNOWN_TASK_TYPE' | 'INVALID_PAYLOAD';

export interface InvalidMessageContext {
  taskId?: string;
  taskType?: string;
  /** `payload.userId` when the payload is an object with a string there: with taskId and taskType it names the job the message claims to answer. */
  userId?: string;
}

/**
 * Why a received message cannot be handled. Never worth a retry: the same bytes
 * fail the same way, so the consumer dead-letters it. `taskId`/`taskType` (and
 * `userId`) are set whenever they could be read, for logs, the dead-letter
 * record and failing the job the message answers.
 */
export class InvalidMessageError extends Error {
  readonly taskId?: string;
  readonly taskType?: string;
  readonly userId?: string;

  constructor(
    readonly code: InvalidMessageCode,
    readonly reason: string,
    readonly details: readonly string[] = [],
    context: InvalidMessageContext = {},
  ) {
    super(details.length > 0 ? `${reason} ${details.join('; ')}` : reason);
    this.name = 'InvalidMessageError';
    if (context.taskId !== undefined) this.taskId = context.taskId;
    if (context.taskType !== undefined) this.taskType = context.taskType;
    if (context.userId !== undefined) this.userId = context.userId;
  }
}
