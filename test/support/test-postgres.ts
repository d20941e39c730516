import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A fresh, empty database on the real PostgreSQL, or undefined when none is
 * reachable (callers then fall back to PGlite). With TEST_REQUIRE_SERVICES=1
 * (CI) an unreachable server is an error, never a silent fallback.
 */
export async function createTestDatabase(label: string): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const adminUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_URL;
  const admin = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch (error) {
    if (process.env.TEST_REQUIRE_SERVICES === '1') throw error;
    return undefined;
  }
  const name = `${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const cleanup = new Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await cleanup.end();
    },
  };
}
