import { type ClassConstructor } from 'class-transformer';
import { EnvironmentValidationError } from './environment-validation.error';
import { type Environment, loadEnvironment } from './load-environment';

export type ConfigGroups = Record<string, ClassConstructor<object>>;
export type LoadedConfig<G extends ConfigGroups> = { readonly [K in keyof G]: InstanceType<G[K]> };

/**
 * Validates several config groups (each owned by the lib or app that reads it)
 * against one environment and reports the problems of all groups together.
 */
export function loadConfig<G extends ConfigGroups>(groups: G, env: Environment): LoadedConfig<G> {
  const problems: string[] = [];
  const loaded: Record<string, object> = {};
  for (const [name, schema] of Object.entries(groups)) {
    try {
      loaded[name] = loadEnvironment(schema, env);
    } catch (error) {
      if (!(error instanceof EnvironmentValidationError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new EnvironmentValidationError([...new Set(problems)]);
  return loaded as LoadedConfig<G>;
}
