import { Logger } from '@nestjs/common';
import { type QueueAdmin } from '@app/aws';
import { type DeadLetterService } from '../dead-letters/dead-letter.service';
import { type ResultDispatcher } from '../results/result-dispatcher';
import { type Outcome, Outcomes } from './outcome';
import { ResultQueue } from './result-queue';
import { ResultQueueConsumer, type RetryHold } from './result-queue.consumer';

const RAW = { MessageId: 'm-1', ReceiptHandle: 'r-1', Body: '{"x":1}', Attributes: { ApproximateReceiveCount: '2' } };
const OTHER = { MessageId: 'm-2', ReceiptHandle: 'r-2', Body: '{"y":2}', Attributes: { ApproximateReceiveCount: '1' } };
const RECEIVED = { messageId: 'm-1', body: '{"x":1}', receiveCount: 2, receiptHandle: 'r-1' };

describe(ResultQueueConsumer.name, () => {
  let dispatchBatch: jest.Mock<Promise<Outcome[]>>;
  let deadLetter: jest.Mock;
  let deleteBatch: jest.Mock;
  let changeVisibilityBatch: jest.Mock;
  let consumer: ResultQueueConsumer;
  let errors: jest.SpyInstance<void, [message: unknown, ...rest: unknown[]]>;

  function build(deadLetters: DeadLetterService, hold?: RetryHold): ResultQueueConsumer {
    const admin = { deleteBatch, changeVisibilityBatch } as unknown as QueueAdmin;
    return new ResultQueueConsumer({ dispatchBatch } as unknown as ResultDispatcher, deadLetters, new ResultQueue(admin, 'http://q/results', 30), hold);
  }

  function deadLettersWith(maxReceiveCount: number | undefined): DeadLetterService {
    return { deadLetter, deadLetterQueueUrl: jest.fn().mockResolvedValue('http://q/dlq'), maxReceiveCount: jest.fn().mockResolvedValue(maxReceiveCount) } as unknown as DeadLetterService;
  }

  beforeEach(async () => {
    dispatchBatch = jest.fn<Promise<Outcome[]>, []>();
    deadLetter = jest.fn().mockResolvedValue({ messageId: 'dlq-1' });
    deleteBatch = jest.fn().mockResolvedValue([]);
    changeVisibilityBatch = jest.fn().mockResolvedValue([]);
    consumer = build({ deadLetter, deadLetterQueueUrl: jest.fn().mockResolvedValue('http://q/dlq'), maxReceiveCount: jest.fn().mockResolvedValue(5) } as unknown as DeadLetterService);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    await consumer.onApplicationBootstrap();
  });

  afterEach(() => jest.restoreAllMocks());

  describe('handleMessages', () => {
    it('dispatches the receive as one batch and deletes the done messages in one call', async () => {
      dispatchBatch.mockResolvedValue([Outcomes.done(), Outcomes.done()]);
      await expect(consumer.handleMessages([RAW, OTHER])).resolves.toEqual([]); // sqs-consumer deletes nothing itself
      expect(dispatchBatch).toHaveBeenCalledWith([RECEIVED, { messageId: 'm-2', body: '{"y":2}', receiveCount: 1, receiptHandle: 'r-2' }]);
      expect(deleteBatch).toHaveBeenCalledWith('http://q/results', ['r-1', 'r-2']);
      expect(changeVisibilityBatch).not.toHaveBeenCalled();
    });

    it('makes a retried message visible again after its backoff and deletes the rest', async () => {
      dispatchBatch.mockResolvedValue([Outcomes.retry('S3 down'), Outcomes.done()]);
      await consumer.handleMessages([RAW, OTHER]);
      expect(changeVisibilityBatch).toHaveBeenCalledWith('http://q/results', [expect.objectContaining({ receiptHandle: 'r-1', seconds: 10 })]);
      expect(deleteBatch).toHaveBeenCalledWith('http://q/results', ['r-2']);
      expect(deadLetter).not.toHaveBeenCalled();
    });

    it('retries the whole batch when dispatching throws', async () => {
      dispatchBatch.mockRejectedValue(new Error('boom'));
      await consumer.handleMessages([RAW, OTHER]);
      expect(changeVisibilityBatch).toHaveBeenCalledWith('http://q/results', [
        expect.objectContaining({ receiptHandle: 'r-1', seconds: 10 }),
        expect.objectContaining({ receiptHandle: 'r-2', seconds: 5 }),
      ]);
      expect(deleteBatch).not.toHaveBeenCalled();
    });

    it('dead-letters with the reason and task, then deletes; logs once with id and reason', async () => {
      dispatchBatch.mockResolvedValue([Outcomes.deadLetter('no job t1', { taskId: 't1', taskType: 'GRAPH_GENERATION_RESULT' })]);
      await consumer.handleMessages([RAW]);
      expect(deadLetter).toHaveBeenCalledWith({
        messageId: 'm-1',
        body: '{"x":1}',
        receiveCount: 2,
        reason: 'no job t1',
        taskId: 't1',
        taskType: 'GRAPH_GENERATION_RESULT',
      });
      expect(deleteBatch).toHaveBeenCalledWith('http://q/results', ['r-1']);
      expect(errors).toHaveBeenCalledTimes(1);
      expect(errors.mock.calls[0]?.[0]).toEqual(expect.stringContaining('m-1'));
      expect(errors.mock.calls[0]?.[0]).toEqual(expect.stringContaining('no job t1'));
    });

    it('retries (message kept) when the dead-letter queue refuses it; logs once', async () => {
      dispatchBatch.mockResolvedValue([Outcomes.deadLetter('bad json')]);
      deadLetter.mockRejectedValue(new Error('DLQ unavailable'));
      await consumer.handleMessages([RAW]);
      expect(deleteBatch).not.toHaveBeenCalled();
      expect(changeVisibilityBatch).toHaveBeenCalledWith('http://q/results', [expect.objectContaining({ receiptHandle: 'r-1', seconds: 10 })]);
      expect(errors).toHaveBeenCalledTimes(1);
      expect(errors.mock.calls[0]?.[0]).toEqual(expect.stringContaining('DLQ unavailable'));
    });

    it('logs a message SQS did not delete by its id', async () => {
      const warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      dispatchBatch.mockResolvedValue([Outcomes.done(), Outcomes.done()]);
      deleteBatch.mockResolvedValue([{ receiptHandle: 'r-2', reason: 'ReceiptHandleIsInvalid' }]);
      await consumer.handleMessages([RAW, OTHER]);
      expect(warnings).toHaveBeenCalledWith(expect.stringMatching(/m-2 not deleted.*ReceiptHandleIsInvalid/));
    });

    it('hands a batch received during shutdown straight back, undispatched', async () => {
      await consumer.beforeApplicationShutdown();
      await consumer.handleMessages([RAW]);
      expect(dispatchBatch).not.toHaveBeenCalled();
      expect(changeVisibilityBatch).toHaveBeenCalledWith('http://q/results', [expect.objectContaining({ receiptHandle: 'r-1', seconds: 0 })]);
    });
  });

  describe('holding transient retries', () => {
    const HOLD: RetryHold = { firstDelayMs: 10, maxDelayMs: 40 };

    it('keeps a retried message and tries it again in memory until it succeeds, never giving it back to SQS', async () => {
      const held = build(deadLettersWith(5), HOLD);
      await held.onApplicationBootstrap();
      dispatchBatch
        .mockResolvedValueOnce([Outcomes.retry('database unavailable'), Outcomes.done()])
        .mockResolvedValueOnce([Outcomes.retry('database unavailable')])
        .mockResolvedValueOnce([Outcomes.done()]);

      await held.handleMessages([RAW, OTHER]);

      expect(dispatchBatch).toHaveBeenCalledTimes(3);
      expect(dispatchBatch.mock.calls[1]).toEqual([[RECEIVED]]);
      expect(deleteBatch.mock.calls).toEqual([
        ['http://q/results', ['r-2']],
        ['http://q/results', ['r-1']],
      ]);
      expect(changeVisibilityBatch).not.toHaveBeenCalled();
    });

    it('gives a held message straight back (visibility 0) when shutdown begins, and drains quickly', async () => {
      const held = build(deadLettersWith(5), { firstDelayMs: 60_000, maxDelayMs: 60_000 });
      await held.onApplicationBootstrap();
      dispatchBatch.mockResolvedValue([Outcomes.retry('database unavailable')]);
      const handling = held.handleMessages([RAW]);
      await new Promise((resolve) => setTimeout(resolve, 20));

      const started = Date.now();
      await held.beforeApplicationShutdown();
      await handling;

      expect(Date.now() - started).toBeLessThan(1000);
      expect(dispatchBatch).toHaveBeenCalledTimes(1);
      expect(changeVisibilityBatch).toHaveBeenCalledWith('http://q/results', [expect.objectContaining({ receiptHandle: 'r-1', seconds: 0 })]);
    });
  });

  describe('last chance before SQS redrive', () => {
    it('dead-letters, with the reason, a retry on the receive after which SQS would move the message silently', async () => {
      const lastReceive = { ...RAW, Body: '{"taskId":"task-9","taskType":"GRAPH_GENERATION_RESULT"}', Attributes: { ApproximateReceiveCount: '5' } };
      const limited = build(deadLettersWith(5));
      await limited.onApplicationBootstrap();
      dispatchBatch.mockResolvedValue([Outcomes.retry('database unavailable'), Outcomes.retry('database unavailable')]);

      await limited.handleMessages([lastReceive, OTHER]);

      expect(deadLetter).toHaveBeenCalledTimes(1);
      expect(deadLetter).toHaveBeenCalledWith(
        expect.objectContaining({ messageId: 'm-1', taskId: 'task-9', taskType: 'GRAPH_GENERATION_RESULT', reason: expect.stringContaining('maxReceiveCount') as unknown }),
      );
      expect(deleteBatch).toHaveBeenCalledWith('http://q/results', ['r-1']);
      expect(changeVisibilityBatch).toHaveBeenCalledWith('http://q/results', [expect.objectContaining({ receiptHandle: 'r-2' })]);
    });
  });

  describe('onApplicationBootstrap', () => {
    it('fails start-up with the discovery error, and waiting handlers fail instead of hanging', async () => {
      const broken = build({ deadLetterQueueUrl: jest.fn().mockRejectedValue(new Error('no dead-letter queue')) } as unknown as DeadLetterService);
      const waiting = broken.handleMessages([RAW]);
      await expect(broken.onApplicationBootstrap()).rejects.toThrow('no dead-letter queue');
      await expect(waiting).rejects.toThrow('no dead-letter queue');
      expect(dispatchBatch).not.toHaveBeenCalled();
    });
  });

  describe('beforeApplicationShutdown', () => {
    it('waits until every receive in hand is handled and acknowledged', async () => {
      let finish!: (outcomes: Outcome[]) => void;
      dispatchBatch.mockReturnValue(new Promise<Outcome[]>((resolve) => (finish = resolve)));
      const handling = consumer.handleMessages([RAW]);
      await new Promise((resolve) => setTimeout(resolve, 10));
      let drained = false;
      const drain = consumer.beforeApplicationShutdown().then(() => (drained = true));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(drained).toBe(false);
      finish([Outcomes.done()]);
      await drain;
      await handling;
      expect(drained).toBe(true);
      expect(deleteBatch).toHaveBeenCalledWith('http://q/results', ['r-1']);
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
