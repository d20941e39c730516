import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { OnApplicationShutdown } from '@nestjs/common';
import { toQueueError } from './aws-error.mapper';
import type { AwsOptions } from './aws.options';
import type { BatchFailure, QueueMessage, ReceiveOptions, VisibilityChange } from './queue-message';
import { QueueError } from './queue.error';
import { createSqsClient } from './sdk-client.config';

/**
 * The SQS operations beyond plain sending: dead-letter queue discovery, sending
 * with string attributes, receiving, deleting, visibility and counts. Throws
 * only QueueError; returns our own types. Destroys its client at application shutdown.
 */
export class QueueAdmin implements OnApplicationShutdown {
  private readonly sqs: SQSClient;

  constructor(options: AwsOptions) {
    this.sqs = createSqsClient(options);
  }

  /** The URL of the queue named by `queueUrl`'s RedrivePolicy; QUEUE_ERROR when it has none. */
  async deadLetterQueueOf(queueUrl: string): Promise<string> {
    const attributes = await this.call(queueUrl, 'read attributes of', () =>
      this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] })),
    );
    const arn = deadLetterTargetArn(attributes.Attributes?.RedrivePolicy);
    if (arn === undefined) throw new QueueError('QUEUE_ERROR', `queue ${queueUrl} has no dead-letter queue (no RedrivePolicy with a deadLetterTargetArn)`, queueUrl);
    const name = arn.slice(arn.lastIndexOf(':') + 1);
    const found = await this.call(queueUrl, `look up dead-letter queue ${name} of`, () => this.sqs.send(new GetQueueUrlCommand({ QueueName: name })));
    if (!found.QueueUrl) throw new QueueError('QUEUE_ERROR', `dead-letter queue ${name} of ${queueUrl} has no URL`, queueUrl);
    return found.QueueUrl;
  }

  /** Sends `body` with String message attributes; empty values are left out (SQS rejects them). */
  async sendWithAttributes(queueUrl: string, body: string, attributes: Readonly<Record<string, string>>): Promise<{ messageId: string }> {
    const MessageAttributes = Object.fromEntries(
      Object.entries(attributes)
        .filter(([, value]) => value !== '')
        .map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
    );
    const sent = await this.call(queueUrl, 'send to', () => this.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body, MessageAttributes })));
    if (sent.MessageId === undefined) throw new QueueError('QUEUE_ERROR', `SQS send to ${queueUrl} returned no MessageId`, queueUrl);
    return { messageId: sent.MessageId };
  }

  async receive(queueUrl: string, options: ReceiveOptions): Promise<QueueMessage[]> {
    const received = await this.call(queueUrl, 'receive from', () =>
      this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: options.max,
          WaitTimeSeconds: options.waitSeconds,
          VisibilityTimeout: options.visibilityTimeout,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      ),
    );
    return (received.Messages ?? []).map(toQueueMessage);
  }

  async delete(queueUrl: string, receiptHandle: string): Promise<void> {
    await this.call(queueUrl, 'delete from', () => this.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle })));
  }

  /** Deletes up to 10 messages in one call; returns the ones SQS did not delete, with its reason. */
  async deleteBatch(queueUrl: string, receiptHandles: readonly string[]): Promise<BatchFailure[]> {
    if (receiptHandles.length === 0) return [];
    const result = await this.call(queueUrl, 'delete a batch from', () =>
      this.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: receiptHandles.map((ReceiptHandle, i) => ({ Id: String(i), ReceiptHandle })) })),
    );
    return batchFailures(result.Failed, receiptHandles);
  }

  /** Changes the visibility of up to 10 messages in one call; returns the ones SQS did not change. */
  async changeVisibilityBatch(queueUrl: string, changes: readonly VisibilityChange[]): Promise<BatchFailure[]> {
    if (changes.length === 0) return [];
    const result = await this.call(queueUrl, 'change visibility of a batch in', () =>
      this.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: changes.map(({ receiptHandle, seconds }, i) => ({ Id: String(i), ReceiptHandle: receiptHandle, VisibilityTimeout: seconds })),
        }),
      ),
    );
    return batchFailures(
      result.Failed,
      changes.map(({ receiptHandle }) => receiptHandle),
    );
  }

  async changeVisibility(queueUrl: string, receiptHandle: string, seconds: number): Promise<void> {
    await this.call(queueUrl, 'change visibility in', () =>
      this.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: seconds })),
    );
  }

  /** The RedrivePolicy's maxReceiveCount: the receive after which SQS moves a message to the DLQ itself; undefined without one. */
  async maxReceiveCountOf(queueUrl: string): Promise<number | undefined> {
    const attributes = await this.call(queueUrl, 'read attributes of', () =>
      this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] })),
    );
    try {
      const count = Number((JSON.parse(attributes.Attributes?.RedrivePolicy ?? '{}') as { maxReceiveCount?: unknown }).maxReceiveCount);
      return Number.isInteger(count) && count > 0 ? count : undefined;
    } catch {
      return undefined;
    }
  }

  /** Messages waiting to be received (ApproximateNumberOfMessages; in-flight ones not counted). */
  async approximateCount(queueUrl: string): Promise<number> {
    const attributes = await this.call(queueUrl, 'count messages in', () =>
      this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] })),
    );
    return Number(attributes.Attributes?.ApproximateNumberOfMessages ?? '0');
  }

  onApplicationShutdown(): void {
    this.sqs.destroy();
  }

  private async call<T>(queueUrl: string, action: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw toQueueError(error, queueUrl, action);
    }
  }
}

function deadLetterTargetArn(redrivePolicy: string | undefined): string | undefined {
  if (!redrivePolicy) return undefined;
  try {
    const arn = (JSON.parse(redrivePolicy) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
    return typeof arn === 'string' && arn !== '' ? arn : undefined;
  } catch {
    return undefined;
  }
}

/** Maps a batch call's Failed entries (Id = index into the request) back to receipt handles. */
function batchFailures(failed: readonly { Id?: string; Code?: string; Message?: string }[] | undefined, receiptHandles: readonly string[]): BatchFailure[] {
  return (failed ?? []).map((entry) => ({
    receiptHandle: receiptHandles[Number(entry.Id)] ?? '',
    reason: [entry.Code, entry.Message].filter(Boolean).join(': ') || 'no reason given',
  }));
}

function toQueueMessage(message: Message): QueueMessage {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    if (value.StringValue !== undefined) attributes[name] = value.StringValue;
  }
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes,
    receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? '1'),
  };
}
