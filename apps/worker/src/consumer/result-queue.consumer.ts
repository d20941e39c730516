import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SqsConsumerEventHandler, SqsMessageHandler } from '@ssut/nestjs-sqs';
import { ResultDispatcher } from '../results/result-dispatcher';
import { type Outcome, type ReceivedMessage } from './outcome';

export const RESULT_CONSUMER = 'results';

/** What sqs-consumer hands us; only the fields we read (keeps SDK types out). */
interface SqsMessage {
  MessageId?: string;
  Body?: string;
  Attributes?: Partial<Record<string, string>>;
}

/** Thrown to leave a message on the queue; sqs-consumer then applies the retry backoff. */
class MessageNotDone extends Error {}

/**
 * The only place outcomes become SQS actions: done acknowledges, retry and
 * dead-letter leave the message for a later receive (the queue's redrive
 * policy moves a message that keeps failing to its dead-letter queue).
 * Messages wait until the app is fully up, and shutdown drains those in flight.
 */
@Injectable()
export class ResultQueueConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ResultQueueConsumer.name);
  private markReady!: () => void;
  private readonly ready = new Promise<void>((resolve) => (this.markReady = resolve));
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly dispatcher: ResultDispatcher) {}

  onApplicationBootstrap(): void {
    this.markReady();
  }

  @SqsMessageHandler(RESULT_CONSUMER, false)
  async handleMessage(raw: SqsMessage): Promise<void> {
    await this.ready;
    const message: ReceivedMessage = {
      messageId: raw.MessageId ?? '?',
      body: raw.Body ?? '',
      receiveCount: Number(raw.Attributes?.ApproximateReceiveCount ?? '1'),
    };
    const work = this.dispatcher.dispatch(message).catch((error: unknown): Outcome => {
      this.logger.error(`message ${message.messageId}: handler failed, will retry: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return { kind: 'retry', reason: String(error) };
    });
    this.inFlight.add(work);
    const outcome = await work.finally(() => this.inFlight.delete(work));
    this.apply(message, outcome);
  }

  @SqsConsumerEventHandler(RESULT_CONSUMER, 'processing_error')
  onProcessingError(error: Error): void {
    if (!(error instanceof MessageNotDone) && !(error.cause instanceof MessageNotDone)) this.logger.error(`processing error: ${error.message}`);
  }

  @SqsConsumerEventHandler(RESULT_CONSUMER, 'error')
  onError(error: Error): void {
    this.logger.error(`SQS error on the result queue: ${error.message}`);
  }

  /** sqs-consumer stops receiving in onModuleDestroy; here we wait for handlers already running. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.inFlight.size === 0) return;
    this.logger.log(`draining ${this.inFlight.size} message(s) in flight`);
    await Promise.allSettled([...this.inFlight]);
  }

  private apply(message: ReceivedMessage, outcome: Outcome): void {
    switch (outcome.kind) {
      case 'done':
        if (outcome.note) this.logger.log(`message ${message.messageId}: ${outcome.note}`);
        return;
      case 'retry':
        this.logger.warn(`message ${message.messageId} (receive ${message.receiveCount}): retry later: ${outcome.reason}`);
        throw new MessageNotDone(outcome.reason);
      case 'dead-letter':
        this.logger.error(`message ${message.messageId} (receive ${message.receiveCount}): cannot be processed: ${outcome.reason}`);
        throw new MessageNotDone(outcome.reason);
    }
  }

  /** Seconds before a failed message is received again: grows per receive, capped by the visibility timeout. */
  static backoffSeconds(receiveCount: number, visibilityTimeout: number): number {
    return Math.min(2 ** Math.max(receiveCount - 1, 0) * 5, visibilityTimeout);
  }
}
