import { DEV_ONLY_JWT_SECRET } from '@app/config';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { REPO_ROOT } from '../support/node-process';

/** Runs a compiled entry point with exactly `env` and returns how it ended. */
function boot(entry: string, env: Record<string, string>) {
  const result = spawnSync(process.execPath, [resolve(REPO_ROOT, entry)], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 20000,
  });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

describe('configuration at boot', () => {
  it.each([
    ['api', 'dist/apps/api/apps/api/src/main.js', ['JWT_SECRET', 'SQS_REQUEST_QUEUE_URL', 'S3_PAYLOAD_BUCKET']],
    ['worker', 'dist/apps/worker/apps/worker/src/main.js', ['SQS_RESULT_QUEUE_URL', 'S3_PAYLOAD_BUCKET']],
  ])('the %s exits 1 with one message naming every missing variable', (_name, entry, missing) => {
    const { status, stderr, stdout } = boot(entry, {});
    expect(status).toBe(1);
    expect(stdout).toBe('');
    for (const variable of missing) expect(stderr).toContain(variable);
    expect(stderr.match(/Invalid configuration/g)).toHaveLength(1);
  });

  it('names malformed values and a half-set key pair together', () => {
    const { status, stderr } = boot('dist/apps/api/apps/api/src/main.js', {
      JWT_SECRET: 'short',
      SQS_REQUEST_QUEUE_URL: 'not a url',
      S3_PAYLOAD_BUCKET: 'Bad_Bucket',
      PORT: 'eighty',
      AWS_ACCESS_KEY_ID: 'only-one-key',
      REDIS_URL: 'http://127.0.0.1:6379',
    });
    expect(status).toBe(1);
    for (const variable of ['JWT_SECRET', 'SQS_REQUEST_QUEUE_URL', 'S3_PAYLOAD_BUCKET', 'PORT', 'AWS_SECRET_ACCESS_KEY', 'REDIS_URL']) {
      expect(stderr).toContain(variable);
    }
    expect(stderr).not.toContain('only-one-key');
    expect(stderr).not.toContain('short');
  });

  describe('the dev-only JWT secret (npm start signs with it; it is public)', () => {
    const API = 'dist/apps/api/apps/api/src/main.js';
    const valid = {
      JWT_SECRET: DEV_ONLY_JWT_SECRET,
      SQS_REQUEST_QUEUE_URL: 'http://127.0.0.1:1/000000000000/graphnode-requests',
      S3_PAYLOAD_BUCKET: 'graphnode-payloads',
    };

    it.each([
      ['NODE_ENV=production', { NODE_ENV: 'production' }],
      ['NODE_ENV unset', {}],
    ])('makes the api exit 1 with %s, in one message naming JWT_SECRET', (_label, nodeEnv: Record<string, string>) => {
      const { status, stderr, stdout } = boot(API, { ...valid, ...nodeEnv });
      expect(status).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^api: Invalid configuration \(1 problem\):\n {2}- JWT_SECRET is the public dev-only secret/);
      expect(stderr).not.toContain(DEV_ONLY_JWT_SECRET);
    });

    it('is no problem with NODE_ENV=development (the api then only misses what is really missing)', () => {
      const { status, stderr } = boot(API, { ...valid, NODE_ENV: 'development', S3_PAYLOAD_BUCKET: '' });
      expect(status).toBe(1);
      expect(stderr).toContain('S3_PAYLOAD_BUCKET');
      expect(stderr).not.toContain('JWT_SECRET');
    });
  });
});
