/** Thrown by buildEnvelope: the message would be rejected by the AI (or leak a field), so it is never sent. */
export class OutgoingMessageError extends Error {
  readonly code = 'INVALID_OUTGOING_MESSAGE';

  constructor(
    readonly taskType: string,
    readonly taskId: string,
    readonly problems: readonly string[],
  ) {
    super(`Refusing to send ${taskType} ${taskId}: ${problems.join('; ')}`);
    this.name = 'OutgoingMessageError';
  }
}
