import { HttpException, type HttpStatus } from '@nestjs/common';

/** An HTTP error with a stable code clients can branch on, a sentence, and optional details. */
export class ApiException extends HttpException {
  constructor(status: HttpStatus, code: string, message: string, details?: readonly string[]) {
    super({ statusCode: status, code, message, ...(details?.length ? { details } : {}) }, status);
  }
}
