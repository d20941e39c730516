import { type DynamicModule, Module } from '@nestjs/common';
import { AwsModule, toAwsOptions } from '@app/aws';
import { TypedConfigModule } from '@app/config';
import { DatabaseModule, toDatabaseOptions } from '@app/database';
import { JobEventsModule } from '@app/job-events';
import { ApiModule } from './api.module';
import { type ApiConfig } from './config/api.config';

@Module({})
export class ApiAppModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: ApiAppModule,
      imports: [
        TypedConfigModule.forRoot(config),
        DatabaseModule.forRoot(toDatabaseOptions(config.database)),
        AwsModule.forRoot(toAwsOptions(config.aws)),
        JobEventsModule.forRoot({ redisUrl: config.runtime.REDIS_URL }),
        ApiModule,
      ],
    };
  }
}
