import { createConnection } from 'node:net';

/** The real Redis URL when one answers PING, else undefined (callers use the in-process bus). */
export async function reachableRedisUrl(): Promise<string | undefined> {
  const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const { hostname, port } = new URL(url);
  const alive = await new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) });
    socket.setTimeout(1000);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
  if (!alive && process.env.TEST_REQUIRE_SERVICES === '1') throw new Error(`Redis at ${url} is required but not reachable`);
  return alive ? url : undefined;
}
