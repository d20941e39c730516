import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { type JobEventRecord, JobEventsRepository } from '@app/database';
import { JobEventHub } from '@app/job-events';
import { type Request, type Response } from 'express';
import { ApiEnvironment } from '../config/api.environment';
import { SseConnection } from './sse-connection';
import { FreshStarts } from './fresh-starts';
import { CONNECTED_FRAME } from './sse-frame';
import { StreamLogReader } from './stream-log-reader';
import { type StreamCursor } from './stream-cursor';
import { UserStreams } from './user-streams';

/**
 * Serves job events as Server-Sent Events. The event log in Postgres is the
 * only thing a stream writes from: it replays what the client missed, then
 * reads the log again whenever a notice says the user has new events. A
 * user's events commit in id order (JobEventsRepository.append), so reading
 * "after the last id written" never skips one, whatever order or loss the
 * notices suffer; a forged or duplicated notice only causes one more read.
 *
 * The log is read per user, not per stream (UserStreams), and for many users
 * in one query (StreamLogReader): a user's 10,000 streams cost one read.
 *
 * Lost notices are made up for once per process, not once per stream: every
 * heartbeat interval one query reads the newest event id of every user with an
 * open stream here (latestIdsForUsers), and only the users behind it read
 * the log (a lost notice costs at most one interval of delay). An idle stream
 * costs its heartbeat comment (written by the same one timer) and nothing else.
 */
/** How soon a browser turned away during shutdown reconnects. */
export const SHUTDOWN_RETRY_MS = 1000;

@Injectable()
export class SseStreamService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(SseStreamService.name);
  /** Open streams, each with how to release it. */
  private readonly open = new Map<SseConnection, () => void>();
  /** The open streams by user. */
  private readonly users = new Map<string, UserStreams>();
  private readonly reader: StreamLogReader;
  private readonly freshStarts: FreshStarts;
  /** The process's heartbeat and catch-up timer, running while any stream is open. */
  private tickTimer: NodeJS.Timeout | undefined;
  private catchingUp = false;
  /** Set when shutdown begins: no stream may start after the open ones were ended. */
  private closing = false;

  constructor(
    private readonly hub: JobEventHub,
    private readonly events: JobEventsRepository,
    private readonly api: ApiEnvironment,
  ) {
    // Only the error's kind is logged: a failed query's message carries its parameters.
    this.reader = new StreamLogReader(events, (error) =>
      this.logger.warn(`reading the event log for streams failed (${errorKind(error)}); retrying at the next notice or catch-up`),
    );
    this.freshStarts = new FreshStarts(events, () => ({
      recentSince: new Date(Date.now() - this.api.SSE_RESTORE_WINDOW_SECONDS * 1000),
      limit: this.api.SSE_RESTORE_MAX_EVENTS,
    }));
  }

  /**
   * Writes the CONNECTED frame, then the replay, then live events. With an id
   * cursor the replay is the log after it; with a time cursor (a ULID), the log
   * after the last event before that time; fresh (no cursor), the restore set
   * (JobEventsRepository.restoreForUsers, batched: FreshStarts) up to the user's newest event, then the
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
    // The head, CONNECTED, the retry hint and the restore set leave in one write.
    response.cork();
    response.write(CONNECTED_FRAME);
    response.write('retry: 3000\n\n');
    const connection = new SseConnection(response, 0n);
    // The restore set is a read of the log too, all at or below `start`: the cursor then moves to `start`.
    connection.write(restored);
    connection.skipTo(BigInt(start));
    response.uncork();
    const user = this.join(userId);
    user.connections.add(connection);
    const release = () => {
      if (!this.open.delete(connection)) return;
      connection.markClosed();
      if (user.leave(connection) && this.users.get(userId) === user) this.users.delete(userId);
      if (this.open.size === 0) this.stopTicking();
    };
    this.open.set(connection, release);
    // One timer for the process, not one per stream: it writes every stream's heartbeat and runs the catch-up.
    this.tickTimer ??= setInterval(() => this.tick(), this.api.SSE_HEARTBEAT_MS);
    request.once('close', release);
    this.reader.poke(user);
  }

  private join(userId: string): UserStreams {
    let user = this.users.get(userId);
    if (!user) this.users.set(userId, (user = new UserStreams(userId, this.hub, (poked) => this.reader.poke(poked))));
    return user;
  }

  /** Every heartbeat interval: a `: keep-alive` comment on every open stream, then one catch-up round. */
  private tick(): void {
    for (const connection of this.open.keys()) connection.comment('keep-alive');
    void this.catchUp();
  }

  private async startOf(userId: string, cursor: StreamCursor): Promise<{ start: string; restored: readonly JobEventRecord[] }> {
    if (cursor.kind === 'id') return { start: cursor.id, restored: [] };
    if (cursor.kind === 'time') return { start: (await this.events.idBeforeTime(userId, cursor.after)) ?? '0', restored: [] };
    // One query for the user's newest id and the restore set up to it, shared with the streams opening meanwhile.
    const { latestId, events } = await this.freshStarts.of(userId);
    return { start: latestId ?? '0', restored: events };
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
    this.stopTicking();
    for (const [connection, release] of this.open) {
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
      const latest = await this.events.latestIdsForUsers([...this.users.keys()]);
      for (const user of this.users.values()) {
        const newest = latest.get(user.userId);
        if (newest !== undefined && BigInt(newest) > user.cursor) this.reader.poke(user);
      }
    } catch (error) {
      this.logger.warn(`catching up the streams with the event log failed (${errorKind(error)}); retrying in ${this.api.SSE_HEARTBEAT_MS} ms`);
    } finally {
      this.catchingUp = false;
    }
  }

  private stopTicking(): void {
    clearInterval(this.tickTimer);
    this.tickTimer = undefined;
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
