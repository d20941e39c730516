import { QueueAdmin, type QueueMessage } from '@app/aws';
import { DeadLetterAttribute as A, MAX_REASON_BYTES, truncateUtf8 } from './dead-letter.attributes';

/** What the consumer knows about a message it gives up on. */
export interface DeadLetterInput {
  readonly messageId: string;
  readonly body: string;
  readonly receiveCount: number;
  readonly reason: string;
  readonly taskId?: string;
  readonly taskType?: string;
}

/** One message in the dead-letter queue as operators see it. */
export interface DeadLetterEntry {
  readonly messageId: string;
  readonly taskId?: string;
  readonly taskType?: string;
  readonly reason?: string;
  readonly deadLetteredAt?: string;
  readonly originalMessageId?: string;
}

export interface RedriveResult {
  readonly moved: readonly string[];
  readonly unknown: readonly string[];
}

/** Seconds a listed message stays hidden if this process dies before releasing it. */
const PEEK_VISIBILITY_SECONDS = 30;
const RECEIVE_BATCH = 10;

/**
 * The result queue's dead-letter queue, found from the queue's RedrivePolicy:
 * the consumer puts messages there, operators list them and move them back.
 */
export class DeadLetterService {
  private dlqUrl?: Promise<string>;
  private maxReceives?: Promise<number | undefined>;

  constructor(
    private readonly admin: QueueAdmin,
    readonly sourceQueueUrl: string,
  ) {}

  /** Resolves the DLQ once; rejects with a clear message when the source queue has none. */
  deadLetterQueueUrl(): Promise<string> {
    this.dlqUrl ??= this.admin.deadLetterQueueOf(this.sourceQueueUrl).catch((error: unknown) => {
      this.dlqUrl = undefined;
      throw new Error(`cannot find the dead-letter queue of ${this.sourceQueueUrl}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    });
    return this.dlqUrl;
  }

  /**
   * The receive count at which SQS's own redrive would take a message on its
   * next receive (the source queue's maxReceiveCount); read once, undefined
   * when the policy has none or it could not be read.
   */
  maxReceiveCount(): Promise<number | undefined> {
    this.maxReceives ??= this.admin.maxReceiveCountOf(this.sourceQueueUrl).catch(() => {
      this.maxReceives = undefined;
      return undefined;
    });
    return this.maxReceives;
  }

  /** Sends the original body with our attributes; throws (a QueueError) if the DLQ did not take it. */
  async deadLetter(input: DeadLetterInput, now = new Date()): Promise<{ messageId: string }> {
    return this.admin.sendWithAttributes(await this.deadLetterQueueUrl(), input.body, {
      [A.reason]: truncateUtf8(input.reason, MAX_REASON_BYTES),
      [A.sourceQueue]: this.sourceQueueUrl,
      [A.originalMessageId]: input.messageId,
      [A.taskId]: input.taskId ?? '',
      [A.taskType]: input.taskType ?? '',
      [A.deadLetteredAt]: now.toISOString(),
      [A.receiveCount]: String(input.receiveCount),
    });
  }

  /** Up to `max` dead letters; they are released again right away (visibility 0), not consumed. */
  async list(max: number): Promise<DeadLetterEntry[]> {
    const dlq = await this.deadLetterQueueUrl();
    const held = await this.hold(dlq, max);
    await this.release(dlq, held);
    return held.map(toEntry);
  }

  /** Moves the chosen dead letters (all when `ids` is 'all') to the source queue, body unchanged. */
  async redrive(ids: readonly string[] | 'all'): Promise<RedriveResult> {
    const dlq = await this.deadLetterQueueUrl();
    const held = await this.hold(dlq, Number.POSITIVE_INFINITY);
    const wanted = ids === 'all' ? undefined : new Set(ids);
    const chosen = held.filter((message) => wanted === undefined || wanted.has(message.messageId));
    const moved: string[] = [];
    try {
      for (const message of chosen) {
        await this.admin.sendWithAttributes(this.sourceQueueUrl, message.body, {});
        await this.admin.delete(dlq, message.receiptHandle);
        moved.push(message.messageId);
      }
    } finally {
      await this.release(
        dlq,
        held.filter((message) => !moved.includes(message.messageId)),
      );
    }
    const found = new Set(held.map((message) => message.messageId));
    return { moved, unknown: ids === 'all' ? [] : ids.filter((id) => !found.has(id)) };
  }

  /** Receives until `max` messages are held or the queue answers empty. */
  private async hold(dlq: string, max: number): Promise<QueueMessage[]> {
    const held = new Map<string, QueueMessage>();
    while (held.size < max) {
      const batch = await this.admin.receive(dlq, {
        max: Math.min(RECEIVE_BATCH, max - held.size),
        waitSeconds: 1,
        visibilityTimeout: PEEK_VISIBILITY_SECONDS,
      });
      if (batch.length === 0) break;
      for (const message of batch) held.set(message.messageId, message);
    }
    return [...held.values()];
  }

  private async release(dlq: string, messages: readonly QueueMessage[]): Promise<void> {
    await Promise.all(messages.map((message) => this.admin.changeVisibility(dlq, message.receiptHandle, 0)));
  }
}

function toEntry(message: QueueMessage): DeadLetterEntry {
  const attribute = (name: string) => message.attributes[name];
  return {
    messageId: message.messageId,
    taskId: attribute(A.taskId),
    taskType: attribute(A.taskType),
    reason: attribute(A.reason),
    deadLetteredAt: attribute(A.deadLetteredAt),
    originalMessageId: attribute(A.originalMessageId),
  };
}
