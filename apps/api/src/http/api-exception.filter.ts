import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { classifyFault, type Dependency, describeFault, stackFrames } from '@app/faults';
import { type Response } from 'express';

/** Seconds a client should wait before retrying while a dependency is down. */
export const RETRY_AFTER_SECONDS = 5;

const UNAVAILABLE: Record<Dependency, { code: string; what: string }> = {
  database: { code: 'DATABASE_UNAVAILABLE', what: 'the database' },
  storage: { code: 'STORAGE_UNAVAILABLE', what: 'file storage' },
  queue: { code: 'QUEUE_UNAVAILABLE', what: 'the job queue' },
  events: { code: 'EVENTS_UNAVAILABLE', what: 'the event channel' },
  aws: { code: 'CLOUD_UNAVAILABLE', what: 'a cloud service' },
  network: { code: 'DEPENDENCY_UNAVAILABLE', what: 'a service it needs' },
};

/**
 * The last word on every error: HTTP errors keep their body (a 503 gains
 * Retry-After); a dependency that
 * is down or throttling is a 503 with a stable code and Retry-After (the
 * request can simply be sent again); anything else is a 500 with a code, logged
 * once by name and first line, never with request content or query parameters.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(ApiExceptionFilter.name);

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) {
      response.end();
      return;
    }
    if (error instanceof HttpException) {
      if (error.getStatus() === (HttpStatus.SERVICE_UNAVAILABLE as number)) response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      response.status(error.getStatus()).json(error.getResponse());
      return;
    }
    const fault = classifyFault(error);
    if (fault.transient) {
      const { code, what } = UNAVAILABLE[fault.dependency];
      this.logger.warn(`${code}: ${describeFault(error)}`);
      response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      response.status(HttpStatus.SERVICE_UNAVAILABLE).json({
        statusCode: HttpStatus.SERVICE_UNAVAILABLE,
        code,
        message: `The service cannot reach ${what} right now. Try again in ${RETRY_AFTER_SECONDS} s.`,
      });
      return;
    }
    this.logger.error(`INTERNAL_ERROR: ${describeFault(error)}`, stackFrames(error));
    response.status(HttpStatus.INTERNAL_SERVER_ERROR).json({ statusCode: HttpStatus.INTERNAL_SERVER_ERROR, code: 'INTERNAL_ERROR', message: 'Something went wrong on our side.' });
  }
}
