import { connectDatabase, type DatabaseHandle, type DatabaseOptions } from '@app/database';
import { createTestDatabase as createPostgresTestDatabase } from '../../../test/support/test-postgres';

export const TEST_DRIVERS = ['pglite', 'postgres'] as const;
export type TestDriver = (typeof TEST_DRIVERS)[number];

export interface TestDatabase {
  /** The driver in use: 'pglite' also when the postgres suite fell back. */
  readonly driver: 'pglite' | 'postgres';
  /** Options that reach this spec's private database (PGlite: a fresh in-memory one per DatabaseService). */
  readonly options: DatabaseOptions;
  /**
   * A connection to the private database, migrated unless told otherwise.
   * Postgres: a new pool each call. PGlite has one connection: every call returns it.
   */
  open(options?: { migrate?: boolean }): Promise<DatabaseHandle>;
  /** Closes what `open` opened and drops the database. */
  drop(): Promise<void>;
}

/** A private database for one spec file; spec files run in parallel and never share one. */
export async function createTestDatabase(driver: TestDriver): Promise<TestDatabase> {
  if (driver === 'postgres') {
    const database = await createPostgresTestDatabase('t');
    if (database) return postgresDatabase(database);
    console.warn('Postgres is not reachable: running the postgres suite on PGlite');
  }
  return createPgliteDatabase();
}

function createPgliteDatabase(): TestDatabase {
  let handle: DatabaseHandle | undefined;
  return {
    driver: 'pglite',
    options: {},
    async open({ migrate = true } = {}) {
      handle ??= connectDatabase({});
      if (migrate) await handle.migrate();
      return handle;
    },
    drop: async () => handle?.close(),
  };
}

function postgresDatabase(database: { url: string; drop(): Promise<void> }): TestDatabase {
  const options: DatabaseOptions = { url: database.url, poolSize: 4 };
  const handles: DatabaseHandle[] = [];
  return {
    driver: 'postgres',
    options,
    async open({ migrate = true } = {}) {
      const handle = connectDatabase(options);
      handles.push(handle);
      if (migrate) await handle.migrate();
      return handle;
    },
    async drop() {
      await Promise.all(handles.map((handle) => handle.close()));
      await database.drop();
    },
  };
}
