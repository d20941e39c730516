import { HttpStatus } from '@nestjs/common';
import { type Request } from 'express';
import { ApiException } from './api.exception';
import { checkedExport, type ExportPiece } from './export-stream';
import { assertJsonContentType } from './json-body';
import { aborted, tooLarge } from './read-body';
import { conversationsJsonOf, isZipContentType, startsLikeZip } from './zip-export';

/**
 * An export upload being read: its checked pieces (see checkedExport), and
 * release(), which the route calls once it is done with the upload, whatever
 * happened: a body not read to its end (refused, or the store failed) is left
 * to drain and its connection is closed after the answer.
 */
export interface ExportUpload {
  readonly pieces: AsyncIterable<ExportPiece>;
  release(): void;
}

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
  return {
    pieces: checkedExport(exportBytes(request, limit, zipType)),
    release: () => release(request),
  };
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
