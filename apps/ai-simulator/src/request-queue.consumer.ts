import { SqsClientFactory } from '@app/aws';
import { DeleteMessageCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { AiSimulatorConfig } from './config/ai-simulator.config';
import { RequestRouter } from './request.router';

const WAIT_TIME_SECONDS = 20;
const BATCH_SIZE = 10;
const RETRY_AFTER_MS = 1_000;

/**
 * A small receive loop on the request queue. A request is deleted only after
 * its answer is on the result queue; if the job throws, the message stays and
 * SQS redelivers it (and dead-letters it after maxReceiveCount). On shutdown
 * the long poll is aborted and in-flight jobs are awaited before clients close.
 */
@Injectable()
export class RequestQueueConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RequestQueueConsumer.name);
  private readonly sqs: SQSClient;
  private readonly stop = new AbortController();
  private loop: Promise<void> = Promise.resolve();

  constructor(
    clients: SqsClientFactory,
    private readonly config: AiSimulatorConfig,
    private readonly router: RequestRouter,
  ) {
    this.sqs = clients.create();
  }

  onApplicationBootstrap(): void {
    this.logger.log(`consuming ${this.config.SQS_REQUEST_QUEUE_URL}`);
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stop.abort();
    await this.loop;
    this.logger.log('stopped');
  }

  private async run(): Promise<void> {
    while (!this.stop.signal.aborted) {
      const messages = await this.receive();
      await Promise.all(messages.map((message) => this.process(message)));
    }
  }

  private async receive(): Promise<Message[]> {
    try {
      const command = new ReceiveMessageCommand({
        QueueUrl: this.config.SQS_REQUEST_QUEUE_URL,
        MaxNumberOfMessages: BATCH_SIZE,
        WaitTimeSeconds: WAIT_TIME_SECONDS,
      });
      const output = await this.sqs.send(command, { abortSignal: this.stop.signal });
      return output.Messages ?? [];
    } catch (error) {
      if (this.stop.signal.aborted) return [];
      this.logger.warn(`receive failed, retrying in ${RETRY_AFTER_MS} ms: ${describe(error)}`);
      await sleep(RETRY_AFTER_MS, undefined, { signal: this.stop.signal }).catch(() => undefined);
      return [];
    }
  }

  private async process(message: Message): Promise<void> {
    try {
      await this.router.handle(message.Body ?? '', this.stop.signal);
      await this.sqs.send(new DeleteMessageCommand({ QueueUrl: this.config.SQS_REQUEST_QUEUE_URL, ReceiptHandle: message.ReceiptHandle }));
    } catch (error) {
      const reason = this.stop.signal.aborted ? 'interrupted by shutdown' : describe(error);
      this.logger.warn(`request ${message.MessageId ?? '?'} left on the queue for redelivery: ${reason}`);
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
