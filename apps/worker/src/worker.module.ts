import { Module } from '@nestjs/common';
import { QueueAdmin, SqsClientFactory } from '@app/aws';
import { SqsModule } from '@ssut/nestjs-sqs';
import { WorkerEnvironment } from './config/worker.environment';
import { RESULT_CONSUMER, ResultQueueConsumer } from './consumer/result-queue.consumer';
import { DeadLetterService } from './dead-letters/dead-letter.service';
import { RESULT_HANDLER_PROVIDERS } from './results/result-handlers.providers';
import { JobTimeoutSweeper } from './timeouts/job-timeout.sweeper';

/** The worker's features; expects config, database, AWS and job events from the app module. */
@Module({
  imports: [
    SqsModule.registerAsync({
      inject: [WorkerEnvironment, SqsClientFactory],
      useFactory: (worker: WorkerEnvironment, clients: SqsClientFactory) => ({
        consumers: [
          {
            name: RESULT_CONSUMER,
            queueUrl: worker.SQS_RESULT_QUEUE_URL,
            sqs: clients.create(),
            batchSize: worker.WORKER_BATCH_SIZE,
            waitTimeSeconds: worker.WORKER_WAIT_TIME_SECONDS,
            visibilityTimeout: worker.WORKER_VISIBILITY_TIMEOUT_SECONDS,
            heartbeatInterval: ResultQueueConsumer.heartbeatSeconds(worker.WORKER_VISIBILITY_TIMEOUT_SECONDS),
            messageSystemAttributeNames: ['ApproximateReceiveCount'],
            terminateVisibilityTimeout: (messages: { Attributes?: Partial<Record<string, string>> }[]) =>
              ResultQueueConsumer.backoffSeconds(Number(messages[0]?.Attributes?.ApproximateReceiveCount ?? '1'), worker.WORKER_VISIBILITY_TIMEOUT_SECONDS),
          },
        ],
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
    ResultQueueConsumer,
    JobTimeoutSweeper,
  ],
})
export class WorkerModule {}
