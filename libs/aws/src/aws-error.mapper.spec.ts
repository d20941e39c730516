import { isTransientAwsError } from './aws-error.classifier';
import { toObjectStoreError, toQueueError } from './aws-error.mapper';
import { ObjectStoreError } from './object-store.error';
import { QueueError } from './queue.error';

/** Shaped like the SDK's ServiceException: a name plus $metadata.httpStatusCode. */
function serviceError(name: string, httpStatusCode: number | undefined, extra: object = {}): Error {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode, attempts: 1 } }, extra);
}

/** Shaped like what the SDK throws when the socket never connects. */
function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code, $metadata: { attempts: 3 } });
}

describe(toObjectStoreError.name, () => {
  it.each([
    ['NoSuchKey (GetObject)', serviceError('NoSuchKey', 404)],
    ['NotFound (HeadObject)', serviceError('NotFound', 404)],
    ['an unnamed 404', serviceError('UnknownError', 404)],
  ])('maps %s to OBJECT_NOT_FOUND, not transient', (_label, cause) => {
    const error = toObjectStoreError(cause, 'get', 'bucket-1', 'jobs/1/input.json');
    expect(error).toBeInstanceOf(ObjectStoreError);
    expect(error).toMatchObject({ code: 'OBJECT_NOT_FOUND', transient: false, key: 'jobs/1/input.json', cause });
    expect(error.message).toBe('Object "jobs/1/input.json" in bucket "bucket-1" not found');
  });

  it('maps NoSuchBucket to STORAGE_ERROR: a missing bucket is configuration, not a missing object', () => {
    const error = toObjectStoreError(serviceError('NoSuchBucket', 404), 'get', 'bucket-1', 'k');
    expect(error).toMatchObject({ code: 'STORAGE_ERROR', transient: false });
  });

  it.each([
    ['ECONNREFUSED', networkError('ECONNREFUSED')],
    ['ECONNRESET', networkError('ECONNRESET')],
    ['ENOTFOUND', networkError('ENOTFOUND')],
    ['a 500', serviceError('InternalError', 500)],
    ['a 503 without a known name', serviceError('Unknown', 503)],
    ['SlowDown', serviceError('SlowDown', 503)],
    ['a 429', serviceError('TooManyRequests', 429)],
    ['ThrottlingException with status 400', serviceError('ThrottlingException', 400)],
    ['an SDK TimeoutError', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
    ['an error the SDK marked retryable', serviceError('Whatever', 400, { $retryable: { throttling: false } })],
    ['an AggregateError of refused connections', new AggregateError([networkError('ECONNREFUSED')], 'connect failed')],
    ['a wrapped network error', new Error('upload failed', { cause: networkError('ETIMEDOUT') })],
    ['the SDK wrapper of a foreign-realm network error', new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 1.2.3.4:1')],
    ['the SDK wrapper of a foreign-realm timeout', new Error('AWS SDK error wrapper for TimeoutError: socket hang up')],
  ])('maps %s to STORAGE_UNAVAILABLE, transient', (_label, cause) => {
    const error = toObjectStoreError(cause, 'put', 'bucket-1', 'k');
    expect(error).toMatchObject({ code: 'STORAGE_UNAVAILABLE', transient: true, cause });
    expect(error.message).toContain('S3 put of "k" in bucket "bucket-1" failed');
  });

  it.each([
    ['AccessDenied', serviceError('AccessDenied', 403)],
    ['InvalidBucketName', serviceError('InvalidBucketName', 400)],
    ['a plain Error', new Error('boom')],
    ['a plain Error mentioning a network code', new Error('ECONNREFUSED is not our business here')],
    ['the SDK wrapper of a foreign-realm client error', new Error('AWS SDK error wrapper for Error: bad digest')],
    ['a string', 'boom'],
    ['a credentials error', Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' })],
  ])('maps %s to STORAGE_ERROR, not transient', (_label, cause) => {
    expect(toObjectStoreError(cause, 'put', 'bucket-1', 'k')).toMatchObject({
      code: 'STORAGE_ERROR',
      transient: false,
      cause,
    });
  });

  it('names the bucket when there is no key', () => {
    expect(toObjectStoreError(serviceError('AccessDenied', 403), 'list', 'bucket-1').message).toBe(
      'S3 list of bucket "bucket-1" failed: AccessDenied: AccessDenied happened',
    );
  });

  it('passes an ObjectStoreError through unchanged', () => {
    const original = new ObjectStoreError('INVALID_CONTENT', 'bad', 'k');
    expect(toObjectStoreError(original, 'get', 'bucket-1', 'k')).toBe(original);
  });
});

describe(toQueueError.name, () => {
  const url = 'https://sqs.us-east-1.amazonaws.com/123456789012/requests';

  it.each([
    ['ECONNREFUSED', networkError('ECONNREFUSED')],
    ['a 503', serviceError('ServiceUnavailable', 503)],
    ['RequestThrottled', serviceError('RequestThrottled', 400)],
  ])('maps %s to QUEUE_UNAVAILABLE, transient', (_label, cause) => {
    const error = toQueueError(cause, url);
    expect(error).toBeInstanceOf(QueueError);
    expect(error).toMatchObject({ code: 'QUEUE_UNAVAILABLE', transient: true, queueUrl: url, cause });
  });

  it.each([
    ['QueueDoesNotExist', serviceError('QueueDoesNotExist', 400)],
    ['InvalidMessageContents', serviceError('InvalidMessageContents', 400)],
    ['AccessDenied', serviceError('AccessDenied', 403)],
  ])('maps %s to QUEUE_ERROR, not transient', (_label, cause) => {
    const error = toQueueError(cause, url);
    expect(error).toMatchObject({ code: 'QUEUE_ERROR', transient: false, cause });
    expect(error.message).toContain(`SQS send to ${url} failed: ${cause.name}`);
  });
});

describe(isTransientAwsError.name, () => {
  it('is false for non-objects and for client errors without a transient sign', () => {
    expect(isTransientAwsError(undefined)).toBe(false);
    expect(isTransientAwsError(null)).toBe(false);
    expect(isTransientAwsError(serviceError('ValidationError', 400))).toBe(false);
  });

  it('stops following a cyclic cause chain', () => {
    const error: Error & { cause?: unknown } = new Error('loop');
    error.cause = error;
    expect(isTransientAwsError(error)).toBe(false);
  });
});
