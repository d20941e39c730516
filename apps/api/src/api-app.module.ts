import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { AwsModule, toAwsOptions } from '@app/aws';
import { TypedConfigModule } from '@app/config';
import { DatabaseModule, toDatabaseOptions } from '@app/database';
import { JobEventsModule } from '@app/job-events';
import { ApiModule } from './api.module';
import { type ApiConfig } from './config/api.config';

@Module({})
export class ApiAppModule {
  /**
   * `alongside`: feature modules that share this process's config, database and
   * event hub (the embedded local run adds the worker; PGlite cannot be shared
   * between processes).
   */
  static forRoot(config: ApiConfig, alongside: readonly Type[] = []): DynamicModule {
    return {
      module: ApiAppModule,
      imports: [
        TypedConfigModule.forRoot(config),
        DatabaseModule.forRoot(toDatabaseOptions(config.database)),
        AwsModule.forRoot(toAwsOptions(config.aws)),
        JobEventsModule.forRoot({ redisUrl: config.runtime.REDIS_URL, namespace: config.runtime.JOB_EVENTS_NAMESPACE }),
        ApiModule,
        ...alongside,
      ],
    };
  }
}
