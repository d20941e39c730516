import { Injectable } from '@nestjs/common';
import { filter, type Observable, Subject } from 'rxjs';
import { type JobEvent } from './job-event';
import { JobEventPublisher } from './job-event.publisher';

/** In-process fan-out of job events to the SSE streams one api process holds. */
@Injectable()
export class JobEventHub extends JobEventPublisher {
  private readonly events = new Subject<JobEvent>();

  publish(event: JobEvent): Promise<void> {
    this.events.next(event);
    return Promise.resolve();
  }

  stream(userId: string): Observable<JobEvent> {
    return this.events.pipe(filter((event) => event.userId === userId));
  }
}
