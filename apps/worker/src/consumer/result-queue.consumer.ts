import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap, Optional } from '@nestjs/common';
import { describeFault, stackFrames } from '@app/faults';
import { DeadLetterService } from '../dead-letters/dead-letter.service';
import { ResultDispatcher } from '../results/result-dispatcher';
import { type DeadLetterOutcome, type Outcome, Outcomes, type ReceivedMessage } from './outcome';
import { ResultQueue } from './result-queue';

/** What sqs-consumer hands us; only the fields we read (keeps SDK types out). */
export interface SqsMessage {
  MessageId?: string;
  ReceiptHandle?: string;
  Body?: string;
  Attributes?: Partial<Record<string, string>>;
}

type Received = ReceivedMessage & { readonly receiptHandle: string };

/** What becomes of a message once its outcome is known. */
type Settlement = 'delete' | { readonly retryInSeconds: number };

/**
 * How the consumer waits out a transient fault (a retry outcome) without giving
 * the message back to SQS, where every new receive would spend one of its
 * maxReceiveCount receives: it keeps the message (the heartbeat keeps it
 * invisible) and tries again after `firstDelayMs`, doubling up to
 * `maxDelayMs`, for as long as the dependency takes to come back. 0 = no
 * holding: a retry goes back to SQS at once with its backoff.
 */
export interface RetryHold {
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
}

export const RETRY_HOLD = Symbol('RETRY_HOLD');
const NO_HOLD: RetryHold = { firstDelayMs: 0, maxDelayMs: 0 };

/**
 * The only place outcomes become SQS actions. Each receive is handled as one
 * batch (the dispatcher lets a handler take its messages together); then done
 * and dead-lettered messages are deleted in one call and retried ones made
 * visible again later in another (visibility grows per receive). Dead-letter
 * sends the body with its reason to the queue's dead-letter queue first; if the
 * DLQ does not take it, the message is retried instead. Messages wait until the
 * app is fully up and the DLQ is known; shutdown waits until the batch in
 * flight is handled and acknowledged. The pollers (result-queue.pollers.ts)
 * hand their receives here; sqs-consumer itself deletes nothing (the handler
 * returns no messages) and keeps a long batch invisible (heartbeat).
 */
