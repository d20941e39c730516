import { DEV_ONLY_JWT_SECRET, EnvironmentValidationError, loadEnvironment } from '@app/config';
import { ApiEnvironment, parseJwtAudiences } from './api.environment';
import { loadApiConfig } from './api.config';
import { isExactOrigin, LOGIN_SERVICE_FALLBACK_SESSION_SECRET, parseCorsOrigins } from './web-client';

const minimal = {
  JWT_SECRET: 'a-secret-of-our-own-that-is-long-enough',
  SQS_REQUEST_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/graphnode-requests',
};

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadEnvironment(ApiEnvironment, env);
  } catch (error) {
    if (error instanceof EnvironmentValidationError) return error.problems;
    throw error;
  }
  return [];
}

describe(ApiEnvironment.name, () => {
  describe('MAX_UPLOAD_BYTES', () => {
    it('defaults to 1 GiB', () => {
      expect(loadEnvironment(ApiEnvironment, minimal).MAX_UPLOAD_BYTES).toBe(1024 ** 3);
    });

    it('takes several GiB, up to 8 GiB', () => {
      expect(loadEnvironment(ApiEnvironment, { ...minimal, MAX_UPLOAD_BYTES: String(6 * 1024 ** 3) }).MAX_UPLOAD_BYTES).toBe(6 * 1024 ** 3);
      expect(problemsOf({ ...minimal, MAX_UPLOAD_BYTES: String(8 * 1024 ** 3) })).toEqual([]);
    });

    it.each(['1023', String(8 * 1024 ** 3 + 1), '1.5', 'lots'])('refuses %s', (value) => {
      expect(problemsOf({ ...minimal, MAX_UPLOAD_BYTES: value }).join('\n')).toMatch(/MAX_UPLOAD_BYTES/);
    });
  });

  describe('token lifetime, issuer and audience', () => {
    it('defaults to a 7-day maximum lifetime, 30 s of clock tolerance, issuer and audience unchecked', () => {
      const api = loadEnvironment(ApiEnvironment, minimal);
      expect(api.JWT_MAX_TTL_SECONDS).toBe(604800);
      expect(api.JWT_CLOCK_TOLERANCE_SECONDS).toBe(30);
      expect(api.JWT_ISSUER).toBeUndefined();
      expect(api.JWT_AUDIENCE).toBeUndefined();
    });

    it('reads every variable, empty strings counting as unset', () => {
      const api = loadEnvironment(ApiEnvironment, {
        ...minimal,
        JWT_MAX_TTL_SECONDS: '3600',
        JWT_CLOCK_TOLERANCE_SECONDS: '0',
        JWT_ISSUER: 'https://auth.graphnode.example',
        JWT_AUDIENCE: '',
      });
      expect(api.JWT_MAX_TTL_SECONDS).toBe(3600);
      expect(api.JWT_CLOCK_TOLERANCE_SECONDS).toBe(0);
      expect(api.JWT_ISSUER).toBe('https://auth.graphnode.example');
      expect(api.JWT_AUDIENCE).toBeUndefined();
    });

    it.each([
      ['JWT_MAX_TTL_SECONDS', '59'],
      ['JWT_MAX_TTL_SECONDS', 'a week'],
      ['JWT_MAX_TTL_SECONDS', String(31 * 24 * 3600)],
      ['JWT_CLOCK_TOLERANCE_SECONDS', '-1'],
      ['JWT_CLOCK_TOLERANCE_SECONDS', '301'],
      ['JWT_AUDIENCE', ' , '],
    ])('names %s=%j as a problem', (variable, value) => {
      const problems = problemsOf({ ...minimal, [variable]: value });
      expect(problems.length).toBeGreaterThan(0);
      for (const problem of problems) expect(problem).toMatch(new RegExp(`^${variable} `));
    });

    it('splits JWT_AUDIENCE on commas, trimming and dropping empty entries', () => {
      expect(parseJwtAudiences(undefined)).toEqual([]);
      expect(parseJwtAudiences('graphnode-api')).toEqual(['graphnode-api']);
      expect(parseJwtAudiences(' graphnode-api, graphnode-sse ,,')).toEqual(['graphnode-api', 'graphnode-sse']);
    });
  });

  describe('the dev-only secret', () => {
    const withDevSecret = { ...minimal, JWT_SECRET: DEV_ONLY_JWT_SECRET };

    it.each(['development', 'test'])('is accepted with NODE_ENV=%s', (nodeEnv) => {
      expect(problemsOf({ ...withDevSecret, NODE_ENV: nodeEnv })).toEqual([]);
    });

    it.each([
      ['NODE_ENV=production', { NODE_ENV: 'production' }],
      ['NODE_ENV unset', {}],
      ['NODE_ENV empty', { NODE_ENV: '' }],
      ['NODE_ENV=staging', { NODE_ENV: 'staging' }],
    ])('is refused with %s, in one problem naming JWT_SECRET and not the secret itself', (_label, nodeEnv: Record<string, string>) => {
      const problems = problemsOf({ ...withDevSecret, ...nodeEnv });
      expect(problems).toEqual([expect.stringMatching(/^JWT_SECRET is the public dev-only secret/)]);
      expect(problems[0]).toContain('NODE_ENV');
      expect(problems[0]).not.toContain(DEV_ONLY_JWT_SECRET);
    });

    it('leaves any other secret alone in production', () => {
      expect(problemsOf({ ...minimal, NODE_ENV: 'production' })).toEqual([]);
    });

    it('is reported by loadApiConfig in the one error that names every other problem too', () => {
      let thrown: unknown;
      try {
        loadApiConfig({ JWT_SECRET: DEV_ONLY_JWT_SECRET, NODE_ENV: 'production', JWT_MAX_TTL_SECONDS: '10' });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(EnvironmentValidationError);
      const problems = (thrown as EnvironmentValidationError).problems;
      expect(problems).toContainEqual(expect.stringMatching(/^JWT_SECRET is the public dev-only secret/));
      for (const variable of ['JWT_MAX_TTL_SECONDS', 'SQS_REQUEST_QUEUE_URL', 'S3_PAYLOAD_BUCKET']) {
        expect(problems).toContainEqual(expect.stringContaining(variable));
      }
    });
  });

  describe('SESSION_SECRET', () => {
    it('is optional, and read when at least 32 characters', () => {
      expect(loadEnvironment(ApiEnvironment, minimal).SESSION_SECRET).toBeUndefined();
      expect(loadEnvironment(ApiEnvironment, { ...minimal, SESSION_SECRET: 's'.repeat(32), NODE_ENV: 'production' }).SESSION_SECRET).toBe('s'.repeat(32));
    });

    it('is refused when shorter than 32 characters', () => {
      expect(problemsOf({ ...minimal, SESSION_SECRET: 's'.repeat(31), NODE_ENV: 'production' })).toEqual(['SESSION_SECRET must be at least 32 characters']);
    });

    it.each(['development', 'test'])("accepts the login service's public fallback with NODE_ENV=%s", (nodeEnv) => {
      expect(problemsOf({ ...minimal, SESSION_SECRET: LOGIN_SERVICE_FALLBACK_SESSION_SECRET, NODE_ENV: nodeEnv })).toEqual([]);
    });

    it.each([
      ['NODE_ENV=production', { NODE_ENV: 'production' }],
      ['NODE_ENV unset', {}],
      ['NODE_ENV=staging', { NODE_ENV: 'staging' }],
    ])("refuses the login service's public fallback with %s, in one problem not naming the secret", (_label, nodeEnv: Record<string, string>) => {
      const problems = problemsOf({ ...minimal, SESSION_SECRET: LOGIN_SERVICE_FALLBACK_SESSION_SECRET, ...nodeEnv });
      expect(problems).toEqual([expect.stringMatching(/^SESSION_SECRET is the login service's public fallback secret/)]);
      expect(problems[0]).toContain('NODE_ENV');
      expect(problems[0]).not.toContain(LOGIN_SERVICE_FALLBACK_SESSION_SECRET);
    });
  });

  describe('GRAPH_RESTORE_WINDOW_SECONDS', () => {
    it('defaults to 30 days and reads a value from 60 s to 365 days', () => {
      expect(loadEnvironment(ApiEnvironment, minimal).GRAPH_RESTORE_WINDOW_SECONDS).toBe(30 * 86400);
      expect(loadEnvironment(ApiEnvironment, { ...minimal, GRAPH_RESTORE_WINDOW_SECONDS: '60' }).GRAPH_RESTORE_WINDOW_SECONDS).toBe(60);
      expect(loadEnvironment(ApiEnvironment, { ...minimal, GRAPH_RESTORE_WINDOW_SECONDS: String(365 * 86400) }).GRAPH_RESTORE_WINDOW_SECONDS).toBe(365 * 86400);
    });

    it.each(['59', String(365 * 86400 + 1), '1.5', 'a week'])('refuses %s', (value) => {
      const problems = problemsOf({ ...minimal, GRAPH_RESTORE_WINDOW_SECONDS: value });
      expect(problems.length).toBeGreaterThan(0);
      expect(problems.every((problem) => problem.startsWith('GRAPH_RESTORE_WINDOW_SECONDS'))).toBe(true);
    });
  });

  describe('CORS_ORIGINS', () => {
    it('is optional, and takes a comma-separated list of exact origins', () => {
      expect(loadEnvironment(ApiEnvironment, minimal).CORS_ORIGINS).toBeUndefined();
      const api = loadEnvironment(ApiEnvironment, { ...minimal, CORS_ORIGINS: 'https://app.graphnode.dev, http://localhost:5173,http://[::1]:8080' });
      expect(parseCorsOrigins(api.CORS_ORIGINS)).toEqual(['https://app.graphnode.dev', 'http://localhost:5173', 'http://[::1]:8080']);
      expect(parseCorsOrigins(undefined)).toEqual([]);
    });

    it.each([
      'https://app.graphnode.dev/',
      'https://app.graphnode.dev/app',
      'https://app.graphnode.dev?x=1',
      'https://user@app.graphnode.dev',
      'https://app.graphnode.dev:443',
      'https://App.graphnode.dev',
      'app.graphnode.dev',
      'ftp://app.graphnode.dev',
      '*',
      'null',
    ])('refuses %j, naming CORS_ORIGINS and the entry', (entry) => {
      expect(isExactOrigin(entry)).toBe(false);
      const problems = problemsOf({ ...minimal, CORS_ORIGINS: `http://localhost:5173,${entry}` });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^CORS_ORIGINS must be a comma-separated list of origins/);
      expect(problems[0]).toContain(JSON.stringify(entry));
    });

    it('refuses a list without any origin', () => {
      expect(problemsOf({ ...minimal, CORS_ORIGINS: ' , ' })).toEqual([expect.stringMatching(/^CORS_ORIGINS must be/)]);
    });
  });
});
