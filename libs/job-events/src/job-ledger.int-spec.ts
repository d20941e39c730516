import { Test, type TestingModule } from '@nestjs/testing';
import { DatabaseModule, JobEventsRepository, JobsRepository } from '@app/database';
import { createTestDatabase, type TestDatabase, TEST_DRIVERS } from '../../database/test/test-database';
import { JobEventsModule } from './job-events.module';
import { JobLedger } from './job-ledger';

describe.each(TEST_DRIVERS)(`${JobLedger.name} (%s)`, (driver) => {
  let database: TestDatabase;
  let moduleRef: TestingModule;
  let ledger: JobLedger;
  let jobs: JobsRepository;
  let events: JobEventsRepository;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    moduleRef = await Test.createTestingModule({ imports: [DatabaseModule.forRoot(database.options), JobEventsModule.forRoot({})] }).compile();
    await moduleRef.init();
    ledger = moduleRef.get(JobLedger);
    jobs = moduleRef.get(JobsRepository);
    events = moduleRef.get(JobEventsRepository);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await database?.drop();
  });

  const job = (taskId: string, userId: string) => ({ taskId, userId, kind: 'GRAPH_GENERATION' as const, status: 'QUEUED' as const, inputKey: `graph-generation/${taskId}/` });
  const draft = { type: 'GRAPH_GENERATION_REQUESTED', payload: { status: 'QUEUED' } };

  it('commits the job and its event only once ready resolves: nothing is visible before', async () => {
    let resolveReady = (): void => undefined;
    const ready = new Promise<void>((resolve) => (resolveReady = resolve));

    const opened = ledger.open(job('task_ready_1', 'u-ready-1'), draft, undefined, ready);
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (driver === 'postgres') {
      // PGlite has one connection: a read would wait behind the open transaction.
      expect(await jobs.findById('task_ready_1')).toBeUndefined();
    }
    resolveReady();
    await opened;

    expect(await jobs.findById('task_ready_1')).toMatchObject({ status: 'QUEUED' });
    expect((await events.listForUser('u-ready-1')).map((event) => event.type)).toEqual(['GRAPH_GENERATION_REQUESTED']);
  });

  it('commits nothing and rejects with its error when ready rejects', async () => {
    const refusal = new Error('the upload was refused');

    await expect(ledger.open(job('task_ready_2', 'u-ready-2'), draft, undefined, Promise.reject(refusal))).rejects.toBe(refusal);

    expect(await jobs.findById('task_ready_2')).toBeUndefined();
    expect(await events.listForUser('u-ready-2')).toEqual([]);
  });
});
