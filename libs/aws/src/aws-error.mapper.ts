import { describeError, isMissingObjectError, isTransientAwsError } from './aws-error.classifier';
import { ObjectStoreError } from './object-store.error';
import { QueueError } from './queue.error';

/** Turns whatever S3 (or a body stream) threw into an ObjectStoreError; our own errors pass through. */
export function toObjectStoreError(error: unknown, action: string, bucket: string, key?: string): ObjectStoreError {
  if (error instanceof ObjectStoreError) return error;
  const target = key === undefined ? `bucket "${bucket}"` : `"${key}" in bucket "${bucket}"`;
  if (isMissingObjectError(error)) {
    return new ObjectStoreError('OBJECT_NOT_FOUND', `Object ${target} not found`, key, { cause: error });
  }
  const code = isTransientAwsError(error) ? 'STORAGE_UNAVAILABLE' : 'STORAGE_ERROR';
  return new ObjectStoreError(code, `S3 ${action} of ${target} failed: ${describeError(error)}`, key, { cause: error });
}

/** Turns whatever SQS threw into a QueueError; our own errors pass through. */
export function toQueueError(error: unknown, queueUrl: string, action = 'send to'): QueueError {
  if (error instanceof QueueError) return error;
  const code = isTransientAwsError(error) ? 'QUEUE_UNAVAILABLE' : 'QUEUE_ERROR';
  return new QueueError(code, `SQS ${action} ${queueUrl} failed: ${describeError(error)}`, queueUrl, { cause: error });
}
