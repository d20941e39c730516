import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { type JobEventNotice, MAX_NOTICE_USERS } from './job-event';
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

  protected async announce(userIds: readonly string[]): Promise<void> {
    const notices: JobEventNotice[] = [];
    for (let at = 0; at < userIds.length; at += MAX_NOTICE_USERS) notices.push({ userIds: userIds.slice(at, at + MAX_NOTICE_USERS) });
    await Promise.all(notices.map((notice) => firstValueFrom(this.client.emit(this.channel, notice).pipe(timeout(PUBLISH_TIMEOUT_MS)), { defaultValue: undefined })));
    this.logger.debug(`notified ${userIds.length} user(s) of new events`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
