import { PGlite } from '@electric-sql/pglite';
import { Logger } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { Pool } from 'pg';
import { type DatabaseOptions } from './database-options';
import { resolveMigrationsDir } from './migrations-dir';
import * as schema from './schema';

/** Drizzle database over either driver; transactions have the same type. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DatabaseDriver = 'postgres' | 'pglite';

export interface DatabaseHandle {
  readonly db: Db;
  readonly driver: DatabaseDriver;
  /** Applies pending migrations; a no-op when all are applied. */
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** Ends the pool or PGlite; safe to call more than once. */
  close(): Promise<void>;
}

/** Key of the session lock that keeps api and worker from migrating at the same time. */
const MIGRATION_LOCK_KEY = 0x67726e64;
const logger = new Logger('Database');

/** Connects without migrating; DatabaseService migrates in onModuleInit. */
export function connectDatabase(options: DatabaseOptions): DatabaseHandle {
  return options.url ? connectPostgres(options.url, options) : connectPglite(options);
}

/** Connects and migrates: for scripts and tests that run without Nest. */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  const handle = connectDatabase(options);
  try {
    await handle.migrate();
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

function connectPostgres(url: string, options: DatabaseOptions): DatabaseHandle {
  const pool = new Pool({ connectionString: url, max: options.poolSize ?? 10, connectionTimeoutMillis: 10_000 });
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', (error) => logger.warn(`Idle database connection failed: ${error.message}`));
  // The pool stops listening to a client while it is checked out, so a server
  // lost between two queries of a transaction (one waiting on S3, say) would
  // emit 'error' with no listener and crash the process. The transaction's
  // next query fails instead, and the pool drops the dead client on release.
  pool.on('connect', (client) => {
    client.on('error', (error) => logger.warn(`Database connection lost while in use: ${error.message}`));
  });
  const db = drizzlePg({ client: pool, schema });
  return {
    db,
    driver: 'postgres',
    migrate: async () => migratePostgres(pool, resolveMigrationsDir(options.migrationsDir)),
    ping: () => ping(db),
    close: once(closer(pool)),
  };
}

/** pool.end() resolves before its sockets close; wait for every client's removal as well. */
function closer(pool: Pool): () => Promise<void> {
  let live = 0;
  let drained: (() => void) | undefined;
  pool.on('connect', () => live++);
  pool.on('remove', () => {
    if (--live === 0) drained?.();
  });
  return async () => {
    const allRemoved = live === 0 ? Promise.resolve() : new Promise<void>((resolve) => (drained = resolve));
    await pool.end();
    await allRemoved;
  };
}

async function migratePostgres(pool: Pool, migrationsFolder: string): Promise<void> {
  const client = await pool.connect();
  let failure: Error | undefined;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migratePg(drizzlePg({ client }), { migrationsFolder });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    // A failed connection is destroyed, never pooled: it might still hold the lock.
    client.release(failure);
  }
}

function connectPglite(options: DatabaseOptions): DatabaseHandle {
  const client = options.pgliteDataDir ? new PGlite(options.pgliteDataDir) : new PGlite();
  const db = drizzlePglite({ client, schema });
  return {
    db,
    driver: 'pglite',
    // One embedded instance has one connection: nothing to lock against.
    migrate: async () => migratePglite(db, { migrationsFolder: resolveMigrationsDir(options.migrationsDir) }),
    ping: () => ping(db),
    close: once(() => client.close()),
  };
}

async function ping(db: Db): Promise<void> {
  await db.execute(sql`SELECT 1`);
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}
