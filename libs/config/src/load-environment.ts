import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { EnvironmentValidationError } from './environment-validation.error';

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Validates the environment against a class-validator class, once, at boot.
 * Empty strings count as unset, so `FOO=` never smuggles an empty value in.
 * A schema's optional `crossCheck(env)` adds problems that span variables; it
 * is given the same environment (empty strings left out), so it can also read
 * a variable another group owns and validates (the api reads NODE_ENV).
 * Throws EnvironmentValidationError naming every missing or malformed variable.
 */
export function loadEnvironment<T extends object>(schema: ClassConstructor<T>, env: Environment): T {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const config = plainToInstance(schema, present, { exposeDefaultValues: true, excludeExtraneousValues: false });
  const errors = validateSync(config, { whitelist: true, forbidUnknownValues: true });
  const problems = errors.flatMap(describe);
  const crossChecks = (config as { crossCheck?: (env: Environment) => string[] }).crossCheck?.(present) ?? [];
  problems.push(...crossChecks);
  if (problems.length > 0) throw new EnvironmentValidationError(problems);
  return config;
}

function describe(error: ValidationError): string[] {
  const own = Object.values(error.constraints ?? {}).map((message) =>
    message.startsWith(error.property) ? message : `${error.property}: ${message}`,
  );
  return [...own, ...(error.children ?? []).flatMap(describe)];
}
