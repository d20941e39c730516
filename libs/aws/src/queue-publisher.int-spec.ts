import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { AwsOptions } from './aws.options';
import { QueuePublisher } from './queue-publisher.adapter';
import { QueueError } from './queue.error';
import { SqsClientFactory } from './sqs-client.factory';

function emulatorOptions(): AwsOptions {
  const endpoint = process.env.TEST_AWS_ENDPOINT;
  if (endpoint === undefined) throw new Error('TEST_AWS_ENDPOINT is not set: run through jest.config.cjs');
  return { region: 'us-east-1', endpoint, accessKeyId: 'local', secretAccessKey: 'local', payloadBucket: 'unused' };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function rejectionOf(promise: Promise<unknown>): Promise<QueueError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(QueueError);
  return error as QueueError;
}

async function receiveOne(client: SQSClient, queueUrl: string) {
  const { Messages } = await client.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 2, MaxNumberOfMessages: 1 }),
  );
  return Messages?.[0];
}

describe(QueuePublisher.name, () => {
  const options = emulatorOptions();
  const raw = new SQSClient({ ...options, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const publisher = new QueuePublisher(options);
  let queueUrl = '';

  beforeAll(async () => {
    const created = await raw.send(new CreateQueueCommand({ QueueName: `aws-int-${randomUUID().slice(0, 8)}` }));
    queueUrl = created.QueueUrl ?? '';
  });

  afterAll(() => {
    publisher.onApplicationShutdown();
    raw.destroy();
  });

  describe('send', () => {
    it('delivers the exact body and returns the message id', async () => {
      const body = JSON.stringify({ taskId: randomUUID(), text: 'ünïcödé ✓' });
      const { messageId } = await publisher.send(queueUrl, body);
      const received = await receiveOne(raw, queueUrl);
      expect(received?.Body).toBe(body);
      expect(received?.MessageId).toBe(messageId);
    });

    it('fails with QUEUE_ERROR, not transient, for a queue that does not exist', async () => {
      const missing = queueUrl.replace(/[^/]+$/, `aws-int-missing-${randomUUID().slice(0, 8)}`);
      const error = await rejectionOf(publisher.send(missing, 'x'));
      expect(error).toMatchObject({ code: 'QUEUE_ERROR', transient: false, queueUrl: missing });
      expect((error.cause as Error).name).toBe('QueueDoesNotExist');
    });

    it('fails with QUEUE_UNAVAILABLE, transient, when the endpoint refuses connections', async () => {
      const dead = new QueuePublisher({ ...options, endpoint: `http://127.0.0.1:${await closedPort()}`, maxAttempts: 1 });
      try {
        const error = await rejectionOf(dead.send(queueUrl, 'x'));
        expect(error).toMatchObject({ code: 'QUEUE_UNAVAILABLE', transient: true });
        expect(error.message).toContain('ECONNREFUSED');
      } finally {
        dead.onApplicationShutdown();
      }
    });
  });
});

describe(SqsClientFactory.name, () => {
  describe('create', () => {
    it('builds a client that reaches the emulator through the configured endpoint', async () => {
      const options = emulatorOptions();
      const factory = new SqsClientFactory(options);
      const publisher = new QueuePublisher(options);
      try {
        const client = factory.create();
        const created = await client.send(new CreateQueueCommand({ QueueName: `aws-int-${randomUUID().slice(0, 8)}` }));
        const queueUrl = created.QueueUrl ?? '';
        expect(new URL(queueUrl).hostname).not.toBe('127.0.0.1'); // the queue URL names another host
        await publisher.send(queueUrl, 'hello consumer');
        await expect(receiveOne(client, queueUrl)).resolves.toMatchObject({ Body: 'hello consumer' });
      } finally {
        factory.onApplicationShutdown();
        publisher.onApplicationShutdown();
      }
    });
  });
});
