import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { JwtService } from '@nestjs/jwt';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { type AddressInfo } from 'node:net';
import { type Environment } from '@app/config';
import { createTestAwsResources, TEST_CREDENTIALS, type TestAwsResources } from '../../../test/support/test-aws';
import { createTestDatabase } from '../../../test/support/test-postgres';
import { ApiAppModule } from '../src/api-app.module';
import { createApiApp } from '../src/api-bootstrap';
import { type ProblemDocument } from '../src/http/api-exception.filter';
import { type ApiConfig, loadApiConfig } from '../src/config/api.config';

export const JWT_SECRET = 'api-int-spec-secret-that-is-long-enough';
export const MAX_UPLOAD_BYTES = 65536;
export const HEARTBEAT_MS = 1000;

/**
 * Signs HS256 tokens with the api's secret (or another one, for negative tests).
 * The api requires `exp`, so one an hour away is added unless `claims` has one.
 */
export function signToken(claims: Record<string, unknown>, secret = JWT_SECRET): string {
  const exp = 'exp' in claims ? {} : { exp: Math.floor(Date.now() / 1000) + 3600 };
  return new JwtService({ secret }).sign({ ...claims, ...exp });
}

export function tokenFor(userId: string): string {
  return signToken({ sub: userId });
}

export function bearer(userId: string): Record<string, string> {
  return { Authorization: `Bearer ${tokenFor(userId)}` };
}

export interface ApiTestApp {
  readonly app: NestExpressApplication;
  readonly config: ApiConfig;
  readonly aws: TestAwsResources;
  /** http://127.0.0.1:<port> */
  readonly base: string;
  /** 'postgres' when a real server was reachable, else 'pglite' (in memory). */
  readonly driver: 'postgres' | 'pglite';
  close(): Promise<void>;
}

export interface BootOptions {
  /** Reuse these emulator resources (the caller destroys them); otherwise fresh ones are made and destroyed on close. */
  readonly aws?: TestAwsResources;
  /** Variables that override the defaults below. */
  readonly env?: Environment;
}

/** The real api (ApiAppModule + createApiApp) listening on a random loopback port. */
export async function bootApiTestApp(label: string, options: BootOptions = {}): Promise<ApiTestApp> {
  const aws = options.aws ?? (await createTestAwsResources(`api-${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`));
  const database = await createTestDatabase(`api_${label}`);
  const config = loadApiConfig({
    JWT_SECRET,
    SQS_REQUEST_QUEUE_URL: aws.requestQueueUrl,
    S3_PAYLOAD_BUCKET: aws.bucket,
    AWS_ENDPOINT_URL: aws.endpoint,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_MAX_ATTEMPTS: '1',
    SSE_HEARTBEAT_MS: String(HEARTBEAT_MS),
    MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES),
    LOG_LEVEL: 'fatal',
    ...(database ? { DATABASE_URL: database.url, DATABASE_POOL_SIZE: '4' } : {}),
    ...options.env,
  });
  const app = await createApiApp(ApiAppModule.forRoot(config), config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    config,
    aws,
    base: `http://127.0.0.1:${port}`,
    driver: database ? 'postgres' : 'pglite',
    async close() {
      await app.close();
      await database?.drop();
      if (!options.aws) aws.destroy();
    },
  };
}

/**
 * Every message currently on the queue (each ReceiveMessage waits up to 1 s),
 * deleted after reading so later tests start from an empty queue.
 */
export async function drainQueue(aws: TestAwsResources, queueUrl = aws.requestQueueUrl): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const received = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    const messages = received.Messages ?? [];
    if (messages.length === 0) return bodies;
    for (const message of messages) {
      bodies.push(message.Body ?? '');
      await aws.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
}

/** An error answer as the api sends it (application/problem+json, see ApiExceptionFilter); field problems are sentences. */
export type ProblemBody = ProblemDocument & { readonly errors?: string[] };

/**
 * The body of an error answer, after checking that it is problem+json, that
 * `type`, `title` and `status` agree with its code and HTTP status, and that
 * X-Correlation-Id repeats its correlationId.
 */
export async function readProblem(response: Response): Promise<ProblemBody> {
  const contentType = response.headers.get('content-type') ?? '';
  if (!contentType.startsWith('application/problem+json')) {
    throw new Error(`expected application/problem+json, got ${contentType || 'no Content-Type'} (${response.status}: ${await response.text()})`);
  }
  const body = (await response.json()) as ProblemBody;
  const expected = {
    type: `https://graphnode.dev/problems/${body.code.toLowerCase().replace(/_/g, '-')}`,
    title: body.code.replace(/_/g, ' '),
    status: response.status,
    correlationId: response.headers.get('x-correlation-id'),
  };
  const actual = { type: body.type, title: body.title, status: body.status, correlationId: body.correlationId };
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`inconsistent problem: ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`);
  }
  return body;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
