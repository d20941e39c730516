import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { OnApplicationShutdown } from '@nestjs/common';
import { toQueueError } from './aws-error.mapper';
import type { AwsOptions } from './aws.options';
import { QueueError } from './queue.error';
import { createSqsClient } from './sdk-client.config';

/**
 * Sends message bodies to SQS queues; throws only QueueError (QUEUE_UNAVAILABLE, QUEUE_ERROR).
 * Built by AwsModule; owns its SDK client and destroys it at application shutdown.
 */
export class QueuePublisher implements OnApplicationShutdown {
  private readonly sqs: SQSClient;

  constructor(options: AwsOptions) {
    this.sqs = createSqsClient(options);
  }

  async send(queueUrl: string, body: string): Promise<{ messageId: string }> {
    let messageId: string | undefined;
    try {
      ({ MessageId: messageId } = await this.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body })));
    } catch (error) {
      throw toQueueError(error, queueUrl);
    }
    if (messageId === undefined) throw new QueueError('QUEUE_ERROR', `SQS send to ${queueUrl} returned no MessageId`, queueUrl);
    return { messageId };
  }

  onApplicationShutdown(): void {
    this.sqs.destroy();
  }
}
