import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { ClientProxyFactory } from '@nestjs/microservices';
import { JobEventHub } from './job-event.hub';
import { JobLedger } from './job-ledger';
import { JobEventPublisher } from './job-event.publisher';
import { jobEventChannel } from './job-event';
import { JOB_EVENTS_CHANNEL, JOB_EVENTS_CLIENT, RedisJobEventPublisher } from './redis-job-event.publisher';
import { redisTransportOptions } from './redis-options';

export interface JobEventsOptions {
  /** Set: events cross processes over Redis. Unset: api and worker share this process. */
  readonly redisUrl?: string;
  /** Names this deployment's Redis channel, so deployments sharing a Redis never cross-feed. */
  readonly namespace?: string;
}

export const DEFAULT_NAMESPACE = 'graphnode';

@Module({})
export class JobEventsModule {
  static forRoot(options: JobEventsOptions): DynamicModule {
    const publisher: Provider[] = options.redisUrl
      ? [
          {
            provide: JOB_EVENTS_CLIENT,
            useFactory: () => ClientProxyFactory.create(redisTransportOptions(options.redisUrl as string)),
          },
          { provide: JOB_EVENTS_CHANNEL, useValue: jobEventChannel(options.namespace ?? DEFAULT_NAMESPACE) },
          { provide: JobEventPublisher, useClass: RedisJobEventPublisher },
        ]
      : [{ provide: JobEventPublisher, useExisting: JobEventHub }];
    return {
      module: JobEventsModule,
      global: true,
      providers: [JobEventHub, JobLedger, ...publisher],
      exports: [JobEventHub, JobEventPublisher, JobLedger],
    };
  }
}
