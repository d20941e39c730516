import { Test, type TestingModule } from '@nestjs/testing';
import { DatabaseModule, DatabaseService, type Db } from '@app/database';
import { createTestDatabase, type TestDriver } from './test-database';

export interface DatabaseTestContext {
  readonly driver: 'pglite' | 'postgres';
  readonly moduleRef: TestingModule;
  readonly database: DatabaseService;
  /** A second connection for concurrency tests (PGlite has one: the module's own). */
  otherConnection(): Promise<Db>;
  close(): Promise<void>;
}

/** Boots DatabaseModule on a private database, as the apps do. */
export async function bootDatabaseModule(driver: TestDriver): Promise<DatabaseTestContext> {
  const testDatabase = await createTestDatabase(driver);
  const moduleRef = await Test.createTestingModule({ imports: [DatabaseModule.forRoot(testDatabase.options)] }).compile();
  await moduleRef.init();
  const database = moduleRef.get(DatabaseService);
  return {
    driver: testDatabase.driver,
    moduleRef,
    database,
    otherConnection: async () => (testDatabase.driver === 'postgres' ? (await testDatabase.open()).db : database.db),
    async close() {
      await moduleRef.close();
      await testDatabase.drop();
    },
  };
}
