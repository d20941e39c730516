import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { DEFAULT_MAX_ATTEMPTS, type AwsOptions } from './aws.options';
import { resolveCredentials } from './resolve-credentials';

/** A dead endpoint should fail fast (and be retried) instead of hanging on the OS connect timeout. */
const CONNECTION_TIMEOUT_MS = 5_000;

/** Settings shared by both clients. Absent values are left out so the SDK applies its own defaults. */
function commonConfig(options: AwsOptions) {
  const credentials = resolveCredentials(options);
  const endpoint = emulatorEndpoint(options);
  return {
    region: options.region,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS },
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(credentials === undefined ? {} : { credentials }),
  };
}

export function s3ClientConfig(options: AwsOptions): S3ClientConfig {
  return {
    ...commonConfig(options),
    // Emulators serve buckets as paths, not as virtual-host subdomains.
    forcePathStyle: emulatorEndpoint(options) !== undefined,
    // Default CRC checksums break some S3-compatible stores; AWS itself does not need them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

/** The endpoint goes in code: left only in the environment, the SDK dials the host inside the queue URL. */
export function sqsClientConfig(options: AwsOptions): SQSClientConfig {
  return commonConfig(options);
}

export function createS3Client(options: AwsOptions): S3Client {
  return new S3Client(s3ClientConfig(options));
}

export function createSqsClient(options: AwsOptions): SQSClient {
  return new SQSClient(sqsClientConfig(options));
}

function emulatorEndpoint(options: AwsOptions): string | undefined {
  const endpoint = options.endpoint?.trim();
  return endpoint === undefined || endpoint === '' ? undefined : endpoint;
}
