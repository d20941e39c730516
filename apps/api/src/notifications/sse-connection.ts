import { type JobEvent } from '@app/job-events';
import { type Response } from 'express';
import { toFrame } from './sse-frame';

/**
 * One browser's stream. Events are written in id order exactly once: live
 * events that arrive while the backlog is replayed wait in `pending`, and any
 * id at or below the last one written is dropped.
 */
export class SseConnection {
  private lastId: bigint;
  private pending: JobEvent[] | undefined = [];
  private closed = false;

  constructor(
    private readonly response: Response,
    after: bigint,
  ) {
    this.lastId = after;
  }

  get lastEventId(): string {
    return this.lastId.toString();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Live events: held back until the replay is done. */
  offer(event: JobEvent): void {
    if (this.pending) this.pending.push(event);
    else this.write(event);
  }

  /** Backlog from the event log, ascending; then releases held live events. */
  replay(events: readonly JobEvent[], done: boolean): void {
    for (const event of events) this.write(event);
    if (!done || !this.pending) return;
    const held = this.pending.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    this.pending = undefined;
    for (const event of held) this.write(event);
  }

  comment(text: string): void {
    if (!this.closed) this.response.write(`: ${text}\n\n`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.response.end();
  }

  markClosed(): void {
    this.closed = true;
  }

  private write(event: JobEvent): void {
    const id = BigInt(event.id);
    if (this.closed || id <= this.lastId) return;
    this.lastId = id;
    this.response.write(toFrame(event));
  }
}
