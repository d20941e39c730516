import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SqsConsumerEventHandler, SqsMessageHandler } from '@ssut/nestjs-sqs';
import { DeadLetterService } from '../dead-letters/dead-letter.service';
import { ResultDispatcher } from '../results/result-dispatcher';
import { type DeadLetterOutcome, type Outcome, type ReceivedMessage } from './outcome';

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
 * The only place outcomes become SQS actions: done acknowledges; retry leaves
 * the message for a later receive (visibility grows per receive); dead-letter
 * sends the body with its reason to the queue's dead-letter queue and then
 * acknowledges (if the DLQ does not take it, the message is retried instead).
 * Messages wait until the app is fully up and the DLQ is known; shutdown waits
 * until the batch in flight is handled and acknowledged.
 */
@Injectable()
export class ResultQueueConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ResultQueueConsumer.name);
  private readonly ready: Promise<void>;
  private markReady!: () => void;
  private failStart!: (error: unknown) => void;
  private stopping = false;
  /** Settles when sqs-consumer has finished (deleted or re-timed) every message of the current receive. */
  private batch?: { done: Promise<void>; settle: () => void };

  constructor(
    private readonly dispatcher: ResultDispatcher,
    private readonly deadLetters: DeadLetterService,
  ) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.markReady = resolve;
      this.failStart = reject;
    });
    this.ready.catch(() => undefined); // observed by handlers; start-up failure is reported by bootstrap
  }

  /** Start-up fails here, with the reason, when the result queue has no dead-letter queue. */
  async onApplicationBootstrap(): Promise<void> {
    try {
      const dlq = await this.deadLetters.deadLetterQueueUrl();
      this.logger.log(`dead letters go to ${dlq}`);
      this.markReady();
    } catch (error) {
      this.failStart(error);
      throw error;
    }
  }

  @SqsMessageHandler(RESULT_CONSUMER, false)
  async handleMessage(raw: SqsMessage): Promise<void> {
    await this.ready;
    const message: ReceivedMessage = {
      messageId: raw.MessageId ?? '?',
      body: raw.Body ?? '',
      receiveCount: Number(raw.Attributes?.ApproximateReceiveCount ?? '1'),
    };
    if (this.stopping) throw new MessageNotDone('received while shutting down'); // left for the next worker
    const outcome = await this.dispatcher.dispatch(message).catch((error: unknown): Outcome => {
      this.logger.error(`message ${message.messageId}: handler failed, will retry: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return { kind: 'retry', reason: String(error) };
    });
    await this.apply(message, outcome);
  }

  @SqsConsumerEventHandler(RESULT_CONSUMER, 'message_received')
  onMessageReceived(): void {
    if (this.batch) return;
    let settle!: () => void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    this.batch = { done, settle };
  }

  @SqsConsumerEventHandler(RESULT_CONSUMER, 'response_processed')
  onResponseProcessed(): void {
    this.batch?.settle();
    this.batch = undefined;
  }

  @SqsConsumerEventHandler(RESULT_CONSUMER, 'processing_error')
  onProcessingError(error: Error): void {
    if (!isNotDone(error)) this.logger.error(`processing error: ${error.message}`);
  }

  @SqsConsumerEventHandler(RESULT_CONSUMER, 'timeout_error')
  onTimeoutError(error: Error): void {
    this.logger.error(`handler timed out: ${error.message}`);
  }

  @SqsConsumerEventHandler(RESULT_CONSUMER, 'error')
  onError(error: Error): void {
    this.logger.error(`SQS error on the result queue: ${error.message}`);
  }

  /** sqs-consumer stops receiving in onModuleDestroy; here we wait for the batch already received. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (!this.batch) return;
    this.logger.log('draining the messages in flight');
    await this.batch.done;
  }

  private async apply(message: ReceivedMessage, outcome: Outcome): Promise<void> {
    switch (outcome.kind) {
      case 'done':
        if (outcome.note) this.logger.log(`message ${message.messageId}: ${outcome.note}`);
        return;
      case 'retry':
        this.logger.warn(`message ${message.messageId} (receive ${message.receiveCount}): retry later: ${outcome.reason}`);
        throw new MessageNotDone(outcome.reason);
      case 'dead-letter':
        return this.deadLetter(message, outcome);
    }
  }

  /** Returns normally (so the message is deleted) only once the DLQ holds a copy. */
  private async deadLetter(message: ReceivedMessage, outcome: DeadLetterOutcome): Promise<void> {
    const task = outcome.taskId ? ` (task ${outcome.taskId})` : '';
    try {
      await this.deadLetters.deadLetter({ ...message, reason: outcome.reason, taskId: outcome.taskId, taskType: outcome.taskType });
    } catch (error) {
      this.logger.error(
        `message ${message.messageId}${task}: cannot be processed (${outcome.reason}) and the dead-letter queue refused it, will retry: ${error instanceof Error ? error.message : String(error)}`,
      );
      throw new MessageNotDone(outcome.reason);
    }
    this.logger.error(`message ${message.messageId}${task}: dead-lettered: ${outcome.reason}`);
  }

  /** Seconds before a failed message is received again: grows per receive, capped by the visibility timeout. */
  static backoffSeconds(receiveCount: number, visibilityTimeout: number): number {
    return Math.min(2 ** Math.max(receiveCount - 1, 0) * 5, visibilityTimeout);
  }

  /** Renews a running handler's visibility well before it lapses (sqs-consumer needs it below the timeout). */
  static heartbeatSeconds(visibilityTimeout: number): number {
    return Math.max(1, Math.floor(visibilityTimeout / 3));
  }
}

function isNotDone(error: Error): boolean {
  return error instanceof MessageNotDone || error.cause instanceof MessageNotDone;
}
