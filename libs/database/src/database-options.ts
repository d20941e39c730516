/** How to reach the database: a `pg` pool when `url` is set, PGlite otherwise. */
export interface DatabaseOptions {
  /** postgres:// URL; when unset an embedded PGlite is used. */
  url?: string;
  /** PGlite data folder; in memory when unset. Ignored when `url` is set. */
  pgliteDataDir?: string;
  /** Maximum connections of the `pg` pool (default 10). */
  poolSize?: number;
  /** Folder holding `meta/_journal.json`; found by walking up from this file when unset. */
  migrationsDir?: string;
}

export const DATABASE_OPTIONS = Symbol('DATABASE_OPTIONS');
