import { type Provider } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { AwsModule } from '@app/aws';
import { DatabaseModule } from '@app/database';
import { JobEventsModule } from '@app/job-events';
import { createTestDatabase, type TestDatabase, type TestDriver } from '../../../libs/database/test/test-database';
import { createTestAwsResources, TEST_CREDENTIALS, TEST_REGION, type TestAwsResources } from '../../../test/support/test-aws';
import { RESULT_HANDLER_PROVIDERS } from '../src/results/result-handlers.providers';

export interface ResultHandlingTestContext {
  readonly aws: TestAwsResources;
  readonly database: TestDatabase;
  readonly moduleRef: TestingModule;
  close(): Promise<void>;
}

/**
 * The worker's result handling (dispatcher and handlers) over a private
 * database of `driver` and its own bucket and queues on the test emulator,
 * without the SQS consumer, so specs drive the dispatcher directly.
 */
export async function bootResultHandling(driver: TestDriver, label: string, providers: Provider[] = []): Promise<ResultHandlingTestContext> {
  const aws = await createTestAwsResources(label);
  const database = await createTestDatabase(driver);
  const moduleRef = await Test.createTestingModule({
    imports: [
      DatabaseModule.forRoot(database.options),
      AwsModule.forRoot({ region: TEST_REGION, endpoint: aws.endpoint, ...TEST_CREDENTIALS, payloadBucket: aws.bucket, maxAttempts: 1 }),
      JobEventsModule.forRoot({}),
    ],
    providers: [...RESULT_HANDLER_PROVIDERS, ...providers],
  }).compile();
  await moduleRef.init();
  return {
    aws,
    database,
    moduleRef,
    async close() {
      await moduleRef.close();
      await database.drop();
      aws.destroy();
    },
  };
}
