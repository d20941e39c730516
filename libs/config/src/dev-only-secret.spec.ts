import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEV_ONLY_JWT_SECRET } from './dev-only-secret';

/** scripts/dev-token.mjs is plain Node ESM; it is imported by a real `node`, not through Jest's transform. */
const DEV_TOKEN_SCRIPT = resolve(__dirname, '../../../scripts/dev-token.mjs');

function runNode(args: string[], env: Record<string, string> = {}): string {
  return execFileSync(process.execPath, args, { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('DEV_ONLY_JWT_SECRET', () => {
  it('equals the constant scripts/dev-token.mjs exports (the copy the local run signs with)', () => {
    const script = `const m = await import(${JSON.stringify(pathToFileURL(DEV_TOKEN_SCRIPT).href)}); process.stdout.write(JSON.stringify(m.DEV_ONLY_JWT_SECRET));`;
    expect(JSON.parse(runNode(['--input-type=module', '-e', script]))).toBe(DEV_ONLY_JWT_SECRET);
  });

  it('is what `npm run token` signs with when JWT_SECRET is unset', () => {
    const [header, claims, signature] = runNode([DEV_TOKEN_SCRIPT, 'someone']).trim().split('.');
    expect(signature).toBe(createHmac('sha256', DEV_ONLY_JWT_SECRET).update(`${header}.${claims}`).digest('base64url'));
    expect(JSON.parse(Buffer.from(claims ?? '', 'base64url').toString())).toMatchObject({ sub: 'someone' });
  });

  it('passes the JWT_SECRET length rule, so refusing it outside development is its own, single problem', () => {
    expect(DEV_ONLY_JWT_SECRET.length).toBeGreaterThanOrEqual(32);
  });
});
