import { Logger } from '@nestjs/common';
import { type SQL, sql } from 'drizzle-orm';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, TEST_DRIVERS, type TestDatabase } from '../test/test-database';
import { resolveMigrationsDir } from './migrations-dir';
import { type DatabaseHandle, type Db, openDatabase } from './open-database';

const TABLES = ['graph_clusters', 'graph_edges', 'graph_nodes', 'graph_subclusters', 'graph_summaries', 'graphs', 'job_events', 'jobs', 'late_results', 'sources'];

function migrationCount(): number {
  const journal = JSON.parse(readFileSync(join(resolveMigrationsDir(), 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
  return journal.entries.length;
}

/** Both drivers answer raw SQL with `{ rows }`. */
async function rows<T extends Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute<T>(query);
  return (result as { rows: T[] }).rows;
}

async function appliedMigrations(db: Db): Promise<number> {
  const [{ n }] = await rows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`);
  return n;
}

describe.each(TEST_DRIVERS)('openDatabase (%s)', (driver) => {
  let database: TestDatabase;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    handle = await database.open();
  });

  afterAll(async () => {
    await database.drop();
  });

  it('creates every table', async () => {
    const tables = await rows<{ table_name: string }>(
      handle.db,
      sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    expect(tables.map((table) => table.table_name)).toEqual(TABLES);
  });

  it('treats a second migration run as a no-op', async () => {
    expect(await appliedMigrations(handle.db)).toBe(migrationCount());
    await handle.migrate();
    await (await database.open()).migrate();
    expect(await appliedMigrations(handle.db)).toBe(migrationCount());
  });

  it('answers ping', async () => {
    await expect(handle.ping()).resolves.toBeUndefined();
  });

  it('enforces the status check constraint', async () => {
    const insert = sql`INSERT INTO jobs (task_id, user_id, kind, status, input_key) VALUES ('bad', 'u', 'GRAPH_GENERATION', 'DONE', 'k')`;
    await expect(handle.db.execute(insert)).rejects.toMatchObject({
      cause: { message: expect.stringContaining('jobs_status_check') as unknown },
    });
  });
});

describe('openDatabase (postgres) when the server drops a connection in use', () => {
  let database: TestDatabase;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    handle = await database.open();
  });

  afterAll(async () => {
    await database.drop();
  });

  /*
   * The pool stops listening to a client while it is checked out: a server
   * lost between two statements of a transaction (one waiting on S3, say)
   * used to emit 'error' with no listener, an uncaught exception that ended
   * the worker in the chaos drill.
   */
  it('fails the transaction, keeps the process alive, and the next query works', async () => {
    if (database.driver !== 'postgres') return expect(database.driver).toBe('pglite'); // no server to lose without Postgres
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const outcome = handle.db.transaction(async (tx) => {
      const [{ pid }] = await rows<{ pid: number }>(tx, sql`SELECT pg_backend_pid() AS pid`);
      // Between two statements, as while the transaction waits on something else:
      await rows(handle.db, sql`SELECT pg_terminate_backend(${pid})`);
      await new Promise((done) => setTimeout(done, 300));
      await rows(tx, sql`SELECT 1`);
    });
    await expect(outcome).rejects.toThrow();
    // The lost connection's 'error' reached a listener (with none it is an uncaught exception).
    expect(warn.mock.calls.map(([message]) => String(message))).toContainEqual(expect.stringMatching(/^Database connection lost while in use/));
    warn.mockRestore();
    expect(await rows(handle.db, sql`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
  });
});

describe.each(TEST_DRIVERS)('openDatabase on a fresh database (%s)', (driver) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
  });

  afterAll(async () => {
    await database.drop();
  });

  it('lets processes booting at once migrate it exactly once', async () => {
    // api and worker may start together against one Postgres; a PGlite belongs to one process.
    const processes = database.driver === 'postgres' ? 4 : 1;
    const handles = await Promise.all(Array.from({ length: processes }, () => database.open()));
    expect(await appliedMigrations(handles[0].db)).toBe(migrationCount());
  });
});

describe('openDatabase (pglite data dir)', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pglite-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps data across reopenings', async () => {
    const first = await openDatabase({ pgliteDataDir: dir });
    await first.db.execute(sql`INSERT INTO graphs (user_id, version, generation_version, task_id, metadata) VALUES ('u', 3, 3, 't', '{}')`);
    await first.close();
    await first.close();

    const second = await openDatabase({ pgliteDataDir: dir });
    try {
      expect(await rows(second.db, sql`SELECT version FROM graphs WHERE user_id = 'u'`)).toEqual([{ version: 3 }]);
      expect(await appliedMigrations(second.db)).toBe(migrationCount());
    } finally {
      await second.close();
    }
  });

  it('fails when the migrations folder is missing', async () => {
    await expect(openDatabase({ pgliteDataDir: dir, migrationsDir: join(dir, 'nowhere') })).rejects.toThrow(/_journal\.json/);
  });
});
