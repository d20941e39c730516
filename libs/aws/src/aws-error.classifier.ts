/** Node socket and DNS failures: the service was not reached, so a later try may work. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);

/** Error names AWS and the SDK use for throttling, timeouts and server trouble. */
const TRANSIENT_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'PriorRequestNotComplete',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'BandwidthLimitExceeded',
  'ProvisionedThroughputExceededException',
  'KmsThrottled',
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
]);

/** S3 says NoSuchKey on GET and a bodiless NotFound on HEAD. */
const MISSING_OBJECT_NAMES = new Set(['NoSuchKey', 'NotFound']);

/**
 * The SDK replaces a thrown value that is not an `Error` of its own realm (Jest's
 * sandbox, worker threads) with a bare Error whose message alone names the original.
 */
const SDK_WRAPPER_PREFIX = 'AWS SDK error wrapper for ';

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  cause?: unknown;
  errors?: unknown;
}

/** Network errors, 5xx, 429 and throttling: worth retrying later. Looks through `cause` and AggregateError. */
export function isTransientAwsError(error: unknown): boolean {
  return relatedErrors(error).some(isTransientShape);
}

/** The object (not the bucket) does not exist. */
export function isMissingObjectError(error: unknown): boolean {
  if (!isObject(error)) return false;
  const name = typeof error.name === 'string' ? error.name : '';
  return MISSING_OBJECT_NAMES.has(name) || (httpStatus(error) === 404 && name !== 'NoSuchBucket');
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function isTransientShape(error: ErrorShape): boolean {
  const status = httpStatus(error);
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  if (typeof error.name === 'string' && TRANSIENT_NAMES.has(error.name)) return true;
  if (typeof error.code === 'string' && NETWORK_CODES.has(error.code)) return true;
  return isObject(error.$retryable) || isTransientWrapper(error);
}

function isTransientWrapper(error: ErrorShape & { message?: unknown }): boolean {
  if (typeof error.message !== 'string' || !error.message.startsWith(SDK_WRAPPER_PREFIX)) return false;
  const words = error.message.slice(SDK_WRAPPER_PREFIX.length).split(/[^A-Za-z0-9_]+/);
  return words.some((word) => NETWORK_CODES.has(word) || TRANSIENT_NAMES.has(word));
}

function relatedErrors(error: unknown, depth = 0): ErrorShape[] {
  if (!isObject(error) || depth > 4) return [];
  const nested = Array.isArray(error.errors) ? (error.errors as unknown[]) : [];
  return [error, ...[error.cause, ...nested].flatMap((inner) => relatedErrors(inner, depth + 1))];
}

function httpStatus(error: ErrorShape): number | undefined {
  const status = isObject(error.$metadata) ? error.$metadata.httpStatusCode : undefined;
  return typeof status === 'number' ? status : undefined;
}

function isObject(value: unknown): value is ErrorShape {
  return typeof value === 'object' && value !== null;
}
