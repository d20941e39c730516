import { NestFactory } from '@nestjs/core';
import { createLogger } from '@app/config';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { type ApiConfig } from './config/api.config';
import { parseCorsOrigins } from './config/web-client';
import { useWebClientCors } from './http/cors';
import { ApiExpressAdapter } from './http/api-express-adapter';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { useJsonBodies } from './http/json-body';
import { listenForJobEventNotices } from './notifications/job-event-notices';
import { createValidationPipe } from './http/validation.pipe';

/**
 * Creates the api as a hybrid app: HTTP plus, when REDIS_URL is set, the Redis
 * transport on which the worker's job-event notices arrive. Nest's body parser is replaced
 * by the JSON gate: uploads read their bodies raw (size-bounded, stored as sent), other
 * routes get small JSON bodies. The HTTP server bounds how long a client may take to send
 * a request (HTTP_REQUEST_TIMEOUT_MS), and app.close() cuts requests still in flight after
 * half the shutdown budget, so a stalled upload can neither hold a connection nor the shutdown.
 * CORS comes first, so every answer to the web app's origins (the gate's 4xx included) carries it.
 */
export async function createApiApp(module: unknown, config: Pick<ApiConfig, 'runtime' | 'api'>): Promise<NestExpressApplication> {
  const adapter = new ApiExpressAdapter({
    requestTimeoutMs: config.api.HTTP_REQUEST_TIMEOUT_MS,
    shutdownGraceMs: Math.floor(config.runtime.SHUTDOWN_TIMEOUT_MS / 2),
  });
  const app = await NestFactory.create<NestExpressApplication>(module as never, adapter, {
    bodyParser: false,
    logger: createLogger(config.runtime),
    abortOnError: false,
  });
  app.disable('x-powered-by');
  useWebClientCors(app, parseCorsOrigins(config.api.CORS_ORIGINS));
  useJsonBodies(app);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());
  if (config.runtime.REDIS_URL) {
    listenForJobEventNotices(app, config.runtime.REDIS_URL, config.runtime.JOB_EVENTS_NAMESPACE);
    await app.startAllMicroservices();
  }
  return app;
}

