import { type Server } from 'node:http';
import { JobsRepository } from '@app/database';
import { type ApiTestApp, bootApiTestApp, HEARTBEAT_MS, sleep, tokenFor } from '../../test/api-test-app';
import { closedWithin, openRaw, type RawClient, uploadHead } from '../../test/raw-http';
import { KEEP_ALIVE_TIMEOUT_MS } from './api-express-adapter';

const REQUEST_TIMEOUT_MS = 1000;

describe('HTTP server timeouts', () => {
  let api: ApiTestApp;
  const clients: RawClient[] = [];
  const open = async (head: string) => {
    const client = await openRaw(api.base, head);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    api = await bootApiTestApp('timeouts', { env: { HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) } });
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.socket.destroy();
  });

  afterAll(async () => {
    await api?.close();
  });

  it('sets the request, headers and keep-alive timeouts on the server', () => {
    const server: Server = api.app.getHttpServer();
    expect({ requestTimeout: server.requestTimeout, headersTimeout: server.headersTimeout, keepAliveTimeout: server.keepAliveTimeout }).toEqual({
      requestTimeout: REQUEST_TIMEOUT_MS,
      headersTimeout: REQUEST_TIMEOUT_MS, // never above the request timeout
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    });
    expect(KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThan(60_000); // the ALB's idle timeout
  });

  it('cuts off, within the request timeout, every client that stalls before its request is complete', async () => {
    const stalled = {
      'an upload (read after authentication) that sent its Content-Length': await open(`${uploadHead('/v1/graph-ai/test/generate-json', 'stalled', 1000)}[{"id":`),
      'a small JSON body (read by the gate) that sent its Content-Length': await open(`${uploadHead('/v1/sources/notes', 'stalled', 1000)}{"notes":`),
      'a client that never finishes its headers': await open('GET /health/live HTTP/1.1\r\nHost: api\r\n'),
    };

    const outcomes = await Promise.all(
      Object.entries(stalled).map(async ([label, client]) => {
        const closedAfter = await closedWithin(client, REQUEST_TIMEOUT_MS + 3000);
        const inTime = typeof closedAfter === 'number' && closedAfter >= REQUEST_TIMEOUT_MS - 50 && closedAfter < REQUEST_TIMEOUT_MS + 1000;
        return { label, inTime: inTime || closedAfter, answer: client.text().split('\r\n')[0] };
      }),
    );

    // Node checks the deadlines every 100 ms here (every second with the default timeout).
    expect(outcomes).toEqual(Object.keys(stalled).map((label) => ({ label, inTime: true, answer: 'HTTP/1.1 408 Request Timeout' })));
    expect(await api.app.get(JobsRepository).listForUser('stalled', { limit: 10 })).toEqual([]);
  });

  it('leaves an SSE stream open long after the request timeout (it covers the request, not the response)', async () => {
    const client = await open(`GET /v1/notifications/stream HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer ${tokenFor('listener')}\r\nAccept: text/event-stream\r\n\r\n`);

    await sleep(REQUEST_TIMEOUT_MS * 2.2);

    expect(client.closedAfter()).toBeUndefined();
    expect(client.text()).toMatch(/^HTTP\/1\.1 200 /);
    expect(client.text().split(': keep-alive\n\n').length - 1).toBeGreaterThanOrEqual(Math.floor((REQUEST_TIMEOUT_MS * 2.2) / HEARTBEAT_MS) - 1);
  });

  it('still answers a slow client that finishes in time', async () => {
    const body = JSON.stringify({ notes: [{ id: 'slow-1', title: 'Garden', content: 'Tomatoes need sun' }] });
    const client = await open(uploadHead('/v1/sources/notes', 'slow', Buffer.byteLength(body)));
    await sleep(REQUEST_TIMEOUT_MS / 2);
    client.socket.write(body);
    await sleep(300);
    expect(client.text()).toMatch(/^HTTP\/1\.1 201 /);
  });
});
