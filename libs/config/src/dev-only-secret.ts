/**
 * The JWT signing secret of the local run (`npm start`, `npm run token`). It is
 * public (it is in this repository), so the api refuses to boot with it unless
 * NODE_ENV is `development` or `test` (ApiEnvironment.crossCheck).
 *
 * scripts/dev-token.mjs holds the only other copy, because it is plain Node and
 * runs before anything is built; dev-only-secret.spec.ts keeps the two equal.
 */
export const DEV_ONLY_JWT_SECRET = 'dev-only-local-jwt-secret-do-not-use-in-production';

/** The NODE_ENV values the dev-only secret is accepted with; unset counts as neither. */
export const DEV_ONLY_SECRET_ENVIRONMENTS: readonly string[] = ['development', 'test'];
