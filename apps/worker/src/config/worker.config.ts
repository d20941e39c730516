import { AwsEnvironment } from '@app/aws';
import { type Environment, loadConfig, RuntimeEnvironment } from '@app/config';
import { DatabaseEnvironment } from '@app/database';
import { WorkerEnvironment } from './worker.environment';

export const WORKER_CONFIG_GROUPS = {
  runtime: RuntimeEnvironment,
  aws: AwsEnvironment,
  database: DatabaseEnvironment,
  worker: WorkerEnvironment,
};

export type WorkerConfig = ReturnType<typeof loadWorkerConfig>;

export function loadWorkerConfig(env: Environment) {
  return loadConfig(WORKER_CONFIG_GROUPS, env);
}
