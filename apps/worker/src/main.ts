import 'reflect-metadata';
import { bootOrExit, createLogger, exitOnSignals } from '@app/config';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadWorkerConfig } from './config/worker.config';
import { WorkerAppModule } from './worker-app.module';

bootOrExit('worker', async () => {
  const config = loadWorkerConfig(process.env);
  const app = await NestFactory.createApplicationContext(WorkerAppModule.forRoot(config), {
    logger: createLogger(config.runtime),
    abortOnError: false,
  });
  await app.init();
  new Logger('Bootstrap').log(`worker consuming ${config.worker.SQS_RESULT_QUEUE_URL}`);
  exitOnSignals(app, config.runtime.SHUTDOWN_TIMEOUT_MS, (message) => new Logger('Shutdown').log(message));
});
