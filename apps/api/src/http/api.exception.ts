import { HttpException, type HttpStatus } from '@nestjs/common';

/**
 * The domain error: a status, a stable code clients can branch on, a sentence,
 * and optional details (field problems, positions). It renders nothing itself:
 * ApiExceptionFilter turns it into an `application/problem+json` answer.
 */
export class ApiException extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: string,
    message: string,
    readonly details?: readonly string[],
  ) {
    super(message, status);
  }
}
