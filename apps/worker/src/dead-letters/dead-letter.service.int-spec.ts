import { QueueAdmin } from '@app/aws';
import { createTestAwsResources, TEST_CREDENTIALS, TEST_REGION, type TestAwsResources } from '../../../../test/support/test-aws';
import { runDeadLetterCommand } from './dead-letter.command';
import { DeadLetterService } from './dead-letter.service';

describe(DeadLetterService.name, () => {
  let aws: TestAwsResources;
  let admin: QueueAdmin;
  let service: DeadLetterService;

  beforeEach(async () => {
    aws = await createTestAwsResources('dead-letters');
    admin = new QueueAdmin({ region: TEST_REGION, endpoint: aws.endpoint, ...TEST_CREDENTIALS, payloadBucket: aws.bucket, maxAttempts: 1 });
    service = new DeadLetterService(admin, aws.resultQueueUrl);
  });

  afterEach(() => {
    admin.onApplicationShutdown();
    aws.destroy();
  });

  async function deadLetter(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const input = { messageId: `orig-${i}`, body: `{"n":${i}}`, receiveCount: 1, reason: `reason ${i}`, taskId: `task-${i}`, taskType: 'GRAPH_GENERATION_RESULT' };
      ids.push((await service.deadLetter(input, new Date('2026-11-22T06:00:00Z'))).messageId);
    }
    return ids;
  }

  async function bodiesIn(queueUrl: string): Promise<string[]> {
    const messages = await admin.receive(queueUrl, { max: 10, waitSeconds: 1, visibilityTimeout: 30 });
    return messages.map((message) => message.body).sort();
  }

  describe('deadLetterQueueUrl', () => {
    it('discovers the DLQ from the RedrivePolicy', async () => {
      await expect(service.deadLetterQueueUrl()).resolves.toBe(aws.resultDlqUrl);
    });

    it('fails clearly for a queue without a dead-letter queue', async () => {
      const orphan = new DeadLetterService(admin, aws.requestQueueUrl);
      await expect(orphan.deadLetterQueueUrl()).rejects.toThrow(`cannot find the dead-letter queue of ${aws.requestQueueUrl}`);
    });
  });

  describe('deadLetter', () => {
    it('stores the original body with reason, source, ids, time and receive count', async () => {
      await service.deadLetter({ messageId: 'orig', body: 'not json', receiveCount: 3, reason: 'x'.repeat(2000) });
      const [message] = await admin.receive(aws.resultDlqUrl, { max: 1, waitSeconds: 1, visibilityTimeout: 30 });
      expect(message?.body).toBe('not json');
      expect(message?.attributes).toMatchObject({ sourceQueue: aws.resultQueueUrl, originalMessageId: 'orig', receiveCount: '3' });
      expect(message?.attributes).not.toHaveProperty('taskId');
      expect(Buffer.byteLength(message?.attributes.reason ?? '', 'utf8')).toBeLessThanOrEqual(1024);
      expect(Date.parse(message?.attributes.deadLetteredAt ?? '')).not.toBeNaN();
    });
  });

  describe('list', () => {
    it('shows reason and task of each dead letter without consuming them', async () => {
      const ids = await deadLetter(3);

      const listed = await service.list(10);

      expect(listed.map((entry) => entry.messageId).sort()).toEqual([...ids].sort());
      expect(listed.find((entry) => entry.messageId === ids[1])).toEqual({
        messageId: ids[1],
        taskId: 'task-1',
        taskType: 'GRAPH_GENERATION_RESULT',
        reason: 'reason 1',
        deadLetteredAt: '2026-11-22T06:00:00.000Z',
        originalMessageId: 'orig-1',
      });
      expect((await service.list(10)).length).toBe(3); // released at once, not hidden
      expect(await service.list(2)).toHaveLength(2);
    });
  });

  describe('redrive', () => {
    it('moves exactly the chosen messages back, body unchanged, and reports unknown ids', async () => {
      const ids = await deadLetter(3);

      const result = await service.redrive([ids[0], ids[2], 'nope']);

      expect(result).toEqual({ moved: [ids[0], ids[2]], unknown: ['nope'] });
      expect(await bodiesIn(aws.resultQueueUrl)).toEqual(['{"n":0}', '{"n":2}']);
      expect((await service.list(10)).map((entry) => entry.messageId)).toEqual([ids[1]]);
    });

    it('moves every message with --all, without our attributes', async () => {
      await deadLetter(2);

      expect((await service.redrive('all')).moved).toHaveLength(2);

      const back = await admin.receive(aws.resultQueueUrl, { max: 10, waitSeconds: 1, visibilityTimeout: 30 });
      expect(back.map((message) => message.attributes)).toEqual([{}, {}]);
      expect(await service.list(10)).toEqual([]);
    });
  });

  describe(runDeadLetterCommand.name, () => {
    it('prints one line per dead letter and exits 0', async () => {
      const [id] = await deadLetter(1);
      const lines: string[] = [];
      expect(await runDeadLetterCommand(['list', '--max', '5'], service, (line) => lines.push(line))).toBe(0);
      expect(lines).toEqual([`${id}\ttask-0\tGRAPH_GENERATION_RESULT\t2026-11-22T06:00:00.000Z\treason 0`, '1 dead letter(s)']);
    });

    it('exits 1 and names an unknown id', async () => {
      const [id] = await deadLetter(1);
      const lines: string[] = [];
      expect(await runDeadLetterCommand(['redrive', id, 'missing-id'], service, (line) => lines.push(line))).toBe(1);
      expect(lines).toContain(`moved ${id}`);
      expect(lines).toContain('not found: missing-id');
    });

    it('exits 2 with usage for a bad command', async () => {
      const lines: string[] = [];
      expect(await runDeadLetterCommand(['list', '--max', 'x'], service, (line) => lines.push(line))).toBe(2);
      expect(await runDeadLetterCommand(['redrive'], service, (line) => lines.push(line))).toBe(2);
      expect(await runDeadLetterCommand(['purge'], service, (line) => lines.push(line))).toBe(2);
      expect(lines[0]).toContain('usage');
    });
  });
});
