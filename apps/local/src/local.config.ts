import { type Environment, loadConfig } from '@app/config';
import { API_CONFIG_GROUPS } from '../../api/src/config/api.config';
import { WORKER_CONFIG_GROUPS } from '../../worker/src/config/worker.config';

export type LocalConfig = ReturnType<typeof loadLocalConfig>;

/** The api's and the worker's variables together, validated in one pass. */
export function loadLocalConfig(env: Environment) {
  return loadConfig({ ...API_CONFIG_GROUPS, ...WORKER_CONFIG_GROUPS }, env);
}