@Injectable()
export class ResultQueueConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ResultQueueConsumer.name);
  private readonly ready: Promise<void>;
  private markReady!: () => void;
  private failStart!: (error: unknown) => void;
  private stopping = false;
  /** Receives being handled; each settles once its messages are deleted or re-timed. */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Wakes every held receive at shutdown. */
  private readonly wakeUps = new Set<() => void>();

  constructor(
    private readonly dispatcher: ResultDispatcher,
    private readonly deadLetters: DeadLetterService,
    private readonly queue: ResultQueue,
    @Optional() @Inject(RETRY_HOLD) private readonly hold: RetryHold = NO_HOLD,
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

  /** One receive of a poller; resolves once every message is deleted or re-timed. */
  async handleMessages(raw: readonly SqsMessage[]): Promise<SqsMessage[]> {
    const handling = this.handle(raw);
    this.inFlight.add(handling);
    try {
      return await handling;
    } finally {
      this.inFlight.delete(handling);
    }
  }

  /** sqs-consumer errors (receive, heartbeat, handler timeout), by event name. */
  reportError(event: string, error: Error): void {
    this.logger.error(`${event} on the result queue: ${error.message}`);
  }

  /** sqs-consumer stops receiving in onModuleDestroy; here we wait for the receives already in hand. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const wake of this.wakeUps) wake();
    if (this.inFlight.size === 0) return;
    this.logger.log(`draining ${this.inFlight.size} receive(s) in flight`);
    await Promise.allSettled([...this.inFlight]);
  }

  private async handle(raw: readonly SqsMessage[]): Promise<SqsMessage[]> {
    await this.ready;
    const messages = raw.map(toReceived);
    if (this.stopping) {
      // Received as the poller stopped: handed straight back for the next worker.
      await this.queue.changeVisibility(messages.map(({ messageId, receiptHandle }) => ({ messageId, receiptHandle, seconds: 0 })));
      return [];
    }
    let waiting = messages;
    for (let attempt = 0; ; attempt++) {
      const outcomes = await this.dispatch(waiting);
      const isHeld = outcomes.map((outcome) => outcome.kind === 'retry' && this.holds);
      const held = waiting.flatMap((message, i) => (isHeld[i] ? [{ message, outcome: outcomes[i] }] : []));
      // Everything decided is acknowledged now; what is held waits in memory, still invisible.
      await this.acknowledge(
        waiting.filter((_, i) => !isHeld[i]),
        outcomes.filter((_, i) => !isHeld[i]),
      );
      if (held.length === 0) return [];
      const delay = Math.min(this.hold.firstDelayMs * 2 ** attempt, this.hold.maxDelayMs);
      this.logger.warn(`${held.length} message(s) wait for a dependency (try ${attempt + 1}: ${held[0].outcome.kind === 'retry' ? held[0].outcome.reason : ''}); next try in ${delay} ms`);
      await this.pause(delay);
      if (this.stopping) {
        // Shutdown: the held messages go back to SQS now, for the next worker.
        await this.acknowledge(held.map((h) => h.message), held.map((h) => h.outcome));
        return [];
      }
      waiting = held.map((h) => h.message);
    }
  }

  /** Whether a retry outcome is held in memory rather than given back to SQS. */
  private get holds(): boolean {
    return this.hold.firstDelayMs > 0 && !this.stopping;
  }

  private dispatch(messages: readonly Received[]): Promise<Outcome[]> {
    return this.dispatcher.dispatchBatch(messages).catch((error: unknown): Outcome[] => {
      this.logger.error(`batch of ${messages.length}: dispatch failed, will retry: ${describeFault(error)}`, stackFrames(error));
      return messages.map(() => Outcomes.retry(String(error)));
    });
  }

  /** Deletes, dead-letters and re-times one set of messages with their outcomes (a released retry never outlives maxReceiveCount). */
  private async acknowledge(messages: readonly Received[], outcomes: readonly Outcome[]): Promise<void> {
    if (messages.length === 0) return;
    const maxReceives = outcomes.some((outcome) => outcome.kind === 'retry') ? await this.deadLetters.maxReceiveCount() : undefined;
    const settled = await Promise.all(messages.map((message, i) => this.settle(message, lastChance(message, outcomes[i], maxReceives))));
    await Promise.all([
      this.queue.delete(messages.filter((_, i) => settled[i] === 'delete')),
      this.queue.changeVisibility(
        messages.flatMap((message, i) => {
          const settlement = settled[i];
          if (settlement === 'delete') return [];
          // At shutdown a message goes straight back, for the next worker.
          return [{ messageId: message.messageId, receiptHandle: message.receiptHandle, seconds: this.stopping ? 0 : settlement.retryInSeconds }];
        }),
      ),
    ]);
  }

  /** Resolves after `ms`, or at once when shutdown begins. */
  private pause(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((done) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakeUps.delete(wake);
        done();
      };
      const timer = setTimeout(wake, ms);
      this.wakeUps.add(wake);
    });
  }

  private async settle(message: Received, outcome: Outcome): Promise<Settlement> {
    switch (outcome.kind) {
      case 'done':
        if (outcome.note) this.logger.log(`message ${message.messageId}: ${outcome.note}`);
        return 'delete';
      case 'retry':
        this.logger.warn(`message ${message.messageId} (receive ${message.receiveCount}): retry later: ${outcome.reason}`);
        return this.retry(message);
      case 'dead-letter':
        return this.deadLetter(message, outcome);
    }
  }

  /** Deleted only once the DLQ holds a copy; otherwise retried. */
  private async deadLetter(message: Received, outcome: DeadLetterOutcome): Promise<Settlement> {
    const task = outcome.taskId ? ` (task ${outcome.taskId})` : '';
    try {
      const { messageId, body, receiveCount } = message;
      await this.deadLetters.deadLetter({ messageId, body, receiveCount, reason: outcome.reason, taskId: outcome.taskId, taskType: outcome.taskType });
    } catch (error) {
      this.logger.error(
        `message ${message.messageId}${task}: cannot be processed (${outcome.reason}) and the dead-letter queue refused it, will retry: ${error instanceof Error ? error.message : String(error)}`,
      );
      return this.retry(message);
    }
    this.logger.error(`message ${message.messageId}${task}: dead-lettered: ${outcome.reason}`);
    return 'delete';
  }

  private retry(message: Received): Settlement {
    return { retryInSeconds: ResultQueueConsumer.backoffSeconds(message.receiveCount, this.queue.visibilityTimeout) };
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

/**
 * A retry of a message on its last receive before SQS's own redrive would move
 * it, silently, to the DLQ: the worker dead-letters it itself, with the reason.
 */
function lastChance(message: Received, outcome: Outcome, maxReceives: number | undefined): Outcome {
  if (outcome.kind !== 'retry' || maxReceives === undefined || message.receiveCount < maxReceives) return outcome;
  return Outcomes.deadLetter(`not processed in ${message.receiveCount} receives (the queue's maxReceiveCount); last: ${outcome.reason}`, taskLabelsOf(message.body));
}

/** taskId and taskType as far as the body shows them, for a dead letter's labels. */
function taskLabelsOf(body: string): { taskId?: string; taskType?: string } {
  try {
    const { taskId, taskType } = JSON.parse(body) as { taskId?: unknown; taskType?: unknown };
    return { ...(typeof taskId === 'string' ? { taskId } : {}), ...(typeof taskType === 'string' ? { taskType } : {}) };
  } catch {
    return {};
  }
}

function toReceived(raw: SqsMessage): Received {
  return {
    messageId: raw.MessageId ?? '?',
    receiptHandle: raw.ReceiptHandle ?? '',
    body: raw.Body ?? '',
    receiveCount: Number(raw.Attributes?.ApproximateReceiveCount ?? '1'),
  };
}
