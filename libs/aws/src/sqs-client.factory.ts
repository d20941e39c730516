import type { SQSClient } from '@aws-sdk/client-sqs';
import type { OnApplicationShutdown } from '@nestjs/common';
import type { AwsOptions } from './aws.options';
import { createSqsClient } from './sdk-client.config';

/**
 * Builds SQS clients for `@ssut/nestjs-sqs` consumers. This is the one place an
 * AWS SDK type leaves the lib: the consumer library takes an `SQSClient`, and
 * building it here keeps region, endpoint and credential rules in one spot.
 * Clients are destroyed at application shutdown, after every module's
 * onModuleDestroy/beforeApplicationShutdown (where consumers stop and drain);
 * AwsModule is global and Nest runs its onModuleDestroy first.
 */
export class SqsClientFactory implements OnApplicationShutdown {
  private readonly clients: SQSClient[] = [];

  constructor(private readonly options: AwsOptions) {}

  create(): SQSClient {
    const client = createSqsClient(this.options);
    this.clients.push(client);
    return client;
  }

  onApplicationShutdown(): void {
    for (const client of this.clients.splice(0)) client.destroy();
  }
}
