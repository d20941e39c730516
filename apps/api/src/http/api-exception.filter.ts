import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { classifyFault, type Dependency, describeFault, stackFrames } from '@app/faults';
import { type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { ApiException, type ProblemExtensions } from './api.exception';

/** Seconds a client should wait before retrying while a dependency is down. */
export const RETRY_AFTER_SECONDS = 5;

/** Media type of every error answer (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** `type` of a problem: this + its code in lowercase with `-` for `_`. */
export const PROBLEM_TYPE_BASE = 'https://graphnode.dev/problems/';

/** Response header that repeats a problem's correlationId. */
export const CORRELATION_ID_HEADER = 'X-Correlation-Id';

/** Statuses that say "the same request may work later". */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** Codes for Nest's own HttpExceptions (and http-errors), which carry no code of ours. */
const CODES_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'AUTH_REQUIRED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'BODY_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  500: 'INTERNAL_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};

const UNAVAILABLE: Record<Dependency, { code: string; what: string }> = {
  database: { code: 'DATABASE_UNAVAILABLE', what: 'the database' },
  storage: { code: 'STORAGE_UNAVAILABLE', what: 'file storage' },
  queue: { code: 'QUEUE_UNAVAILABLE', what: 'the job queue' },
  events: { code: 'EVENTS_UNAVAILABLE', what: 'the event channel' },
  aws: { code: 'CLOUD_UNAVAILABLE', what: 'a cloud service' },
  network: { code: 'DEPENDENCY_UNAVAILABLE', what: 'a service it needs' },
};

/** What an error answer says, before it is rendered. */
export interface Problem {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly errors?: readonly unknown[];
  readonly extensions?: ProblemExtensions;
}

/** The body of every error answer. */
export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance: string;
  readonly correlationId: string;
  readonly retryable: boolean;
  readonly errors?: readonly unknown[];
  readonly code: string;
  /** Extension members (RFC 9457 §3.2), e.g. `taskId` on a 409 JOB_ALREADY_RUNNING. */
  readonly [extension: string]: unknown;
}

