import { HttpStatus } from '@nestjs/common';
import { type Request } from 'express';
import { ApiException } from './api.exception';

/**
 * Reads a request body into memory, refusing it once it passes `limit` bytes;
 * an empty body gives an empty buffer. A refused upload answers with
 * `Connection: close`: the rest of its bytes are still on the socket, so the
 * connection must not be reused for another request. A client that goes away
 * (or is cut off by the server's request timeout) before the end rejects with
 * REQUEST_ABORTED, which no one receives but which is not logged as a fault.
 */
export function readBody(request: Request, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(request, limit));
  if (request.readableEnded) return Promise.reject(new Error('readBody: the request body was already read'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      outcome();
    };
    request.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        settle(() => reject(tooLarge(request, limit)));
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () => settle(() => resolve(Buffer.concat(chunks, size))));
    request.once('error', () => settle(() => reject(aborted())));
    request.once('close', () => settle(() => reject(aborted())));
  });
}

export function tooLarge(request: Request, limit: number): ApiException {
  request.res?.setHeader('Connection', 'close');
  return new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, 'BODY_TOO_LARGE', `The request body exceeds the limit of ${limit} bytes`);
}

export function aborted(): ApiException {
  return new ApiException(HttpStatus.BAD_REQUEST, 'REQUEST_ABORTED', 'The request body was not received completely');
}
