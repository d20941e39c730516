import { type DynamicModule, Module } from '@nestjs/common';
import type { AwsOptions } from './aws.options';
import { ObjectStore } from './object-store.adapter';
import { QueueAdmin } from './queue-admin.adapter';
import { QueuePublisher } from './queue-publisher.adapter';
import { resolveCredentials } from './resolve-credentials';
import { SqsClientFactory } from './sqs-client.factory';

/**
 * Global module with ObjectStore, QueuePublisher, QueueAdmin and SqsClientFactory.
 * SDK clients are destroyed in onApplicationShutdown, not onModuleDestroy:
 * Nest destroys global modules first, which would cut other modules off S3/SQS
 * while they still drain in-flight work.
 */
@Module({})
export class AwsModule {
  static forRoot(options: AwsOptions): DynamicModule {
    resolveCredentials(options); // a half-set key pair fails here, at boot
    return {
      module: AwsModule,
      global: true,
      providers: [
        { provide: ObjectStore, useFactory: () => new ObjectStore(options) },
        { provide: QueuePublisher, useFactory: () => new QueuePublisher(options) },
        { provide: QueueAdmin, useFactory: () => new QueueAdmin(options) },
        { provide: SqsClientFactory, useFactory: () => new SqsClientFactory(options) },
      ],
      exports: [ObjectStore, QueuePublisher, QueueAdmin, SqsClientFactory],
    };
  }
}
