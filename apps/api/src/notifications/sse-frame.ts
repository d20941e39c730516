import { formatEventId } from '@app/database';
import { type JobEvent } from '@app/job-events';

const frames = new WeakMap<JobEvent, string>();

/** The stream's first frame, as the web client expects it: data only, no `id:` (it moves no cursor). */
export const CONNECTED_FRAME = `data: ${JSON.stringify({ type: 'CONNECTED', message: 'SSE Connection established' })}\n\n`;

/**
 * One SSE frame per event, serialized once however many clients receive it.
 * The id is written zero-padded (string order = numeric order); the payload
 * always carries `taskId` and `timestamp`, the latter equal to the envelope's
 * (the event's created_at, ISO 8601 UTC).
 */
export function toFrame(event: JobEvent): string {
  let frame = frames.get(event);
  if (frame === undefined) {
    const id = formatEventId(event.id);
    const payload = { taskId: event.taskId, ...event.payload, timestamp: event.timestamp };
    const data = JSON.stringify({ id, type: event.type, payload, timestamp: event.timestamp });
    frame = `id: ${id}\ndata: ${data}\n\n`;
    frames.set(event, frame);
  }
  return frame;
}
