import { connect, type Socket } from 'node:net';
import { tokenFor } from './api-test-app';

/** A raw client connection (for stalling on purpose): what it received, and when the server closed it. */
export interface RawClient {
  readonly socket: Socket;
  text(): string;
  /** Milliseconds from `openedAt` to the close, or undefined while open. */
  closedAfter(): number | undefined;
  readonly closed: Promise<number>;
}

export function openRaw(base: string, head: string): Promise<RawClient> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    let closedAfter: number | undefined;
    let openedAt = 0;
    const closed = new Promise<number>((done) =>
      socket.once('close', () => {
        closedAfter = Date.now() - openedAt;
        done(closedAfter);
      }),
    );
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => undefined); // a reset is one of the outcomes under test
    socket.once('connect', () => {
      openedAt = Date.now();
      socket.write(head);
      resolve({ socket, text: () => received, closedAfter: () => closedAfter, closed });
    });
    socket.once('error', reject);
  });
}

/** Headers of a JSON upload that promises `length` bytes. */
export const uploadHead = (path: string, user: string, length: number) =>
  `POST ${path} HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer ${tokenFor(user)}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

/** Resolves with the close time, or 'still open' after `ms` (its timer never outlives the answer). */
export function closedWithin(client: RawClient, ms: number): Promise<number | 'still open'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'still open'>((done) => (timer = setTimeout(() => done('still open'), ms)));
  return Promise.race([client.closed, timeout]).finally(() => clearTimeout(timer));
}
