import { type NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { createServer, type Server } from 'node:http';

/**
 * Longer than the ALB's 60 s idle timeout, so the load balancer, never the
 * api, closes an idle keep-alive connection: if the api closed first, the ALB
 * could send a request down a connection that is just closing and answer 502.
 * (Node's own default is 5 s.) Between its requests an idle keep-alive
 * connection is not subject to headersTimeout or requestTimeout (Node 18+).
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** A client gets this long (at most the request timeout) to send its request line and headers. */
export const HEADERS_TIMEOUT_MS = 10_000;

export interface HttpServerLimits {
  /** Whole request, headers and body (HTTP_REQUEST_TIMEOUT_MS). */
  readonly requestTimeoutMs: number;
  /** How long app.close() lets requests in flight finish before it cuts their connections. */
  readonly shutdownGraceMs: number;
}

/**
 * Nest's Express adapter with the HTTP server's timeouts set when it is
 * created, and a shutdown that cannot hang on a client.
 *
 * `requestTimeout` covers receiving the request (headers and body), not
 * sending the response: a client that sends headers and a Content-Length and
 * then stalls gets 408 and loses its connection, while an SSE stream (a GET
 * whose request is complete at once) stays open as long as it likes. Node
 * checks these deadlines every `connectionsCheckingInterval` (30 s by
 * default, settable only when the server is created, hence this adapter), so
 * the check runs at least every second.
 *
 * On close, the server stops accepting and closes idle keep-alive connections
 * (also those that turn idle while it waits); requests still in flight after
 * `shutdownGraceMs` (a stalled upload, say) have their connections destroyed,
 * so app.close() finishes within the grace period.
 */
export class ApiExpressAdapter extends ExpressAdapter {
  constructor(private readonly limits: HttpServerLimits) {
    super();
  }

  override initHttpServer(options: NestApplicationOptions): void {
    if (options.httpsOptions) throw new Error('ApiExpressAdapter serves plain HTTP (TLS ends at the load balancer)');
    const { requestTimeoutMs } = this.limits;
    this.httpServer = createServer(
      {
        requestTimeout: requestTimeoutMs,
        headersTimeout: Math.min(HEADERS_TIMEOUT_MS, requestTimeoutMs),
        keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
        connectionsCheckingInterval: Math.min(1000, Math.max(100, Math.floor(requestTimeoutMs / 10))),
      },
      this.getInstance(),
    );
  }

  override close(): Promise<unknown> {
    const server = this.getHttpServer() as Server | undefined;
    const closed: Promise<unknown> = super.close() ?? Promise.resolve();
    if (!server) return closed;
    const sweep = setInterval(() => server.closeIdleConnections(), 100).unref();
    const cut = setTimeout(() => server.closeAllConnections(), this.limits.shutdownGraceMs).unref();
    return closed.finally(() => {
      clearInterval(sweep);
      clearTimeout(cut);
    });
  }
}
