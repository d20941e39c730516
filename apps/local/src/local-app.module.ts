import { type DynamicModule, Module } from '@nestjs/common';
import { AwsModule, toAwsOptions } from '@app/aws';
import { TypedConfigModule } from '@app/config';
import { DatabaseModule, toDatabaseOptions } from '@app/database';
import { JobEventsModule } from '@app/job-events';
import { ApiModule } from '../../api/src/api.module';
import { WorkerModule } from '../../worker/src/worker.module';
import { type LocalConfig } from './local.config';

/**
 * The embedded default: api and worker in one process, sharing one PGlite
 * database and, without REDIS_URL, one in-process event hub.
 */
@Module({})
export class LocalAppModule {
  static forRoot(config: LocalConfig): DynamicModule {
    return {
      module: LocalAppModule,
      imports: [
        TypedConfigModule.forRoot(config),
        DatabaseModule.forRoot(toDatabaseOptions(config.database)),
        AwsModule.forRoot(toAwsOptions(config.aws)),
        JobEventsModule.forRoot({ redisUrl: config.runtime.REDIS_URL }),
        ApiModule,
        WorkerModule,
      ],
    };
  }
}
