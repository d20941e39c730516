import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { type JobEvent, JOB_EVENT_PATTERN } from './job-event';
import { JobEventPublisher } from './job-event.publisher';

export const JOB_EVENTS_CLIENT = Symbol('JOB_EVENTS_CLIENT');
const PUBLISH_TIMEOUT_MS = 2000;

/** Publishes job events to the api processes over the Nest Redis transport. */
@Injectable()
export class RedisJobEventPublisher extends JobEventPublisher implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisJobEventPublisher.name);

  constructor(@Inject(JOB_EVENTS_CLIENT) private readonly client: ClientProxy) {
    super();
  }

  async publish(event: JobEvent): Promise<void> {
    await firstValueFrom(this.client.emit(JOB_EVENT_PATTERN, event).pipe(timeout(PUBLISH_TIMEOUT_MS)), {
      defaultValue: undefined,
    });
    this.logger.debug(`published event ${event.id} (${event.type}) of task ${event.taskId}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
