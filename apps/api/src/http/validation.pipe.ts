import { type ArgumentMetadata, HttpStatus, ValidationPipe, type ValidationError } from '@nestjs/common';
import { ApiException } from './api.exception';

/**
 * A body DTO may declare `static precheck(body)`: cheap checks on the plain
 * value (counts, duplicates) that throw an ApiException with their own code
 * before class-transformer and class-validator walk every element.
 */
export interface PrecheckedDto {
  precheck(body: unknown): void;
}

class ApiValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const precheck = (metadata.metatype as Partial<PrecheckedDto> | undefined)?.precheck;
    if (metadata.type === 'body' && typeof precheck === 'function') precheck.call(metadata.metatype, value);
    return super.transform(value, metadata) as Promise<unknown>;
  }
}

/** Validates and transforms DTOs (query, params, body), answering 400 VALIDATION_FAILED with each problem in `errors`. */
export function createValidationPipe(): ValidationPipe {
  return new ApiValidationPipe({
    transform: true,
    whitelist: true,
    exceptionFactory: (errors: ValidationError[]) =>
      new ApiException(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'The request is invalid', errors.flatMap(describe)),
  });
}

function describe(error: ValidationError): string[] {
  return [...Object.values(error.constraints ?? {}), ...(error.children ?? []).flatMap(describe)];
}
