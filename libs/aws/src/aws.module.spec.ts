import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type BeforeApplicationShutdown, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AwsConfigError } from './aws-config.error';
import { AwsModule } from './aws.module';
import { ObjectStore } from './object-store.adapter';
import { QueueAdmin } from './queue-admin.adapter';
import { QueuePublisher } from './queue-publisher.adapter';
import { SqsClientFactory } from './sqs-client.factory';

const options = { region: 'us-east-1', endpoint: 'http://127.0.0.1:1', payloadBucket: 'module-bucket' };

/** A consumer in a module that does not import AwsModule: proves the module is global. */
@Injectable()
class Consumer {
  constructor(
    readonly store: ObjectStore,
    readonly publisher: QueuePublisher,
    readonly admin: QueueAdmin,
    readonly factory: SqsClientFactory,
  ) {}
}

/** Stands in for a worker draining in-flight work while the app shuts down. */
@Injectable()
class Drainer implements BeforeApplicationShutdown {
  destroyedBeforeDrain?: number;

  beforeApplicationShutdown(): void {
    this.destroyedBeforeDrain = jest.mocked(S3Client.prototype.destroy).mock.calls.length;
  }
}

@Module({ providers: [Consumer, Drainer] })
class FeatureModule {}

describe(AwsModule.name, () => {
  let s3Destroy: jest.SpyInstance;
  let sqsDestroy: jest.SpyInstance;

  beforeEach(() => {
    s3Destroy = jest.spyOn(S3Client.prototype, 'destroy');
    sqsDestroy = jest.spyOn(SQSClient.prototype, 'destroy');
  });

  afterEach(() => jest.restoreAllMocks());

  describe('forRoot', () => {
    it('provides ObjectStore, QueuePublisher, QueueAdmin and SqsClientFactory globally', async () => {
      const app = await Test.createTestingModule({ imports: [AwsModule.forRoot(options), FeatureModule] }).compile();
      const consumer = app.get(Consumer);
      expect(consumer.store).toBeInstanceOf(ObjectStore);
      expect(consumer.store.bucket).toBe('module-bucket');
      expect(consumer.publisher).toBeInstanceOf(QueuePublisher);
      expect(consumer.admin).toBeInstanceOf(QueueAdmin);
      expect(consumer.factory.create()).toBeInstanceOf(SQSClient);
      await app.close();
    });

    it('fails at boot on half a key pair', () => {
      expect(() => AwsModule.forRoot({ ...options, accessKeyId: 'AKIA1' })).toThrow(AwsConfigError);
    });

    it('destroys every SDK client only at application shutdown, after other modules drained', async () => {
      const app = await Test.createTestingModule({ imports: [AwsModule.forRoot(options), FeatureModule] }).compile();
      app.get(SqsClientFactory).create();
      app.get(SqsClientFactory).create();

      await app.init();
      expect(s3Destroy).not.toHaveBeenCalled();
      await app.close();

      expect(app.get(Drainer).destroyedBeforeDrain).toBe(0);
      expect(s3Destroy).toHaveBeenCalledTimes(1);
      expect(sqsDestroy).toHaveBeenCalledTimes(4); // QueuePublisher's, QueueAdmin's and the factory's two
    });
  });
});
