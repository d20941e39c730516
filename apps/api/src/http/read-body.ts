import { HttpStatus } from '@nestjs/common';
import { type Request } from 'express';
import { ApiException } from './api.exception';

/**
 * Reads a request body into memory, refusing it once it passes `limit` bytes.
 * A refused upload answers with `Connection: close`: the rest of its bytes are
 * still on the socket, so the connection must not be reused for another request.
 */
export function readBody(request: Request, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(request, limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    request.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limit) {
        refused = true;
        reject(tooLarge(request, limit));
        return;
      }
      chunks.push(chunk);
    });
    request.once('error', reject);
    request.once('end', () => {
      if (refused) return;
      if (size === 0) {
        reject(new ApiException(HttpStatus.BAD_REQUEST, 'EMPTY_BODY', 'The request body is empty; send a ChatGPT export (a JSON array of conversations)'));
        return;
      }
      resolve(Buffer.concat(chunks, size));
    });
  });
}

function tooLarge(request: Request, limit: number): ApiException {
  request.res?.setHeader('Connection', 'close');
  return new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, 'BODY_TOO_LARGE', `The request body exceeds the limit of ${limit} bytes`);
}
