import { bootApiTestApp, sleep } from '../../test/api-test-app';
import { closedWithin, openRaw, type RawClient, uploadHead } from '../../test/raw-http';

/** createApiApp gives requests in flight half the shutdown budget. */
const GRACE_MS = 1000;

describe('HTTP server shutdown', () => {
  it('finishes app.close() within the grace period although uploads have stalled: answers what completes in time, cuts the rest', async () => {
    // A long request timeout: only the shutdown can end the stalled upload here.
    const api = await bootApiTestApp('shutdown', { env: { HTTP_REQUEST_TIMEOUT_MS: '60000', SHUTDOWN_TIMEOUT_MS: String(2 * GRACE_MS) } });
    const clients: RawClient[] = [];
    try {
      clients.push(await openRaw(api.base, `${uploadHead('/v1/graph-ai/test/generate-json', 'stalled', 5000)}[`));
      clients.push(await openRaw(api.base, `${uploadHead('/v1/sources/notes', 'stalled', 5000)}{`));
      const idle = await openRaw(api.base, 'GET /health/live HTTP/1.1\r\nHost: api\r\n\r\n'); // keep-alive, idle after its answer
      clients.push(idle);
      const note = JSON.stringify({ notes: [{ id: 'late-1', title: 'Garden', content: 'Tomatoes need sun' }] });
      const finishing = await openRaw(api.base, `${uploadHead('/v1/sources/notes', 'finishing', Buffer.byteLength(note))}${note.slice(0, 10)}`);
      clients.push(finishing);
      await sleep(200);
      expect(idle.text()).toMatch(/^HTTP\/1\.1 200 /);

      const started = Date.now();
      const closing = api.close().then(() => Date.now() - started);
      await sleep(GRACE_MS / 4);
      finishing.socket.write(note.slice(10)); // a request that completes within the grace period is still answered
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([closing, new Promise((done) => (timer = setTimeout(() => done('app.close() still running after 5 s'), 5000)))]);
      clearTimeout(timer);

      expect(outcome).toBeGreaterThanOrEqual(GRACE_MS - 50); // the stalled uploads were given the grace period
      expect(outcome).toBeLessThan(GRACE_MS + 1500); // ...and no more (plus closing the rest of the app)
      for (const client of clients) expect(await closedWithin(client, 500)).not.toBe('still open');
      expect(finishing.text()).toMatch(/^HTTP\/1\.1 201 /);
    } finally {
      for (const client of clients) client.socket.destroy();
    }
  });
});
