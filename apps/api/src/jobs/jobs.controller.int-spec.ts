import { JobsRepository } from '@app/database';
import { JobLedger } from '@app/job-events';
import { type ApiTestApp, bearer, bootApiTestApp, readProblem } from '../../test/api-test-app';
import { MAX_TASK_ID_LENGTH, newTaskId } from '../graph-ai/task-id';
import { type JobView } from './job.view';
import { JobsController } from './jobs.controller';

describe(JobsController.name, () => {
  let api: ApiTestApp;
  let jobs: JobsRepository;
  const get = (userId: string, path: string) => fetch(`${api.base}${path}`, { headers: bearer(userId) });

  beforeAll(async () => {
    api = await bootApiTestApp('jobs');
    jobs = api.app.get(JobsRepository);
    const base = Date.parse('2026-01-01T00:00:00.000Z');
    for (const [index, taskId] of ['task_ann_1', 'task_ann_2', 'task_ann_3'].entries()) {
      await jobs.create({
        taskId,
        userId: 'ann',
        kind: 'GRAPH_GENERATION',
        status: 'QUEUED',
        inputKey: `graph-generation/${taskId}/`,
        createdAt: new Date(base + index * 60_000),
        updatedAt: new Date(base + index * 60_000),
      });
    }
    await jobs.create({ taskId: 'task_ben_1', userId: 'ben', kind: 'GRAPH_GENERATION', status: 'QUEUED', inputKey: 'graph-generation/task_ben_1/' });
    await api.app.get(JobLedger).advance('task_ann_2', ['QUEUED'], { status: 'RUNNING', progressStage: 'clustering', progressPercent: 40, etaSeconds: 12, startedAt: new Date(base + 90_000) }, () => ({
      type: 'GRAPH_GENERATION_PROGRESS_UPDATED',
      payload: { taskId: 'task_ann_2', percent: 40 },
    }));
    await jobs.transition('task_ann_1', ['QUEUED'], {
      status: 'FAILED',
      errorCode: 'AI_FAILED',
      errorMessage: 'The graph could not be built',
      errorDetail: 'provider stack trace: secret internals',
      finishedAt: new Date(base + 30_000),
    });
  });

  afterAll(async () => {
    await api?.close();
  });

  describe('list', () => {
    it("lists only the caller's jobs, newest first", async () => {
      const response = await get('ann', '/v1/jobs');

      expect(response.status).toBe(200);
      const body = (await response.json()) as { jobs: JobView[] };
      expect(body.jobs.map((job) => job.taskId)).toEqual(['task_ann_3', 'task_ann_2', 'task_ann_1']);
    });

    it('honours ?limit and refuses a limit that is not a number', async () => {
      const limited = (await (await get('ann', '/v1/jobs?limit=1')).json()) as { jobs: JobView[] };
      expect(limited.jobs.map((job) => job.taskId)).toEqual(['task_ann_3']);
      expect((await get('ann', '/v1/jobs?limit=lots')).status).toBe(400);
    });

    it('answers an empty list to a user without jobs', async () => {
      expect(await (await get('nobody', '/v1/jobs')).json()).toEqual({ jobs: [] });
    });
  });

  describe('get', () => {
    it('returns the JobView of an own job, with progress', async () => {
      const response = await get('ann', '/v1/jobs/task_ann_2');

      expect(response.status).toBe(200);
      const view = (await response.json()) as JobView;
      expect(view).toEqual({
        taskId: 'task_ann_2',
        kind: 'GRAPH_GENERATION',
        status: 'RUNNING',
        progress: { stage: 'clustering', percent: 40, etaSeconds: 12 },
        error: null,
        warning: null,
        createdAt: '2026-01-01T00:01:00.000Z',
        updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown,
        startedAt: '2026-01-01T00:01:30.000Z',
        finishedAt: null,
      });
    });

    it('shows the user-facing error of a failed job but never the raw AI detail', async () => {
      const response = await get('ann', '/v1/jobs/task_ann_1');
      const text = await response.text();

      expect(JSON.parse(text)).toMatchObject({
        status: 'FAILED',
        progress: null,
        error: { code: 'AI_FAILED', message: 'The graph could not be built' },
        finishedAt: '2026-01-01T00:00:30.000Z',
      });
      expect(text).not.toContain('secret internals');
    });

    it("answers another user's task id exactly like an unknown one: 404 JOB_NOT_FOUND", async () => {
      const foreign = await get('ann', '/v1/jobs/task_ben_1');
      const unknown = await get('ann', '/v1/jobs/task_ann_999');

      expect(foreign.status).toBe(404);
      expect(unknown.status).toBe(404);
      const [foreignProblem, unknownProblem] = [await readProblem(foreign), await readProblem(unknown)];
      expect(foreignProblem).toMatchObject({ status: 404, code: 'JOB_NOT_FOUND', detail: expect.any(String) as unknown, retryable: false });
      expect(unknownProblem.code).toBe('JOB_NOT_FOUND');
      expect((await get('ben', '/v1/jobs/task_ben_1')).status).toBe(200);
    });

    it.each([
      ['a NUL', '/v1/jobs/task_ann_1%00'],
      ['only a NUL', '/v1/jobs/%00'],
      ['a control character', '/v1/jobs/task%01ann'],
      ['a space', '/v1/jobs/task%20ann'],
      ['non-ASCII', '/v1/jobs/task_%E2%82%AC_1'],
      ['an encoded slash', '/v1/jobs/task_ann%2F1'],
      ['a quote', "/v1/jobs/task_ann_1'--"],
      ['more characters than any task id', `/v1/jobs/task_${'a'.repeat(MAX_TASK_ID_LENGTH)}`],
    ])('answers a task id with %s with 400 INVALID_TASK_ID, without asking the database', async (_label, path) => {
      const lookups = jest.spyOn(jobs, 'findForUser');
      try {
        const response = await get('ann', path);
        const text = await response.text();
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect({ status: response.status, code: (JSON.parse(text) as { code: string }).code }).toEqual({ status: 400, code: 'INVALID_TASK_ID' });
        expect((JSON.parse(text) as { detail: string }).detail).not.toContain('task_ann');
        expect(lookups).not.toHaveBeenCalled();
      } finally {
        lookups.mockRestore();
      }
    });

    it('looks up the longest task id the api can make (and a 404 for it is still a 404)', async () => {
      const longest = newTaskId('ADD_NODE', 'u'.repeat(128));
      expect(longest).toHaveLength(MAX_TASK_ID_LENGTH);
      expect((await readProblem(await get('ann', `/v1/jobs/${longest}`))).code).toBe('JOB_NOT_FOUND');
    });

    it('answers a path that is not percent-encoding with 400 INVALID_PATH, not an echo of it', async () => {
      const response = await get('ann', '/v1/jobs/task_ann_1%ZZ');
      const text = await response.text();
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const problem = JSON.parse(text) as { detail: string };
      expect(problem).toMatchObject({ status: 400, code: 'INVALID_PATH' });
      expect(problem.detail).not.toContain('task_ann_1');
    });
  });
});
