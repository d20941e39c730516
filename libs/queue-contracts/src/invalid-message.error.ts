export type InvalidMessageCode = 'INVALID_JSON' | 'NOT_AN_OBJECT' | 'INVALID_ENVELOPE' | 'UNKNOWN_TASK_TYPE' | 'INVALID_PAYLOAD';

export interface InvalidMessageContext {
  taskId?: string;
  taskType?: string;
}

/**
 * Why a received message cannot be handled. Never worth a retry: the same bytes
 * fail the same way, so the consumer dead-letters it. `taskId`/`taskType` are set
 * whenever they could be read, for logs and the dead-letter record.
 */
export class InvalidMessageError extends Error {
  readonly taskId?: string;
  readonly taskType?: string;

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
  }
}
