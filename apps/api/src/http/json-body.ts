import { HttpStatus } from '@nestjs/common';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { type NextFunction, type Request, type Response } from 'express';
import { type IncomingMessage } from 'node:http';

/** Routes that read their body raw (uploads: size-bounded, stored as sent). */
export const RAW_BODY_PATHS: ReadonlySet<string> = new Set(['/v1/graph-ai/test/generate-json', '/v1/sources/conversations']);
const JSON_BODY_LIMIT = '1mb';

/**
 * Parses small JSON bodies for DTO routes, leaves raw-upload routes alone, and
 * answers parser errors in the api's error shape instead of Express's HTML.
 */
export function useJsonBodies(app: NestExpressApplication): void {
  app.useBodyParser('json', {
    limit: JSON_BODY_LIMIT,
    type: (request: IncomingMessage) =>
      !RAW_BODY_PATHS.has((request.url ?? '').split('?')[0]) && /^application\/(.+\+)?json/i.test(request.headers['content-type'] ?? ''),
  });
  app.use((error: { type?: string } | undefined, _request: Request, response: Response, next: NextFunction) => {
    if (error?.type === 'entity.parse.failed') {
      response.status(HttpStatus.BAD_REQUEST).json({ statusCode: 400, code: 'INVALID_JSON', message: 'The request body is not valid JSON' });
    } else if (error?.type === 'entity.too.large') {
      response.status(HttpStatus.PAYLOAD_TOO_LARGE).json({ statusCode: 413, code: 'BODY_TOO_LARGE', message: `The request body exceeds ${JSON_BODY_LIMIT}` });
    } else {
      next(error);
    }
  });
}
