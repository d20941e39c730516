import 'reflect-metadata';
import { AwsEnvironment, QueueAdmin, toAwsOptions } from '@app/aws';
import { loadConfig } from '@app/config';
import { WorkerEnvironment } from '../config/worker.environment';
import { runDeadLetterCommand } from './dead-letter.command';
import { DeadLetterService } from './dead-letter.service';

/** Lists dead letters of the result queue or moves them back; reads the worker's AWS and queue variables. */
async function main(): Promise<number> {
  const config = loadConfig({ aws: AwsEnvironment, worker: WorkerEnvironment }, process.env);
  const admin = new QueueAdmin(toAwsOptions(config.aws));
  try {
    const service = new DeadLetterService(admin, config.worker.SQS_RESULT_QUEUE_URL);
    return await runDeadLetterCommand(process.argv.slice(2), service, (line) => process.stdout.write(`${line}\n`));
  } finally {
    admin.onApplicationShutdown();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`dead-letters: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
