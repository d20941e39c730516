export type QueueErrorCode = 'QUEUE_UNAVAILABLE' | 'QUEUE_ERROR';

/**
 * Every failure of QueuePublisher. `transient` is true only for QUEUE_UNAVAILABLE
 * (network trouble, 5xx, throttling). The vendor error is kept as `cause`.
 */
export class QueueError extends Error {
  readonly transient: boolean;

  constructor(
    readonly code: QueueErrorCode,
    message: string,
    readonly queueUrl: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'QueueError';
    this.transient = code === 'QUEUE_UNAVAILABLE';
  }
}
