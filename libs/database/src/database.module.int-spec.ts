import { Test } from '@nestjs/testing';
import { createTestDatabase, TEST_DRIVERS, type TestDatabase } from '../test/test-database';
import { DatabaseModule } from './database.module';
import { DatabaseService } from './database.service';
import { GraphRepository } from './graph.repository';
import { JobEventsRepository } from './job-events.repository';
import { JobsRepository } from './jobs.repository';
import { jobs } from './schema';

describe.each(TEST_DRIVERS)(`${DatabaseModule.name} (%s)`, (driver) => {
  let testDatabase: TestDatabase;

  beforeAll(async () => {
    testDatabase = await createTestDatabase(driver);
  });

  afterAll(async () => {
    await testDatabase.drop();
  });

  it('migrates on init, provides the repositories and closes on shutdown', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [DatabaseModule.forRoot(testDatabase.options)] }).compile();
    await moduleRef.init();
    const database = moduleRef.get(DatabaseService);

    await expect(database.ping()).resolves.toBeUndefined();
    expect(await database.db.select().from(jobs)).toEqual([]);
    expect(moduleRef.get(JobsRepository)).toBeInstanceOf(JobsRepository);
    expect(moduleRef.get(JobEventsRepository)).toBeInstanceOf(JobEventsRepository);
    expect(moduleRef.get(GraphRepository)).toBeInstanceOf(GraphRepository);

    await moduleRef.close();
    await expect(database.ping()).rejects.toThrow();
  });

  it('rolls a failed transaction back', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [DatabaseModule.forRoot(testDatabase.options)] }).compile();
    await moduleRef.init();
    const database = moduleRef.get(DatabaseService);
    try {
      await expect(
        database.transaction(async (tx) => {
          await tx.insert(jobs).values({ taskId: 'rolled-back', userId: 'u', kind: 'ADD_NODE', status: 'QUEUED', inputKey: 'k' });
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await database.db.select().from(jobs)).toEqual([]);
    } finally {
      await moduleRef.close();
    }
  });

  it('fails to start, and closes its connection, when the migrations cannot be found', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [DatabaseModule.forRoot({ ...testDatabase.options, migrationsDir: '/nonexistent' })],
    }).compile();
    await expect(moduleRef.init()).rejects.toThrow(/_journal\.json/);
    // The service closed its connection itself: nothing is left open to keep the process alive.
    await expect(moduleRef.get(DatabaseService).ping()).rejects.toThrow();
  });
});
