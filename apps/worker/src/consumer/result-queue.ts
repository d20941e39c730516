import { Logger } from '@nestjs/common';
import { type BatchFailure, QueueAdmin, type VisibilityChange } from '@app/aws';

/**
 * The acknowledgements the consumer sends for one receive: deletes and
 * visibility changes, each as one batch call. A message SQS did not act on is
 * logged by id; it comes back after its visibility timeout and, since every
 * handler is idempotent, changes nothing twice.
 */
export class ResultQueue {
  private readonly logger = new Logger(ResultQueue.name);

  constructor(
    private readonly admin: QueueAdmin,
    readonly url: string,
    /** Seconds a received message stays invisible (WORKER_VISIBILITY_TIMEOUT_SECONDS); caps the retry backoff. */
    readonly visibilityTimeout: number,
  ) {}

  async delete(messages: readonly { messageId: string; receiptHandle: string }[]): Promise<void> {
    await this.report('not deleted; it will be delivered again', messages, () =>
      this.admin.deleteBatch(
        this.url,
        messages.map(({ receiptHandle }) => receiptHandle),
      ),
    );
  }

  async changeVisibility(changes: readonly (VisibilityChange & { messageId: string })[]): Promise<void> {
    await this.report('visibility not changed; it is retried after the full visibility timeout', changes, () => this.admin.changeVisibilityBatch(this.url, changes));
  }

  private async report(what: string, messages: readonly { messageId: string; receiptHandle: string }[], call: () => Promise<BatchFailure[]>): Promise<void> {
    if (messages.length === 0) return;
    try {
      const failures = await call();
      for (const failure of failures) {
        const id = messages.find(({ receiptHandle }) => receiptHandle === failure.receiptHandle)?.messageId ?? '?';
        this.logger.warn(`message ${id} ${what} (${failure.reason})`);
      }
    } catch (error) {
      this.logger.error(`messages ${messages.map(({ messageId }) => messageId).join(', ')} ${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
