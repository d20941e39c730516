import { HttpStatus } from '@nestjs/common';
import { type Request } from 'express';
import { Readable } from 'node:stream';
import { setImmediate } from 'node:timers/promises';
import { type BodyInCheck } from '../jobs/job-launcher';
import { ApiException } from './api.exception';
import { checkedExport, type ExportPiece } from './export-stream';
import { assertJsonContentType } from './json-body';
import { aborted, tooLarge } from './read-body';
import { conversationsJsonOf, isZipContentType, startsLikeZip } from './zip-export';

/**
 * An export upload being read, in one of two ways (a route uses one): its
 * checked pieces (see checkedExport), or what to store of it (toStore). And
 * release(), which the route calls once it is done with the upload, whatever
 * happened: a body not read to its end (refused, or the store failed) is left
 * to drain and its connection is closed after the answer.
 */
export interface ExportUpload {
  readonly pieces: AsyncIterable<ExportPiece>;
  /**
   * The export's JSON read whole when it ends within `wholeUpTo` bytes: the
   * bytes with their check still running (see BodyInCheck), so storing them
   * overlaps checking them. A larger export is a stream of its checked bytes,
   * which fails with the refusal. Rejects at once, before anything is stored,
   * for what is refused before the JSON starts (415, 413, an empty body, a bad zip).
   */
  toStore(wholeUpTo: number): Promise<BodyInCheck | Readable>;
  release(): void;
}

/**
 * Exports up to this size (most: a year of chats is a few MiB) are read whole,
 * then stored with one PutObject while they are checked; larger ones stream
 * to a multipart upload as they are checked. Bounds what one upload holds.
 */
export const WHOLE_EXPORT_BYTES = 4 * 1024 * 1024;

/** Slices the check of a whole export is fed in, so the store's I/O callbacks run between them. */
const CHECK_SLICE_BYTES = 64 * 1024;

/**
 * An upload of a ChatGPT export, streamed: a JSON array, or the `.zip`
 * ChatGPT hands out (application/zip, or any upload that starts like a zip),
 * whose `conversations.json` is read as it is inflated. 415 for other media
 * types before anything is read; then, while it is read, 413 past `limit`
 * bytes (declared or not), REQUEST_ABORTED when the client goes away,
 * EMPTY_BODY, and the export checks.
 */
export function openExportUpload(request: Request, limit: number): ExportUpload {
  const zipType = isZipContentType(request.headers['content-type']);
  if (!zipType) assertJsonContentType(request);
  const bytes = exportBytes(request, limit, zipType);
  return {
    pieces: checkedExport(bytes),
    toStore: (wholeUpTo) => exportToStore(bytes, wholeUpTo),
    release: () => release(request),
  };
}

async function exportToStore(chunks: AsyncGenerator<Buffer>, wholeUpTo: number): Promise<BodyInCheck | Readable> {
  const head: Buffer[] = [];
  let size = 0;
  for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
    head.push(next.value);
    size += next.value.length;
    if (size > wholeUpTo) return Readable.from(checkedBytes(replayed(head, chunks)), { objectMode: false });
  }
  const bytes = Buffer.concat(head, size);
  const checked = checkedWhole(bytes);
  checked.catch(() => undefined); // the launcher awaits it; a refusal before then is not unhandled
  return { bytes, checked };
}

/** What to store of a whole export: `bytes` itself when the check kept every byte as sent, else its rewrite. */
async function checkedWhole(bytes: Buffer): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of checkedExport(slices(bytes))) pieces.push(piece.bytes);
  const stored = Buffer.concat(pieces);
  return stored.equals(bytes) ? bytes : stored;
}

async function* slices(bytes: Buffer): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += CHECK_SLICE_BYTES) {
    if (at > 0) await setImmediate();
    yield bytes.subarray(at, at + CHECK_SLICE_BYTES);
  }
}

async function* replayed(head: readonly Buffer[], rest: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
  yield* head;
  yield* { [Symbol.asyncIterator]: () => rest };
}

async function* checkedBytes(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  for await (const piece of checkedExport(chunks)) yield piece.bytes;
}

async function* exportBytes(request: Request, limit: number, zipType: boolean): AsyncGenerator<Buffer> {
  const body = requestChunks(request, limit);
  const first = await body.next();
  if (first.done) {
    throw new ApiException(HttpStatus.BAD_REQUEST, 'EMPTY_BODY', 'The request body is empty; send a ChatGPT export (a JSON array of conversations)');
  }
  const rest = { [Symbol.asyncIterator]: () => body };
  if (zipType || startsLikeZip(first.value)) {
    yield* conversationsJsonOf(first.value, rest, limit);
    return;
  }
  yield first.value;
  yield* rest;
}

/** The request's bytes as they arrive, refused past `limit` (413) or when the client goes away (REQUEST_ABORTED). */
export async function* requestChunks(request: Request, limit: number): AsyncGenerator<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(request, limit);
  if (request.readableEnded) throw new Error('requestChunks: the request body was already read');
  let size = 0;
  // Not destroyed on an early return: the answer still has to go out on its socket.
  const chunks = request.iterator({ destroyOnReturn: false }) as AsyncIterableIterator<Buffer>;
  for (;;) {
    let next: IteratorResult<Buffer>;
    try {
      next = await chunks.next();
    } catch {
      throw aborted();
    }
    if (next.done) return;
    size += next.value.length;
    if (size > limit) throw tooLarge(request, limit);
    yield next.value;
  }
}

function release(request: Request): void {
  if (request.readableEnded || request.destroyed) return;
  // The rest of the body is still on the socket: read and drop it, and do not reuse the connection.
  if (!request.res?.headersSent) request.res?.setHeader('Connection', 'close');
  request.resume();
}
