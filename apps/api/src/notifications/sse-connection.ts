import { type JobEvent } from '@app/job-events';
import { type Response } from 'express';
import { toFrame } from './sse-frame';

/**
 * One browser's stream: a cursor into the user's event log. It writes only
 * events read from the log, in id order, each once: anything at or below the
 * cursor is dropped, so a page read twice (or out of turn) writes nothing new.
 */
export class SseConnection {
  private lastId: bigint;
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

  /** The id of the last event written (or skipped to). */
  get cursor(): bigint {
    return this.lastId;
  }

  /** Moves the cursor forward to `id` without writing (after a restore replay, which ends there). */
  skipTo(id: bigint): void {
    if (id > this.lastId) this.lastId = id;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** A page of the log after the cursor, ascending. */
  write(events: readonly JobEvent[]): void {
    for (const event of events) {
      const id = BigInt(event.id);
      if (this.closed || id <= this.lastId) continue;
      this.lastId = id;
      this.response.write(toFrame(event));
    }
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
}
