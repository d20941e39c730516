import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { type JobEvent, type JobEventNotice } from './job-event';
import { JobEventPublisher } from './job-event.publisher';

export const JOB_EVENTS_CLIENT = Symbol('JOB_EVENTS_CLIENT');
export const JOB_EVENTS_CHANNEL = Symbol('JOB_EVENTS_CHANNEL');
const PUBLISH_TIMEOUT_MS = 2000;

/** Tells the api processes, over the Nest Redis transport, that a user has new events. */
@Injectable()
export class RedisJobEventPublisher extends JobEventPublisher implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisJobEventPublisher.name);

  constructor(
    @Inject(JOB_EVENTS_CLIENT) private readonly client: ClientProxy,
    @Inject(JOB_EVENTS_CHANNEL) private readonly channel: string,
  ) {
    super();
  }

  async publish(event: JobEvent): Promise<void> {
    const notice: JobEventNotice = { userId: event.userId };
    await firstValueFrom(this.client.emit(this.channel, notice).pipe(timeout(PUBLISH_TIMEOUT_MS)), { defaultValue: undefined });
    this.logger.debug(`notified event ${event.id} (${event.type}) of task ${event.taskId}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
