import { Injectable, type Type } from '@nestjs/common';
import { SqsConsumerEventHandler, SqsMessageHandler } from '@ssut/nestjs-sqs';
import { MAX_POLLERS } from '../config/worker.environment';
import { ResultQueueConsumer, type SqsMessage } from './result-queue.consumer';

/** The sqs-consumer name of poller `index` (0-based). */
export function pollerName(index: number): string {
  return index === 0 ? 'results' : `results-${index + 1}`;
}

/**
 * sqs-consumer handles one receive at a time, so the worker runs WORKER_POLLERS
 * consumers of the result queue to overlap the database and SQS round trips of
 * one receive with the next. @ssut/nestjs-sqs binds a consumer to the method
 * decorated with its name, hence one small provider per poller; all of them
 * hand their batches to the one ResultQueueConsumer. A poller whose name has no
 * registered consumer (index >= WORKER_POLLERS) is never called.
 */
function pollerFor(index: number): Type {
  const name = pollerName(index);

  @Injectable()
  class ResultQueuePoller {
    constructor(private readonly consumer: ResultQueueConsumer) {}

    @SqsMessageHandler(name, true)
    receive(messages: SqsMessage[]): Promise<SqsMessage[]> {
      return this.consumer.handleMessages(messages);
    }

    @SqsConsumerEventHandler(name, 'error')
    onError(error: Error): void {
      this.consumer.reportError('SQS error', error);
    }

    @SqsConsumerEventHandler(name, 'processing_error')
    onProcessingError(error: Error): void {
      this.consumer.reportError('processing error', error);
    }

    @SqsConsumerEventHandler(name, 'timeout_error')
    onTimeoutError(error: Error): void {
      this.consumer.reportError('handler timeout', error);
    }
  }
  return ResultQueuePoller;
}

export const RESULT_QUEUE_POLLERS: readonly Type[] = Array.from({ length: MAX_POLLERS }, (_, index) => pollerFor(index));
