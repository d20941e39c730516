import { HttpStatus } from '@nestjs/common';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { type NextFunction, type Request, type Response } from 'express';
import { type IncomingMessage } from 'node:http';
import { ApiException } from './api.exception';
import { describeOffset, gateJson, type JsonProblemCode, MAX_JSON_DEPTH } from './json-gate';
import { readBody } from './read-body';

/** Routes that read their body themselves, after authentication (uploads: up to MAX_UPLOAD_BYTES, streamed; see openExportUpload). */
export const RAW_BODY_PATHS: ReadonlySet<string> = new Set(['/v1/graph-ai/test/generate-json', '/v1/sources/conversations']);

/** Largest body of the other routes (notes, options). */
export const JSON_BODY_LIMIT_BYTES = 1024 * 1024;

export const GATE_MESSAGES: Readonly<Record<JsonProblemCode, string>> = {
  INVALID_UTF8: 'The request body is not valid UTF-8',
  INVALID_JSON: 'The request body is not valid JSON',
  JSON_TOO_DEEP: `The request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`,
  NUL_CHARACTER: 'The request body contains a NUL character (U+0000), which cannot be stored',
  LONE_SURROGATE: 'The request body contains an unpaired UTF-16 surrogate escape, which is not text',
};

/**
 * Parses a JSON body through the gate (strict UTF-8, syntax, depth, NUL, lone
 * surrogates) or throws 400 with the gate's code. The message names the byte
 * and what is wrong there, never the body's content.
 */
export function parseJsonBytes(bytes: Buffer): unknown {
  const result = gateJson(bytes);
  if (result.ok) return result.value;
  const { code, offset, reason } = result.problem;
  throw new ApiException(HttpStatus.BAD_REQUEST, code, `${GATE_MESSAGES[code]}: ${reason} ${describeOffset(bytes, offset)}`);
}

/** Whether the request carries a body at all (a chunked one, or a Content-Length above 0). */
export function hasBody(request: IncomingMessage): boolean {
  return request.headers['transfer-encoding'] !== undefined || (request.headers['content-length'] ?? '0') !== '0';
}

/**
 * 415 unless the Content-Type is `application/json` or `application/<x>+json`,
 * with no charset or charset utf-8. Looks at the header only, so nothing of
 * the body has been read when it refuses.
 */
export function assertJsonContentType(request: IncomingMessage): void {
  const [mediaType, ...parameters] = (request.headers['content-type'] ?? '').split(';');
  const jsonType = /^application\/([a-z0-9!#$&^_.-]+\+)?json$/i.test(mediaType.trim());
  const charsets = parameters.map((parameter) => parameter.split('=')).filter(([name]) => name.trim().toLowerCase() === 'charset');
  const utf8 = charsets.every(([, value = '']) => /^"?utf-?8"?$/i.test(value.trim()));
  if (!jsonType || !utf8) {
    throw new ApiException(
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      'UNSUPPORTED_MEDIA_TYPE',
      'Send the body as JSON with Content-Type: application/json (charset, if given, utf-8)',
    );
  }
}

/** `/V1/Sources/Conversations/?x` → `/v1/sources/conversations`: Express routes ignore case and a trailing slash. */
function routePath(url: string | undefined): string {
  return (url ?? '').split('?')[0].toLowerCase().replace(/\/+$/, '');
}

/**
 * The body gate for every route but the uploads (which call openExportUpload
 * after authentication): a request with a body must be JSON (415), at most
 * JSON_BODY_LIMIT_BYTES (413), and pass the gate (400); its value becomes
 * `request.body`. Requests without a body pass untouched. Also refuses a path
 * that is not valid percent-encoding (Express would answer with the path in an
 * error message). Refusals go to ApiExceptionFilter (Nest's error handler), like every error.
 */
export function useJsonBodies(app: NestExpressApplication): void {
  app.use((request: Request, _response: Response, next: NextFunction) => {
    void gateRequest(request).then(() => next(), next);
  });
}

async function gateRequest(request: Request): Promise<void> {
  assertDecodablePath(request.url);
  if (RAW_BODY_PATHS.has(routePath(request.url)) || !hasBody(request)) return;
  assertJsonContentType(request);
  const bytes = await readBody(request, JSON_BODY_LIMIT_BYTES);
  if (bytes.length > 0) request.body = parseJsonBytes(bytes);
}

function assertDecodablePath(url: string): void {
  try {
    decodeURIComponent(url.split('?')[0]);
  } catch {
    throw new ApiException(HttpStatus.BAD_REQUEST, 'INVALID_PATH', 'The request path is not valid percent-encoded UTF-8');
  }
}
