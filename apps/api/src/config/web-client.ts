import { DEV_ONLY_SECRET_ENVIRONMENTS, type Environment } from '@app/config';
import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * The cookie-parser secret the login service falls back to when its own
 * SESSION_SECRET is unset. It is public, so a cookie signed with it proves
 * nothing: the api accepts it only with NODE_ENV development or test
 * (ApiEnvironment.crossCheck), like the dev-only JWT secret.
 */
export const LOGIN_SERVICE_FALLBACK_SESSION_SECRET = 'dev-secret-change-me';

/** SESSION_SECRET's problems that depend on NODE_ENV (the length rule is the field's own). */
export function sessionSecretProblems(secret: string | undefined, env: Environment): string[] {
  if (secret !== LOGIN_SERVICE_FALLBACK_SESSION_SECRET || DEV_ONLY_SECRET_ENVIRONMENTS.includes(env.NODE_ENV ?? '')) return [];
  return [
    `SESSION_SECRET is the login service's public fallback secret; it is accepted only with NODE_ENV=${DEV_ONLY_SECRET_ENVIRONMENTS.join(' or ')}` +
      ` (NODE_ENV is ${env.NODE_ENV === undefined ? 'unset' : JSON.stringify(env.NODE_ENV)}); set the login service's real secret`,
  ];
}

/** CORS_ORIGINS as a list: split on commas, trimmed, empty entries dropped; unset = []. */
export function parseCorsOrigins(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin.length > 0);
}

/**
 * Whether `entry` is an origin exactly as a browser sends it in `Origin`:
 * http or https, a host, a port only when it is not the scheme's default, no
 * path (not even `/`), query, fragment or credentials, host in lower case. An
 * entry a browser would never send could never match, so it is refused at boot.
 */
export function isExactOrigin(entry: string): boolean {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === entry;
}

/** The entries of a CORS_ORIGINS value that are not exact origins. */
export function invalidCorsOrigins(value: string): string[] {
  return parseCorsOrigins(value).filter((entry) => !isExactOrigin(entry));
}

/** A comma-separated list of at least one exact origin (see isExactOrigin). */
export function IsOriginList(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isOriginList',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && parseCorsOrigins(value).length > 0 && invalidCorsOrigins(value).length === 0,
        defaultMessage: (args) => {
          const bad = typeof args?.value === 'string' ? invalidCorsOrigins(args.value) : [];
          return (
            `${args?.property ?? 'value'} must be a comma-separated list of origins (scheme://host[:port], http or https, no path or trailing slash, lower case)` +
            (bad.length > 0 ? `; not origins: ${bad.map((entry) => JSON.stringify(entry)).join(', ')}` : '')
          );
        },
      },
    },
    options,
  );
}
