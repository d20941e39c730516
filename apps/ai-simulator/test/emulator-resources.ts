import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';

const REGION = 'us-east-1';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** A bucket and two queues of its own on the shared test emulator, plus the raw clients to drive them. */
export class EmulatorResources {
  readonly sqs: SQSClient;
  readonly s3: S3Client;
  readonly bucket = `sim-${randomUUID().slice(0, 8)}`;
  requestQueueUrl = '';
  resultQueueUrl = '';

  constructor(readonly endpoint: string) {
    this.sqs = new SQSClient({ endpoint, region: REGION, credentials });
    this.s3 = new S3Client({ endpoint, region: REGION, credentials, forcePathStyle: true });
  }

  async create(): Promise<this> {
    await this.s3.send(new CreateBucketCommand({ Bucket: this.bucket }));
    const queue = async (name: string) => (await this.sqs.send(new CreateQueueCommand({ QueueName: `${this.bucket}-${name}` }))).QueueUrl ?? '';
    this.requestQueueUrl = await queue('requests');
    this.resultQueueUrl = await queue('results');
    return this;
  }

  /** The environment the simulator reads, pointing at these resources. */
  environment(extra: Record<string, string> = {}): Record<string, string> {
    return {
      AWS_ENDPOINT_URL: this.endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      S3_PAYLOAD_BUCKET: this.bucket,
      SQS_REQUEST_QUEUE_URL: this.requestQueueUrl,
      SQS_RESULT_QUEUE_URL: this.resultQueueUrl,
      AI_SIMULATOR_STEP_DELAY_MS: '20',
      ...extra,
    };
  }

  async putJson(key: string, value: unknown): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: JSON.stringify(value) }));
  }

  async getJson(key: string): Promise<unknown> {
    const output = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return JSON.parse((await output.Body?.transformToString()) ?? 'null') as unknown;
  }

  async sendRequest(body: string): Promise<void> {
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.requestQueueUrl, MessageBody: body }));
  }

  /** Receives (and deletes) result bodies until one satisfies `done`; fails after `timeoutMs`. */
  async receiveResultsUntil(done: (body: string) => boolean, timeoutMs = 10_000): Promise<string[]> {
    const bodies: string[] = [];
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { Messages = [] } = await this.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: this.resultQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const message of Messages) {
        bodies.push(message.Body ?? '');
        await this.sqs.send(new DeleteMessageCommand({ QueueUrl: this.resultQueueUrl, ReceiptHandle: message.ReceiptHandle }));
      }
      if (bodies.some(done)) return bodies;
    }
    throw new Error(`no final result within ${timeoutMs} ms; received ${bodies.length}: ${bodies.join('\n')}`);
  }

  /** Visible plus in-flight messages on the request queue. */
  async requestsLeft(): Promise<number> {
    const { Attributes = {} } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.requestQueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
  }

  destroy(): void {
    this.sqs.destroy();
    this.s3.destroy();
  }
}
