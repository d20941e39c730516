import { AwsEnvironment } from '@app/aws';
import { type Environment, loadConfig, RuntimeEnvironment } from '@app/config';
import { DatabaseEnvironment } from '@app/database';
import { ApiEnvironment } from './api.environment';

export const API_CONFIG_GROUPS = {
  runtime: RuntimeEnvironment,
  aws: AwsEnvironment,
  database: DatabaseEnvironment,
  api: ApiEnvironment,
};

export type ApiConfig = ReturnType<typeof loadApiConfig>;

export function loadApiConfig(env: Environment) {
  return loadConfig(API_CONFIG_GROUPS, env);
}
