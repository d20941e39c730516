import { Logger } from '@nestjs/common';
import { type DeadLetterService } from '../dead-letters/dead-letter.service';
import { type ResultDispatcher } from '../results/result-dispatcher';
import { type Outcome, Outcomes } from './outcome';
import { ResultQueueConsumer } from './result-queue.consumer';

const RAW = { MessageId: 'm-1', Body: '{"x":1}', Attributes: { ApproximateReceiveCount: '2' } };

describe(ResultQueueConsumer.name, () => {
  let dispatch: jest.Mock<Promise<Outcome>>;
  let deadLetter: jest.Mock;
  let consumer: ResultQueueConsumer;
  let errors: jest.SpyInstance<void, [message: unknown, ...rest: unknown[]]>;

  beforeEach(async () => {
    dispatch = jest.fn<Promise<Outcome>, []>();
    deadLetter = jest.fn().mockResolvedValue({ messageId: 'dlq-1' });
    const deadLetters = { deadLetter, deadLetterQueueUrl: jest.fn().mockResolvedValue('http://q/dlq') } as unknown as DeadLetterService;
    consumer = new ResultQueueConsumer({ dispatch } as unknown as ResultDispatcher, deadLetters);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    await consumer.onApplicationBootstrap();
  });

  afterEach(() => jest.restoreAllMocks());

  describe('handleMessage', () => {
    it('resolves (so sqs-consumer deletes) when the outcome is done', async () => {
      dispatch.mockResolvedValue(Outcomes.done());
      await expect(consumer.handleMessage(RAW)).resolves.toBeUndefined();
      expect(dispatch).toHaveBeenCalledWith({ messageId: 'm-1', body: '{"x":1}', receiveCount: 2 });
    });

    it('throws (so the message stays for a later receive) on retry', async () => {
      dispatch.mockResolvedValue(Outcomes.retry('S3 down'));
      await expect(consumer.handleMessage(RAW)).rejects.toThrow('S3 down');
      expect(deadLetter).not.toHaveBeenCalled();
    });

    it('treats a thrown dispatcher error as retry', async () => {
      dispatch.mockRejectedValue(new Error('boom'));
      await expect(consumer.handleMessage(RAW)).rejects.toThrow('boom');
      expect(deadLetter).not.toHaveBeenCalled();
    });

    it('dead-letters with the reason and task, then resolves; logs once with id and reason', async () => {
      dispatch.mockResolvedValue(Outcomes.deadLetter('no job t1', { taskId: 't1', taskType: 'GRAPH_GENERATION_RESULT' }));
      await expect(consumer.handleMessage(RAW)).resolves.toBeUndefined();
      expect(deadLetter).toHaveBeenCalledWith({
        messageId: 'm-1',
        body: '{"x":1}',
        receiveCount: 2,
        reason: 'no job t1',
        taskId: 't1',
        taskType: 'GRAPH_GENERATION_RESULT',
      });
      expect(errors).toHaveBeenCalledTimes(1);
      expect(errors.mock.calls[0]?.[0]).toEqual(expect.stringContaining('m-1'));
      expect(errors.mock.calls[0]?.[0]).toEqual(expect.stringContaining('no job t1'));
    });

    it('throws (message kept, retried) when the dead-letter queue refuses it; logs once', async () => {
      dispatch.mockResolvedValue(Outcomes.deadLetter('bad json'));
      deadLetter.mockRejectedValue(new Error('DLQ unavailable'));
      await expect(consumer.handleMessage(RAW)).rejects.toThrow('bad json');
      expect(errors).toHaveBeenCalledTimes(1);
      expect(errors.mock.calls[0]?.[0]).toEqual(expect.stringContaining('DLQ unavailable'));
    });

    it('leaves a message received during shutdown untouched', async () => {
      await consumer.beforeApplicationShutdown();
      await expect(consumer.handleMessage(RAW)).rejects.toThrow('shutting down');
      expect(dispatch).not.toHaveBeenCalled();
    });
  });

  describe('onApplicationBootstrap', () => {
    it('fails start-up with the discovery error, and waiting handlers fail instead of hanging', async () => {
      const deadLetters = { deadLetterQueueUrl: jest.fn().mockRejectedValue(new Error('no dead-letter queue')) } as unknown as DeadLetterService;
      const broken = new ResultQueueConsumer({ dispatch } as unknown as ResultDispatcher, deadLetters);
      const waiting = broken.handleMessage(RAW);
      await expect(broken.onApplicationBootstrap()).rejects.toThrow('no dead-letter queue');
      await expect(waiting).rejects.toThrow('no dead-letter queue');
      expect(dispatch).not.toHaveBeenCalled();
    });
  });

  describe('beforeApplicationShutdown', () => {
    it('waits until sqs-consumer has finished the batch it received', async () => {
      consumer.onMessageReceived();
      let drained = false;
      const drain = consumer.beforeApplicationShutdown().then(() => (drained = true));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(drained).toBe(false);
      consumer.onResponseProcessed();
      await drain;
      expect(drained).toBe(true);
    });
  });

  describe('backoffSeconds', () => {
    it('grows per receive and is capped by the visibility timeout', () => {
      expect([1, 2, 3, 4, 10].map((count) => ResultQueueConsumer.backoffSeconds(count, 30))).toEqual([5, 10, 20, 30, 30]);
    });
  });

  describe('heartbeatSeconds', () => {
    it('stays below the visibility timeout', () => {
      expect(ResultQueueConsumer.heartbeatSeconds(60)).toBe(20);
      expect(ResultQueueConsumer.heartbeatSeconds(3)).toBe(1);
      expect(ResultQueueConsumer.heartbeatSeconds(5)).toBe(1);
    });
  });
});
