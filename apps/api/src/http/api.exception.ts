import { HttpException, type HttpStatus } from '@nestjs/common';

/** RFC 9457 extension members of a problem document, e.g. `taskId` of the job a 409 is about. */
export type ProblemExtensions = Readonly<Record<string, string | number | boolean>>;

/**
 * The domain error: a status, a stable code clients can branch on, a sentence,
 * optional details (field problems, positions) and optional extension members
 * (the problem's own facts, such as a running job's taskId). It renders nothing itself:
 * ApiExceptionFilter turns it into an `application/problem+json` answer.
 */
export class ApiException extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: string,
    message: string,
    readonly details?: readonly string[],
    readonly extensions?: ProblemExtensions,
  ) {
    super(message, status);
  }
}
