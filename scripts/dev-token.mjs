// Prints a development JWT (HS256, sub=userId, 24 h) for the local run.
// Uses only node:crypto so it works before `npm ci` and outside Nest.
//   node scripts/dev-token.mjs [userId]      (JWT_SECRET from the environment)
import { createHmac } from 'node:crypto';
import { pathToFileURL } from 'node:url';

/**
 * Dev-only signing secret used by the local run; the api refuses to boot with it
 * unless NODE_ENV is development or test. The source of truth is
 * libs/config/src/dev-only-secret.ts (this script runs before any build, so it
 * keeps a copy); libs/config/src/dev-only-secret.spec.ts fails if the two differ.
 */
export const DEV_ONLY_JWT_SECRET = 'dev-only-local-jwt-secret-do-not-use-in-production';
export const DEV_USER_ID = 'dev-user';

const base64url = (value) => Buffer.from(value).toString('base64url');

/** Signs an HS256 JWT with `sub`, `iat` and `exp` (default lifetime 24 h). */
export function signDevToken(userId, secret, { nowSeconds = Math.floor(Date.now() / 1000), ttlSeconds = 24 * 3600 } = {}) {
  if (!userId) throw new Error('signDevToken: userId is required');
  if (!secret) throw new Error('signDevToken: secret is required');
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const claims = base64url(JSON.stringify({ sub: userId, iat: nowSeconds, exp: nowSeconds + ttlSeconds }));
  const signature = createHmac('sha256', secret).update(`${header}.${claims}`).digest('base64url');
  return `${header}.${claims}.${signature}`;
}

const isCli = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isCli) {
  const userId = process.argv[2] ?? DEV_USER_ID;
  let secret = process.env.JWT_SECRET;
  if (!secret) {
    secret = DEV_ONLY_JWT_SECRET;
    process.stderr.write('dev-token: JWT_SECRET is not set; signing with the local run\'s dev-only secret\n');
  }
  process.stdout.write(`${signDevToken(userId, secret)}\n`);
}
