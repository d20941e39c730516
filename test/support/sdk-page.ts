import { readFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { dirname, join, normalize, resolve, sep } from 'node:path';

/** The SDK's own `dist/` as npm installed it (its package.json maps "." to dist/index.js). */
const SDK_DIST = dirname(require.resolve('@taco_tsinghua/graphnode-sdk'));
const HARNESS = resolve(__dirname, 'web-client-harness.mjs');

/**
 * The web app's page, reduced to what matters here: it loads the harness (the
 * app's side of the spec), which imports the published SDK from `/sdk/` as a
 * browser loads any ES module. The api's base URL is the page's `?api=`.
 */
const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>GraphNode web client (test page)</title></head>
<body><script type="module" src="/harness.mjs"></script></body></html>`;

const javascript = (response: ServerResponse, file: string) =>
  readFile(file).then(
    (body) => response.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' }).end(body),
    () => response.writeHead(404).end(),
  );

export interface SdkPage {
  /** `http://localhost:<port>`: the origin the page runs on (open `${origin}/?api=<api base>`). */
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves the test page, its harness and the SDK on `localhost` (a free port), for a browser to open. */
export async function serveSdkPage(): Promise<SdkPage> {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/') {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(PAGE);
      return;
    }
    if (path === '/harness.mjs') {
      void javascript(response, HARNESS);
      return;
    }
    const file = normalize(join(SDK_DIST, path.replace(/^\/sdk\//, '')));
    if (!path.startsWith('/sdk/') || !file.startsWith(SDK_DIST + sep) || !file.endsWith('.js')) {
      response.writeHead(404).end();
      return;
    }
    void javascript(response, file);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  return {
    origin: `http://localhost:${port}`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
