import { bootApiTestApp, sleep, tokenFor } from '../../test/api-test-app';
import { closedWithin, openRaw, type RawClient } from '../../test/raw-http';
import { SHUTDOWN_RETRY_MS, SseStreamService } from './sse-stream.service';

const CONNECTED = 'data: {"type":"CONNECTED","message":"SSE Connection established"}';
const streamRequest = (user: string) =>
  `GET /v1/notifications/stream HTTP/1.1\r\nHost: api\r\nAccept: text/event-stream\r\nAuthorization: Bearer ${tokenFor(user)}\r\n\r\n`;

/** Whether the chunked response on `client` ended (its last chunk arrived) within 2 s. */
async function responseEnded(client: RawClient): Promise<boolean> {
  for (let waited = 0; waited < 2000; waited += 50) {
    if (client.text().endsWith('\r\n0\r\n\r\n')) return true;
    await sleep(50);
  }
  return false;
}

/**
 * A browser whose stream the shutdown ended reconnects at once, often down
 * the same keep-alive connection, before the server has stopped reading it.
 * Such a late stream must not hold the shutdown until the grace period cuts
 * it: it is answered with a stream that ends at once and asks for a reconnect
 * (a non-200 would make EventSource give up for good).
 */
describe(`${SseStreamService.name} during shutdown`, () => {
  it('ends the open streams, sends a stream that starts afterwards elsewhere, and app.close() does not wait for the grace cut', async () => {
    // Grace 10 s: a stream left open would hold app.close() that long.
    const api = await bootApiTestApp('sse_shutdown', { env: { SHUTDOWN_TIMEOUT_MS: '20000' } });
    const clients: RawClient[] = [];
    let closed: Promise<void> | undefined;
    try {
      const early = await openRaw(api.base, streamRequest('early'));
      clients.push(early);
      await sleep(300);
      expect(early.text()).toContain(CONNECTED);

      api.app.get(SseStreamService).beforeApplicationShutdown();
      expect(await responseEnded(early)).toBe(true); // its connection stays open (keep-alive) until the server closes


      const late = await openRaw(api.base, streamRequest('late'));
      clients.push(late);
      expect(await closedWithin(late, 2000)).not.toBe('still open');
      expect(late.text()).toMatch(/^HTTP\/1\.1 200 /);
      expect(late.text()).toMatch(/\r\ncontent-type: text\/event-stream/i);
      expect(late.text()).toMatch(/\r\nconnection: close\r\n/i);
      expect(late.text()).toContain(`retry: ${SHUTDOWN_RETRY_MS}\n\n`);
      expect(late.text()).not.toContain(CONNECTED);

      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        (closed = api.close()).then(() => Date.now() - started),
        new Promise((done) => (timer = setTimeout(() => done('app.close() still running after 5 s'), 5000))),
      ]);
      clearTimeout(timer);
      expect(outcome).toBeLessThan(5000);
    } finally {
      for (const client of clients) client.socket.destroy();
      await (closed ?? api.close());
    }
  });
});
