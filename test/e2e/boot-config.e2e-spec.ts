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
});
