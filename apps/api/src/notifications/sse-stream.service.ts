import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { type JobEventRecord, JobEventsRepository } from '@app/database';
import { JobEventHub } from '@app/job-events';
import { type Request, type Response } from 'express';
import { ApiEnvironment } from '../config/api.environment';
import { SseConnection } from './sse-connection';
import { CONNECTED_FRAME } from './sse-frame';
import { type StreamCursor } from './stream-cursor';

const PAGE = 500;

/** Reads the log for one connection; notices that arrive while it reads make it read once more. */
class LogPump {
  private running = false;
  private again = false;

  constructor(private readonly readOnce: () => Promise<boolean>) {}

  poke(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.run();
  }

  private async run(): Promise<void> {
    try {
      do {
        this.again = false;
        // readOnce answers whether the page was full (more may be waiting).
        while (await this.readOnce());
      } while (this.again);
    } finally {
      this.running = false;
    }
  }
}

/**
 * Serves job events as Server-Sent Events. The event log in Postgres is the
 * only thing a stream writes from: it replays what the client missed, then
 * reads the log again whenever a notice says the user has new events. A
 * user's events commit in id order (JobEventsRepository.append), so reading
 * "after the last id written" never skips one, whatever order or loss the
 * notices suffer; a forged or duplicated notice only causes one more read.
 *
 * Lost notices are made up for once per process, not once per stream: every
 * heartbeat interval one query reads the newest event id of every user with an
 * open stream here (latestIdsForUsers), and only the streams behind it read
 * the log (a lost notice costs at most one interval of delay). An idle stream
 * costs its heartbeat comment and nothing else.
 */
/** How soon a browser turned away during shutdown reconnects. */
export const SHUTDOWN_RETRY_MS = 1000;

@Injectable()
export class SseStreamService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(SseStreamService.name);
  /** Open streams: whose, how to make each read the log, how to release it (timer, hub watch). */
  private readonly open = new Map<SseConnection, { readonly userId: string; readonly pump: LogPump; readonly release: () => void }>();
  /** The process's catch-up timer, running while any stream is open. */
  private catchUpTimer: NodeJS.Timeout | undefined;
  private catchingUp = false;
  /** Set when shutdown begins: no stream may start after the open ones were ended. */
  private closing = false;

  constructor(
    private readonly hub: JobEventHub,
    private readonly events: JobEventsRepository,
    private readonly api: ApiEnvironment,
  ) {}

  /**
   * Writes the CONNECTED frame, then the replay, then live events. With an id
   * cursor the replay is the log after it; with a time cursor (a ULID), the log
   * after the last event before that time; fresh (no cursor), the restore set
   * (JobEventsRepository.listRestore) up to the user's newest event, then the
   * log after that one.
   */
  async stream(request: Request, response: Response, userId: string, cursor: StreamCursor): Promise<void> {
    // Where the stream starts is fixed before the client sees it open: any
    // event committed after that has a larger id and is delivered.
    const { start, restored } = await this.startOf(userId, cursor);
    if (request.destroyed || response.writableEnded) return;
    if (this.closing) return goElsewhere(response);
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    response.write(CONNECTED_FRAME);
    response.write('retry: 3000\n\n');
    const connection = new SseConnection(response, 0n);
    // The restore set is a read of the log too, all at or below `start`: the cursor then moves to `start`.
    connection.write(restored);
    connection.skipTo(BigInt(start));
    const pump = new LogPump(() => this.readPage(connection, userId));
    const unwatch = this.hub.watch(userId, () => pump.poke());
    const heartbeat = setInterval(() => connection.comment('keep-alive'), this.api.SSE_HEARTBEAT_MS);
    const release = () => {
      connection.markClosed();
      unwatch();
      clearInterval(heartbeat);
      this.open.delete(connection);
      if (this.open.size === 0) this.stopCatchUp();
    };
    this.open.set(connection, { userId, pump, release });
    this.catchUpTimer ??= setInterval(() => void this.catchUp(), this.api.SSE_HEARTBEAT_MS);
    request.once('close', release);
    pump.poke();
  }

  private async startOf(userId: string, cursor: StreamCursor): Promise<{ start: string; restored: readonly JobEventRecord[] }> {
    if (cursor.kind === 'id') return { start: cursor.id, restored: [] };
    if (cursor.kind === 'time') return { start: (await this.events.idBeforeTime(userId, cursor.after)) ?? '0', restored: [] };
    const start = (await this.events.latestIdForUser(userId)) ?? '0';
    if (start === '0' || this.api.SSE_RESTORE_MAX_EVENTS === 0) return { start, restored: [] };
    const recentSince = new Date(Date.now() - this.api.SSE_RESTORE_WINDOW_SECONDS * 1000);
    const restored = await this.events.listRestore(userId, { upToId: start, recentSince, limit: this.api.SSE_RESTORE_MAX_EVENTS });
    return { start, restored };
  }

  /**
   * Streams never end on their own; end them so the HTTP server can close.
   * Their browsers reconnect at once, often down the same keep-alive
   * connection, before the server stops reading it: such late streams are
   * sent elsewhere (goElsewhere) instead of holding the shutdown until the
   * grace period cuts them.
   */
  beforeApplicationShutdown(): void {
    this.closing = true;
    this.stopCatchUp();
    for (const [connection, { release }] of this.open) {
      connection.close();
      release();
    }
  }

  /**
   * One query for every user with a stream here: the streams whose cursor is
   * behind their user's newest event read the log. Skipped while the previous
   * round still runs; a failed query is retried at the next interval.
   */
  async catchUp(): Promise<void> {
    if (this.catchingUp || this.open.size === 0) return;
    this.catchingUp = true;
    try {
      const users = [...new Set([...this.open.values()].map((stream) => stream.userId))];
      const latest = await this.events.latestIdsForUsers(users);
      for (const [connection, { userId, pump }] of this.open) {
        const newest = latest.get(userId);
        if (newest !== undefined && BigInt(newest) > BigInt(connection.lastEventId)) pump.poke();
      }
    } catch (error) {
      this.logger.warn(`catching up the streams with the event log failed (${errorKind(error)}); retrying in ${this.api.SSE_HEARTBEAT_MS} ms`);
    } finally {
      this.catchingUp = false;
    }
  }

  private stopCatchUp(): void {
    clearInterval(this.catchUpTimer);
    this.catchUpTimer = undefined;
  }

  /** Writes the next page after the cursor; true when the page was full. */
  private async readPage(connection: SseConnection, userId: string): Promise<boolean> {
    if (connection.isClosed) return false;
    try {
      const page = await this.events.listForUser(userId, connection.lastEventId, PAGE);
      connection.write(page);
      return page.length === PAGE && !connection.isClosed;
    } catch (error) {
      // The next notice or catch-up reads again from the same cursor. Only the
      // error's kind is logged: a failed query's message carries its parameters.
      this.logger.warn(`reading the event log for a stream failed (${errorKind(error)}); retrying at the next notice or catch-up`);
      return false;
    }
  }
}

function errorKind(error: unknown): string {
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  return [name, code].filter((part) => typeof part === 'string').join(' ') || 'unknown error';
}

/**
 * The answer to a stream that starts while the api shuts down: a 200 event
 * stream that ends at once, asks for a reconnect in a second and closes its
 * connection, so the browser's EventSource comes back on a new connection
 * (which the load balancer sends to a task that is not draining). Any other
 * status would make EventSource give up for good.
 */
function goElsewhere(response: Response): void {
  response.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'close',
  });
  response.end(`retry: ${SHUTDOWN_RETRY_MS}\n\n`);
}
