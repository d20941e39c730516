import 'reflect-metadata';
import { bootOrExit, createLogger, exitOnSignals, loadConfig, RuntimeEnvironment } from '@app/config';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AiSimulatorModule } from './ai-simulator.module';
import { AiSimulatorConfig } from './config/ai-simulator.config';

/** The AI simulator: a stand-in for the Python AI server, for local runs and tests only. */
bootOrExit('ai-simulator', async () => {
  const { simulator: config, runtime } = loadConfig({ simulator: AiSimulatorConfig, runtime: RuntimeEnvironment }, process.env);
  // LOG_LEVEL as every process reads it; LOG_FORMAT from the simulator's own config (pretty by default).
  const logger = createLogger({ LOG_FORMAT: config.LOG_FORMAT, LOG_LEVEL: runtime.LOG_LEVEL });
  const app = await NestFactory.createApplicationContext(AiSimulatorModule.forRoot(config), { logger, abortOnError: false });
  const log = new Logger('AiSimulator');
  const failing = config.AI_SIMULATOR_FAILURE ? `, failing every job with ${config.AI_SIMULATOR_FAILURE}` : '';
  log.log(`ready${failing}`);
  exitOnSignals(app, 15000, (message) => log.log(message));
  const queue = config.SQS_REQUEST_QUEUE_URL.slice(config.SQS_REQUEST_QUEUE_URL.lastIndexOf('/') + 1);
  return { 'AI simulator': `consuming ${queue}${failing}` };
});
