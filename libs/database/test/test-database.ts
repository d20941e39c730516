import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { connectDatabase, type DatabaseHandle, type DatabaseOptions } from '@app/database';

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

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A private database for one spec file; spec files run in parallel and never share one. */
export async function createTestDatabase(driver: TestDriver): Promise<TestDatabase> {
  if (driver === 'postgres') {
    const admin = await connectAdmin();
    if (admin) return createPostgresDatabase(admin);
    console.warn(`Postgres is not reachable at ${redact(ADMIN_URL)}: running the postgres suite on PGlite`);
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

async function connectAdmin(): Promise<Client | undefined> {
  const client = new Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch {
    await client.end().catch(() => undefined);
    return undefined;
  }
}

async function createPostgresDatabase(admin: Client): Promise<TestDatabase> {
  const name = `t_${randomBytes(8).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const options: DatabaseOptions = { url: url.toString(), poolSize: 4 };
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
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
