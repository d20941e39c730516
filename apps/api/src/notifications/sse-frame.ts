import { type JobEvent } from '@app/job-events';

const frames = new WeakMap<JobEvent, string>();

/** One SSE frame per event, serialized once however many clients receive it. */
export function toFrame(event: JobEvent): string {
  let frame = frames.get(event);
  if (frame === undefined) {
    const data = JSON.stringify({ id: event.id, type: event.type, payload: event.payload, timestamp: event.timestamp });
    frame = `id: ${event.id}\ndata: ${data}\n\n`;
    frames.set(event, frame);
  }
  return frame;
}
