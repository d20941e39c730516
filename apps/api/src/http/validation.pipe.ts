import { HttpStatus, ValidationPipe, type ValidationError } from '@nestjs/common';
import { ApiException } from './api.exception';

/** Validates and transforms DTOs (query, params, body), answering 400 in the api's error shape. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    exceptionFactory: (errors: ValidationError[]) =>
      new ApiException(HttpStatus.BAD_REQUEST, 'INVALID_REQUEST', 'The request is invalid', errors.flatMap(describe)),
  });
}

function describe(error: ValidationError): string[] {
  return [...Object.values(error.constraints ?? {}), ...(error.children ?? []).flatMap(describe)];
}
