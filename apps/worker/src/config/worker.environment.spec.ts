import { EnvironmentValidationError, loadEnvironment } from '@app/config';
import { WorkerEnvironment } from './worker.environment';

const minimal = { SQS_RESULT_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/graphnode-results' };

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadEnvironment(WorkerEnvironment, env);
  } catch (error) {
    if (error instanceof EnvironmentValidationError) return error.problems;
    throw error;
  }
  return [];
}

describe(WorkerEnvironment.name, () => {
  describe('retention', () => {
    it('defaults to deleting job files at once, 30 days of events and late results, a sweep a minute', () => {
      const worker = loadEnvironment(WorkerEnvironment, minimal);
      expect(worker.WORKER_JOB_FILES_RETENTION_SECONDS).toBe(0);
      expect(worker.WORKER_EVENT_RETENTION_DAYS).toBe(30);
      expect(worker.WORKER_LATE_RESULT_RETENTION_DAYS).toBe(30);
      expect(worker.WORKER_RETENTION_SWEEP_INTERVAL_MS).toBe(60_000);
    });

    it('reads every variable', () => {
      const worker = loadEnvironment(WorkerEnvironment, {
        ...minimal,
        WORKER_JOB_FILES_RETENTION_SECONDS: '86400',
        WORKER_EVENT_RETENTION_DAYS: '7',
        WORKER_LATE_RESULT_RETENTION_DAYS: '90',
        WORKER_RETENTION_SWEEP_INTERVAL_MS: '300000',
      });
      expect(worker).toMatchObject({
        WORKER_JOB_FILES_RETENTION_SECONDS: 86400,
        WORKER_EVENT_RETENTION_DAYS: 7,
        WORKER_LATE_RESULT_RETENTION_DAYS: 90,
        WORKER_RETENTION_SWEEP_INTERVAL_MS: 300_000,
      });
    });

    it.each([
      ['WORKER_JOB_FILES_RETENTION_SECONDS', '-1'],
      ['WORKER_JOB_FILES_RETENTION_SECONDS', 'a day'],
      ['WORKER_JOB_FILES_RETENTION_SECONDS', String(366 * 24 * 3600)],
      ['WORKER_EVENT_RETENTION_DAYS', '0'],
      ['WORKER_EVENT_RETENTION_DAYS', '1.5'],
      ['WORKER_LATE_RESULT_RETENTION_DAYS', '0'],
      ['WORKER_LATE_RESULT_RETENTION_DAYS', '3651'],
      ['WORKER_RETENTION_SWEEP_INTERVAL_MS', '999'],
      ['WORKER_RETENTION_SWEEP_INTERVAL_MS', String(86_400_001)],
    ])('refuses %s=%s', (name, value) => {
      const problems = problemsOf({ ...minimal, [name]: value });
      expect(problems.length).toBeGreaterThan(0);
      for (const problem of problems) expect(problem).toMatch(new RegExp(`^${name} `));
    });

    it('lists every bad retention variable in one message', () => {
      const problems = problemsOf({ ...minimal, WORKER_EVENT_RETENTION_DAYS: '0', WORKER_LATE_RESULT_RETENTION_DAYS: 'never' });
      expect(new Set(problems.map((problem) => problem.split(' ')[0]))).toEqual(new Set(['WORKER_EVENT_RETENTION_DAYS', 'WORKER_LATE_RESULT_RETENTION_DAYS']));
    });
  });
});
