import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';
import { type DatabaseOptions } from './database-options';

/** Database variables; app configs extend this group. */
export class DatabaseEnvironment {
  /** Unset: embedded PGlite (local runs, tests). */
  @IsOptional()
  @IsUrl(
    { require_tld: false, protocols: ['postgres', 'postgresql'], require_protocol: true },
    { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' },
  )
  DATABASE_URL?: string;

  /** PGlite data folder when DATABASE_URL is unset; in memory when this is unset too. */
  @IsOptional()
  @IsString()
  PGLITE_DATA_DIR?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;
}

export function toDatabaseOptions(env: DatabaseEnvironment): DatabaseOptions {
  return { url: env.DATABASE_URL, pgliteDataDir: env.PGLITE_DATA_DIR, poolSize: env.DATABASE_POOL_SIZE };
}
