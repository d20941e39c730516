import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { type JobEvent, JOB_EVENT_PATTERN, JobEventHub } from '@app/job-events';

/** Receives job events the worker published on Redis and hands them to this process's streams. */
@Controller()
export class JobEventsListener {
  constructor(private readonly hub: JobEventHub) {}

  @EventPattern(JOB_EVENT_PATTERN)
  async onJobEvent(@Payload() event: JobEvent): Promise<void> {
    await this.hub.publish(event);
  }
}
