import { HttpStatus } from '@nestjs/common';
import { type Request } from 'express';
import { ApiException } from './api.exception';

/**
 * Reads a request body into memory, refusing it as soon as it passes `limit`
 * bytes (the socket is not read further), so a huge upload costs nothing.
 */
export async function readBody(request: Request, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      request.unpipe();
      request.resume();
      throw tooLarge(limit);
    }
    chunks.push(chunk);
  }
  if (size === 0) throw new ApiException(HttpStatus.BAD_REQUEST, 'EMPTY_BODY', 'The request body is empty; send a ChatGPT export (a JSON array of conversations)');
  return Buffer.concat(chunks, size);
}

function tooLarge(limit: number): ApiException {
  return new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, 'BODY_TOO_LARGE', `The request body exceeds the limit of ${limit} bytes`);
}
