import { randomUUID } from 'node:crypto';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { createTestAwsResources, TEST_CREDENTIALS, TEST_REGION, type TestAwsResources } from '../../../test/support/test-aws';
import { QueueAdmin } from './queue-admin.adapter';
import { QueueError } from './queue.error';

describe(QueueAdmin.name, () => {
  let aws: TestAwsResources;
  let admin: QueueAdmin;

  beforeAll(async () => {
    aws = await createTestAwsResources('queue-admin');
    admin = new QueueAdmin({ region: TEST_REGION, endpoint: aws.endpoint, ...TEST_CREDENTIALS, payloadBucket: aws.bucket, maxAttempts: 1 });
  });

  afterAll(() => {
    admin?.onApplicationShutdown();
    aws?.destroy();
  });

  describe('deadLetterQueueOf', () => {
    it("finds the queue named by the RedrivePolicy's deadLetterTargetArn", async () => {
      await expect(admin.deadLetterQueueOf(aws.resultQueueUrl)).resolves.toBe(aws.resultDlqUrl);
    });

    it('fails with QUEUE_ERROR, naming the queue, when there is no dead-letter queue', async () => {
      const error = await admin.deadLetterQueueOf(aws.requestQueueUrl).catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(QueueError);
      expect(error).toMatchObject({ code: 'QUEUE_ERROR', transient: false, queueUrl: aws.requestQueueUrl });
      expect((error as Error).message).toContain('no dead-letter queue');
    });
  });

  describe('sendWithAttributes / receive / changeVisibility / delete / approximateCount', () => {
    it('round-trips body and string attributes, leaving empty values out', async () => {
      const { QueueUrl } = await aws.sqs.send(new CreateQueueCommand({ QueueName: `admin-${randomUUID().slice(0, 8)}` }));
      const queue = QueueUrl as string;
      const { messageId } = await admin.sendWithAttributes(queue, 'body ✓', { reason: 'bad', taskId: '' });

      const [first] = await admin.receive(queue, { max: 10, waitSeconds: 1, visibilityTimeout: 30 });
      expect(first).toMatchObject({ messageId, body: 'body ✓', attributes: { reason: 'bad' }, receiveCount: 1 });
      expect(first?.attributes).not.toHaveProperty('taskId');
      await expect(admin.receive(queue, { max: 10, waitSeconds: 0, visibilityTimeout: 30 })).resolves.toEqual([]);

      await admin.changeVisibility(queue, first?.receiptHandle ?? '', 0);
      expect(await admin.approximateCount(queue)).toBe(1);
      const [again] = await admin.receive(queue, { max: 10, waitSeconds: 1, visibilityTimeout: 30 });
      expect(again).toMatchObject({ messageId, receiveCount: 2 });

      await admin.delete(queue, again?.receiptHandle ?? '');
      await admin.changeVisibility(queue, again?.receiptHandle ?? '', 0).catch(() => undefined);
      expect(await admin.approximateCount(queue)).toBe(0);
    });

    it('maps a missing queue to QUEUE_ERROR', async () => {
      const missing = aws.resultQueueUrl.replace(/[^/]+$/, `missing-${randomUUID().slice(0, 8)}`);
      await expect(admin.approximateCount(missing)).rejects.toMatchObject({ code: 'QUEUE_ERROR', queueUrl: missing });
    });
  });
});
