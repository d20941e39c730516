import { createTestAwsResources, TEST_CREDENTIALS, TEST_REGION, type TestAwsResources } from './test-aws';
import { freePort } from './free-port';
import { NodeProcess } from './node-process';
import { createTestDatabase } from './test-postgres';
import { reachableRedisUrl } from './test-redis';

export interface Pipeline {
  /** The api's base URL, `http://<host>:<port>`. */
  readonly base: string;
  readonly aws: TestAwsResources;
  /** AI simulator, then api and worker (or the one embedded api+worker process). */
  readonly processes: readonly NodeProcess[];
  /** SIGTERM to every process; their exit codes. */
  stop(): Promise<(number | null)[]>;
  /** Stops what is still running and drops the queues, bucket and database. */
  destroy(): Promise<void>;
}

export interface PipelineOptions {
  /** Variables for the api only (JWT_SECRET is required). */
  readonly api: Record<string, string>;
  /** The host the api binds and `base` names; 127.0.0.1 unless a test needs a host name (a browser's cookies). */
  readonly host?: string;
}

/**
 * The whole pipeline as it runs in production: api, worker and the AI
 * simulator as separate compiled processes (`npm run build` first) over real
 * Postgres, Redis and the SQS/S3 emulator. Without Postgres and Redis (outside
 * CI) it runs the embedded default instead: api and worker in one process over
 * PGlite.
 */
export async function startPipeline(name: string, options: PipelineOptions): Promise<Pipeline> {
  const aws = await createTestAwsResources(name);
  const database = await createTestDatabase(name);
  const redisUrl = await reachableRedisUrl();
  const port = await freePort();
  const host = options.host ?? '127.0.0.1';
  const base = `http://${host}:${port}`;
  const shared = {
    AWS_ENDPOINT_URL: aws.endpoint,
    AWS_REGION: TEST_REGION,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    S3_PAYLOAD_BUCKET: aws.bucket,
    SQS_REQUEST_QUEUE_URL: aws.requestQueueUrl,
    SQS_RESULT_QUEUE_URL: aws.resultQueueUrl,
  };
  const api = { ...shared, PORT: String(port), HOST: host === 'localhost' ? '127.0.0.1' : host, WORKER_WAIT_TIME_SECONDS: '1', ...options.api };
  const processes = [new NodeProcess('ai-simulator', 'dist/apps/ai-simulator/apps/ai-simulator/src/main.js', { ...shared, AI_SIMULATOR_STEP_DELAY_MS: '50' })];
  if (database && redisUrl) {
    const services = { DATABASE_URL: database.url, REDIS_URL: redisUrl };
    processes.push(new NodeProcess('api', 'dist/apps/api/apps/api/src/main.js', { ...api, ...services }));
    processes.push(new NodeProcess('worker', 'dist/apps/worker/apps/worker/src/main.js', { ...shared, ...services, WORKER_WAIT_TIME_SECONDS: '1' }));
  } else {
    processes.push(new NodeProcess('api+worker', 'dist/apps/local/apps/local/src/main.js', api));
  }
  const stop = () => Promise.all(processes.map((child) => child.stop()));
  const destroy = async () => {
    await stop();
    aws.destroy();
    await database?.drop();
  };
  try {
    await processes[1].waitForHttp(`http://127.0.0.1:${port}/health/ready`);
    if (processes[2]) await processes[2].waitForOutput(/worker consuming/);
  } catch (error) {
    await destroy();
    throw error;
  }
  return { base, aws, processes, stop, destroy };
}
