/** A message received through QueueAdmin; string message attributes only. */
export interface QueueMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly receiveCount: number;
}

export interface ReceiveOptions {
  /** 1-10 messages per call. */
  readonly max: number;
  readonly waitSeconds: number;
  readonly visibilityTimeout: number;
}

/** A new visibility timeout for one received message. */
export interface VisibilityChange {
  readonly receiptHandle: string;
  readonly seconds: number;
}

/** A message a batch call did not act on, with SQS's reason. */
export interface BatchFailure {
  readonly receiptHandle: string;
  readonly reason: string;
}
