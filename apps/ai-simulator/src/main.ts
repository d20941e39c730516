import 'reflect-metadata';
import { bootOrExit, exitOnSignals, loadEnvironment } from '@app/config';
import { ConsoleLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AiSimulatorModule } from './ai-simulator.module';
import { AiSimulatorConfig } from './config/ai-simulator.config';

/** The AI simulator: a stand-in for the Python AI server, for local runs and tests only. */
bootOrExit('ai-simulator', async () => {
  const config = loadEnvironment(AiSimulatorConfig, process.env);
  const logger = new ConsoleLogger('AiSimulator', { json: config.LOG_FORMAT === 'json' });
  const app = await NestFactory.createApplicationContext(AiSimulatorModule.forRoot(config), { logger, abortOnError: false });
  logger.log(`ready${config.AI_SIMULATOR_FAILURE ? `, failing every job with ${config.AI_SIMULATOR_FAILURE}` : ''}`);
  exitOnSignals(app, 15000, (message) => logger.log(message));
});
