import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { JobEventsRepository } from '@app/database';
import { JobEventHub } from '@app/job-events';
import { type Request, type Response } from 'express';
import { ApiEnvironment } from '../config/api.environment';
import { SseConnection } from './sse-connection';

const REPLAY_PAGE = 500;

/**
 * Serves job events as Server-Sent Events. The event log in Postgres is the
 * source of truth: a stream first replays what the client missed, then follows
 * live events from the hub, and at every heartbeat catches up from the log in
 * case a Redis notification was lost.
 */
@Injectable()
export class SseStreamService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(SseStreamService.name);
  /** Open streams and how to release each (timer, hub subscription). */
  private readonly open = new Map<SseConnection, () => void>();

  constructor(
    private readonly hub: JobEventHub,
    private readonly events: JobEventsRepository,
    private readonly api: ApiEnvironment,
  ) {}

  async stream(request: Request, response: Response, userId: string, after: string | undefined): Promise<void> {
    // Where the stream starts is fixed before the client sees it open: any
    // event committed after that has a larger id and is delivered.
    const start = after ?? (await this.events.latestIdForUser(userId)) ?? '0';
    if (request.destroyed || response.writableEnded) return;
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    response.write('retry: 3000\n\n');
    const connection = new SseConnection(response, BigInt(start));
    const live = this.hub.stream(userId).subscribe((event) => connection.offer(event));
    const heartbeat = setInterval(() => void this.heartbeat(connection, userId), this.api.SSE_HEARTBEAT_MS);
    const release = () => {
      connection.markClosed();
      live.unsubscribe();
      clearInterval(heartbeat);
      this.open.delete(connection);
    };
    this.open.set(connection, release);
    request.once('close', release);
    await this.catchUp(connection, userId, true);
  }

  /** Streams never end on their own; end them so the HTTP server can close. */
  beforeApplicationShutdown(): void {
    for (const [connection, release] of this.open) {
      connection.close();
      release();
    }
  }

  private async heartbeat(connection: SseConnection, userId: string): Promise<void> {
    connection.comment('keep-alive');
    await this.catchUp(connection, userId, false);
  }

  private async catchUp(connection: SseConnection, userId: string, initial: boolean): Promise<void> {
    try {
      for (;;) {
        const page = await this.events.listForUser(userId, connection.lastEventId, REPLAY_PAGE);
        const done = page.length < REPLAY_PAGE || connection.isClosed;
        connection.replay(page, initial ? done : false);
        if (done) return;
      }
    } catch (error) {
      this.logger.warn(`catch-up for user ${userId} failed: ${String(error)}`);
      if (initial) connection.replay([], true);
    }
  }
}
