import { Module } from '@nestjs/common';
import { QueueAdmin, SqsClientFactory } from '@app/aws';
import { SqsModule } from '@ssut/nestjs-sqs';
import { WorkerEnvironment } from './config/worker.environment';
import { ResultQueue } from './consumer/result-queue';
import { RETRY_HOLD, ResultQueueConsumer, type RetryHold } from './consumer/result-queue.consumer';
import { pollerName, RESULT_QUEUE_POLLERS } from './consumer/result-queue.pollers';
import { DeadLetterService } from './dead-letters/dead-letter.service';
import { RESULT_HANDLER_PROVIDERS } from './results/result-handlers.providers';
import { RetentionSweeper } from './retention/retention.sweeper';
import { JobTimeoutSweeper } from './timeouts/job-timeout.sweeper';

/** The worker's features; expects config, database, AWS and job events from the app module. */
@Module({
  imports: [
    SqsModule.registerAsync({
      inject: [WorkerEnvironment, SqsClientFactory],
      useFactory: (worker: WorkerEnvironment, clients: SqsClientFactory) => ({
        consumers: Array.from({ length: worker.WORKER_POLLERS }, (_, index) => ({
            name: pollerName(index),
            queueUrl: worker.SQS_RESULT_QUEUE_URL,
            sqs: clients.create(),
            batchSize: worker.WORKER_BATCH_SIZE,
            waitTimeSeconds: worker.WORKER_WAIT_TIME_SECONDS,
            visibilityTimeout: worker.WORKER_VISIBILITY_TIMEOUT_SECONDS,
            heartbeatInterval: ResultQueueConsumer.heartbeatSeconds(worker.WORKER_VISIBILITY_TIMEOUT_SECONDS),
            messageSystemAttributeNames: ['ApproximateReceiveCount'],
            // Only when a whole batch fails before it is dispatched (start-up failed); outcomes are settled by the consumer.
            terminateVisibilityTimeout: (messages: { Attributes?: Partial<Record<string, string>> }[]) =>
              ResultQueueConsumer.backoffSeconds(Number(messages[0]?.Attributes?.ApproximateReceiveCount ?? '1'), worker.WORKER_VISIBILITY_TIMEOUT_SECONDS),
          })),
      }),
    }),
  ],
  providers: [
    ...RESULT_HANDLER_PROVIDERS,
    {
      provide: DeadLetterService,
      inject: [QueueAdmin, WorkerEnvironment],
      useFactory: (admin: QueueAdmin, worker: WorkerEnvironment) => new DeadLetterService(admin, worker.SQS_RESULT_QUEUE_URL),
    },
    {
      provide: ResultQueue,
      inject: [QueueAdmin, WorkerEnvironment],
      useFactory: (admin: QueueAdmin, worker: WorkerEnvironment) => new ResultQueue(admin, worker.SQS_RESULT_QUEUE_URL, worker.WORKER_VISIBILITY_TIMEOUT_SECONDS),
    },
    {
      provide: RETRY_HOLD,
      inject: [WorkerEnvironment],
      useFactory: (worker: WorkerEnvironment): RetryHold => ({ firstDelayMs: worker.WORKER_RETRY_DELAY_MS, maxDelayMs: worker.WORKER_RETRY_MAX_DELAY_MS }),
    },
    ResultQueueConsumer,
    ...RESULT_QUEUE_POLLERS,
    JobTimeoutSweeper,
    RetentionSweeper,
  ],
})
export class WorkerModule {}
