import { NestFactory } from '@nestjs/core';
import { createLogger } from '@app/config';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { type ApiConfig } from './config/api.config';
import { useJsonBodies } from './http/json-body';
import { listenForJobEventNotices } from './notifications/job-event-notices';
import { createValidationPipe } from './http/validation.pipe';

/**
 * Creates the api as a hybrid app: HTTP plus, when REDIS_URL is set, the Redis
 * transport on which the worker's job-event notices arrive. Nest's body parser is replaced:
 * uploads read their bodies raw (size-bounded, stored as sent), other routes get
 * small JSON bodies.
 */
export async function createApiApp(module: unknown, config: Pick<ApiConfig, 'runtime'>): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module as never, {
    bodyParser: false,
    logger: createLogger(config.runtime),
    abortOnError: false,
  });
  app.disable('x-powered-by');
  useJsonBodies(app);
  app.useGlobalPipes(createValidationPipe());
  if (config.runtime.REDIS_URL) {
    listenForJobEventNotices(app, config.runtime.REDIS_URL, config.runtime.JOB_EVENTS_NAMESPACE);
    await app.startAllMicroservices();
  }
  return app;
}

