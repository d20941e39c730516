import { Logger } from '@nestjs/common';
import { ObjectStore, ObjectStoreError } from '@app/aws';
import { JobsRepository } from '@app/database';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ApiTestApp, bearer, bootApiTestApp, drainQueue, readProblem } from '../../test/api-test-app';
import { ApiExceptionFilter, RETRY_AFTER_SECONDS } from './api-exception.filter';

const EXPORT = readFileSync(resolve(__dirname, '../../../../libs/queue-contracts/test/fixtures/files/conversations.json'));

/** What node-postgres throws through drizzle when the server goes away (SQLSTATE 57P01). */
const databaseGone = () =>
  new Error('Failed query: select * from "jobs" where "user_id" = $1\nparams: filter-user-private', {
    cause: Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
  });

describe(ApiExceptionFilter.name, () => {
  let api: ApiTestApp;

  beforeAll(async () => {
    api = await bootApiTestApp('filter');
  });

  afterAll(async () => {
    await api?.close();
  });

  afterEach(() => jest.restoreAllMocks());

  it('answers 503 DATABASE_UNAVAILABLE with Retry-After while the database is down, logging no query parameters', async () => {
    jest.spyOn(api.app.get(JobsRepository), 'listForUser').mockRejectedValue(databaseGone());
    const warn = jest.spyOn(Logger.prototype, 'warn');

    const response = await fetch(`${api.base}/v1/jobs`, { headers: bearer('filter-user') });

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe(String(RETRY_AFTER_SECONDS));
    expect(await readProblem(response)).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE', detail: expect.stringContaining('database') as unknown, retryable: true });
    const logged = warn.mock.calls.map((call) => String(call[0])).join('\n');
    expect(logged).toContain('DATABASE_UNAVAILABLE');
    expect(logged).not.toContain('filter-user-private');
  });

  it('answers 503 STORAGE_UNAVAILABLE with Retry-After while S3 is down, and queues nothing', async () => {
    // The upload is streamed (putStream); small bundle files go through put.
    for (const method of ['put', 'putStream'] as const) {
      jest.spyOn(api.app.get(ObjectStore), method).mockRejectedValue(new ObjectStoreError('STORAGE_UNAVAILABLE', 'S3 put failed: ECONNREFUSED'));
    }

    const response = await fetch(`${api.base}/v1/graph-ai/test/generate-json`, {
      method: 'POST',
      headers: { ...bearer('filter-user'), 'Content-Type': 'application/json' },
      body: EXPORT,
    });

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe(String(RETRY_AFTER_SECONDS));
    expect(await readProblem(response)).toMatchObject({ status: 503, code: 'STORAGE_UNAVAILABLE', retryable: true });
    expect(await drainQueue(api.aws)).toEqual([]);
  });

  it('answers 500 INTERNAL_ERROR with a code for a bug', async () => {
    jest.spyOn(api.app.get(JobsRepository), 'listForUser').mockRejectedValue(new TypeError("Cannot read properties of undefined (reading 'rows')"));

    const response = await fetch(`${api.base}/v1/jobs`, { headers: bearer('filter-user') });

    expect(response.status).toBe(500);
    expect(response.headers.get('retry-after')).toBeNull();
    expect(await readProblem(response)).toMatchObject({ status: 500, code: 'INTERNAL_ERROR', detail: 'Something went wrong on our side.', retryable: false });
  });

  it('keeps the status and code of other HTTP errors', async () => {
    const response = await fetch(`${api.base}/v1/jobs/task_nobody_1`, { headers: bearer('filter-user') });

    expect(response.status).toBe(404);
    expect(response.headers.get('retry-after')).toBeNull();
    expect(await readProblem(response)).toMatchObject({ status: 404, code: 'JOB_NOT_FOUND', retryable: false });
  });
});
