import { isEventId } from '@app/database';

/** Where a stream starts: after an event id, after a point in time (a ULID cursor), or fresh (restore). */
export type StreamCursor = { readonly kind: 'id'; readonly id: string } | { readonly kind: 'time'; readonly after: Date } | { readonly kind: 'fresh' };

/** Crockford base32, as the current server's ULIDs are written (decoded case-insensitively). */
const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/i;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * Reads `Last-Event-ID` / `since`: our event ids (decimal digits, zero-padded
 * or not) or a ULID of the current server (its first 10 characters are the
 * millisecond it was made); undefined for anything else.
 */
export function parseStreamCursor(raw: string | undefined): StreamCursor | undefined {
  if (raw === undefined) return { kind: 'fresh' };
  if (isEventId(raw)) return { kind: 'id', id: raw };
  if (ULID.test(raw)) return { kind: 'time', after: new Date(ulidTime(raw) + 1) };
  return undefined;
}

/** Milliseconds since the epoch a ULID encodes (48 bits in its first 10 characters). */
export function ulidTime(ulid: string): number {
  let time = 0;
  for (const char of ulid.slice(0, 10).toUpperCase()) time = time * 32 + CROCKFORD.indexOf(char);
  return time;
}