/**
 * The last word on every error, and the only place an error body is written:
 * each one leaves as `application/problem+json` (type, title, status, detail,
 * instance, correlationId, retryable, errors when there are any, our
 * stable code, and an ApiException's extension members), with the
 * correlationId also in X-Correlation-Id.
 *
 * ApiExceptions keep their status, code, sentence and details; Nest's own
 * HttpExceptions (unknown route, a pipe's BadRequest) and http-errors with a
 * 4xx status get a code from their status; a dependency that is down or
 * throttling is a 503 with a stable code and Retry-After (the request can
 * simply be sent again); anything else is a 500 INTERNAL_ERROR, logged once by
 * name and first line, never with request content or query parameters. Once
 * a response has started (an open SSE stream) nothing more is written.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(ApiExceptionFilter.name);

  catch(error: unknown, host: ArgumentsHost): void {
    // The Redis transport's handlers (inheritAppConfig) have no response: Nest's own RPC handling takes over when this returns nothing.
    if (host.getType() !== 'http') return;
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    if (response.headersSent) {
      response.end();
      return;
    }
    const request = http.getRequest<Request>();
    const problem = this.problemOf(error, request);
    if (problem.status === (HttpStatus.SERVICE_UNAVAILABLE as number)) response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    const document = renderProblem(problem, request);
    response.setHeader(CORRELATION_ID_HEADER, document.correlationId);
    // `instance` repeats the URL as sent: no browser may take the answer for anything but JSON.
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(document));
  }

  private problemOf(error: unknown, request: Request): Problem {
    if (error instanceof ApiException) {
      return { status: error.getStatus(), code: error.code, detail: error.message, errors: error.details, extensions: error.extensions };
    }
    if (error instanceof HttpException) return nestProblem(error, request);
    const clientError = httpErrorStatus(error);
    if (clientError !== undefined) {
      return { status: clientError, code: codeForStatus(clientError), detail: (error as Error).message };
    }
    const fault = classifyFault(error);
    if (fault.transient) {
      const { code, what } = UNAVAILABLE[fault.dependency];
      this.logger.warn(`${code}: ${describeFault(error)}`);
      return {
        status: HttpStatus.SERVICE_UNAVAILABLE,
        code,
        detail: `The service cannot reach ${what} right now. Try again in ${RETRY_AFTER_SECONDS} s.`,
      };
    }
    this.logger.error(`INTERNAL_ERROR: ${describeFault(error)}`, stackFrames(error));
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, code: 'INTERNAL_ERROR', detail: 'Something went wrong on our side.' };
  }
}

/** The problem document for `problem`, answering `request`. */
export function renderProblem(problem: Problem, request: Pick<Request, 'originalUrl' | 'url' | 'headers'>): ProblemDocument {
  const { status, code, detail, errors, extensions } = problem;
  return {
    // First: a member below overrides an extension of the same name.
    ...extensions,
    type: PROBLEM_TYPE_BASE + code.toLowerCase().replace(/_/g, '-'),
    title: code.replace(/_/g, ' '),
    status,
    detail,
    instance: redactQueryToken(request.originalUrl ?? request.url),
    correlationId: correlationIdOf(request.headers.traceparent),
    retryable: RETRYABLE_STATUSES.has(status),
    ...(errors?.length ? { errors } : {}),
    code,
  };
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * The trace-id of a valid W3C `traceparent` (version not ff, trace-id and
 * parent-id not all zeros, nothing after the flags in version 00), else a
 * random UUID.
 */
export function correlationIdOf(traceparent: string | string[] | undefined): string {
  const match = typeof traceparent === 'string' ? TRACEPARENT.exec(traceparent.trim()) : null;
  if (match) {
    const [, version, traceId, parentId, , rest] = match;
    const valid = version !== 'ff' && !/^0+$/.test(traceId) && !/^0+$/.test(parentId) && (version !== '00' || rest === undefined);
    if (valid) return traceId;
  }
  return randomUUID();
}

/** The SSE route takes a token as `?access_token=`; an error answer must not echo it. */
function redactQueryToken(url: string): string {
  return url.replace(/([?&]access_token=)[^&#]*/gi, '$1REDACTED');
}

/** Nest's own exceptions: the not-found handler's `Cannot GET /x`, a pipe's BadRequest (messages as an array), and the like. */
function nestProblem(error: HttpException, request: Request): Problem {
  const status = error.getStatus();
  const body = error.getResponse();
  const message = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : body;
  const path = (request.originalUrl ?? request.url).split('?')[0];
  if (status === (HttpStatus.NOT_FOUND as number) && typeof message === 'string' && message.startsWith(`Cannot ${request.method} `)) {
    return { status, code: 'NOT_FOUND', detail: `Route ${request.method} ${path} not found` };
  }
  if (Array.isArray(message)) {
    const errors = message.map(String);
    return { status, code: status === (HttpStatus.BAD_REQUEST as number) ? 'VALIDATION_FAILED' : codeForStatus(status), detail: 'The request is invalid', errors };
  }
  return { status, code: codeForStatus(status), detail: typeof message === 'string' && message !== '' ? message : error.message };
}

/** The status of an http-errors error the client caused (express, body parsers): `expose` and 4xx. */
function httpErrorStatus(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const { status, statusCode, expose } = error as Error & { status?: unknown; statusCode?: unknown; expose?: unknown };
  const value = typeof status === 'number' ? status : statusCode;
  return expose === true && typeof value === 'number' && value >= 400 && value < 500 ? value : undefined;
}

function codeForStatus(status: number): string {
  const name: string | undefined = HttpStatus[status];
  return CODES_BY_STATUS[status] ?? name ?? (status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST');
}
