import { bootDatabaseModule, type DatabaseTestContext } from '../test/database-test-module';
import { jobFactory } from '../test/factories/job.factory';
import { TEST_DRIVERS } from '../test/test-database';
import { JobsRepository } from './jobs.repository';
import { LateResultsRepository } from './late-results.repository';

describe.each(TEST_DRIVERS)(`${LateResultsRepository.name} (%s)`, (driver) => {
  let context: DatabaseTestContext;
  let lateResults: LateResultsRepository;
  let jobs: JobsRepository;

  beforeAll(async () => {
    context = await bootDatabaseModule(driver);
    lateResults = context.moduleRef.get(LateResultsRepository);
    jobs = context.moduleRef.get(JobsRepository);
  });

  afterAll(async () => {
    await context.close();
  });

  it('records late results per task, oldest first, and drops them with their job', async () => {
    const job = await jobs.create(jobFactory.create({ status: 'FAILED' }));
    const other = await jobs.create(jobFactory.create());
    const envelope = { taskId: job.taskId, taskType: 'GRAPH_GENERATION_RESULT', payload: { status: 'COMPLETED' } };

    const first = await lateResults.record({ taskId: job.taskId, taskType: 'GRAPH_GENERATION_RESULT', jobStatus: 'FAILED', envelope });
    await context.database.transaction((tx) =>
      lateResults.record({ taskId: job.taskId, taskType: 'GRAPH_GENERATION_RESULT', jobStatus: 'FAILED', envelope: { again: true } }, tx),
    );
    await lateResults.record({ taskId: other.taskId, taskType: 'ADD_NODE_RESULT', jobStatus: 'SUCCEEDED', envelope: {} });

    expect(first).toMatchObject({ taskId: job.taskId, jobStatus: 'FAILED', envelope, receivedAt: expect.any(Date) as unknown });
    expect((await lateResults.listForTask(job.taskId)).map((row) => row.envelope)).toEqual([envelope, { again: true }]);
  });

  it('refuses a late result for a job that does not exist', async () => {
    await expect(lateResults.record({ taskId: 'no-such-task', taskType: 'X', jobStatus: 'FAILED', envelope: {} })).rejects.toThrow();
  });
});
