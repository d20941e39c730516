import { type DynamicModule, Module } from '@nestjs/common';
import { AwsModule, toAwsOptions } from '@app/aws';
import { TypedConfigModule } from '@app/config';
import { DatabaseModule, toDatabaseOptions } from '@app/database';
import { JobEventsModule } from '@app/job-events';
import { type WorkerConfig } from './config/worker.config';
import { WorkerModule } from './worker.module';

@Module({})
export class WorkerAppModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    return {
      module: WorkerAppModule,
      imports: [
        TypedConfigModule.forRoot(config),
        DatabaseModule.forRoot(toDatabaseOptions(config.database)),
        AwsModule.forRoot(toAwsOptions(config.aws)),
        JobEventsModule.forRoot({ redisUrl: config.runtime.REDIS_URL, namespace: config.runtime.JOB_EVENTS_NAMESPACE }),
        WorkerModule,
      ],
    };
  }
}
