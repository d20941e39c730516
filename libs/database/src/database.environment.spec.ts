import { validateSync } from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { DatabaseEnvironment, toDatabaseOptions } from './database.environment';

function load(env: Record<string, string>): { config: DatabaseEnvironment; problems: string[] } {
  const config = plainToInstance(DatabaseEnvironment, env, { exposeDefaultValues: true });
  const problems = validateSync(config).map((error) => error.property);
  return { config, problems };
}

describe(DatabaseEnvironment.name, () => {
  it('defaults to embedded PGlite in memory with a pool of 10', () => {
    const { config, problems } = load({});
    expect(problems).toEqual([]);
    expect(toDatabaseOptions(config)).toEqual({ url: undefined, pgliteDataDir: undefined, poolSize: 10 });
  });

  it('maps every variable to the module options', () => {
    const { config, problems } = load({
      DATABASE_URL: 'postgresql://app:secret@db.internal:5432/graphnode?sslmode=require',
      PGLITE_DATA_DIR: '.local/pglite',
      DATABASE_POOL_SIZE: '25',
    });
    expect(problems).toEqual([]);
    expect(toDatabaseOptions(config)).toEqual({
      url: 'postgresql://app:secret@db.internal:5432/graphnode?sslmode=require',
      pgliteDataDir: '.local/pglite',
      poolSize: 25,
    });
  });

  it('rejects a non-postgres URL and a bad pool size', () => {
    expect(load({ DATABASE_URL: 'mysql://db/x', DATABASE_POOL_SIZE: '0' }).problems).toEqual(['DATABASE_URL', 'DATABASE_POOL_SIZE']);
    expect(load({ DATABASE_URL: 'not a url', DATABASE_POOL_SIZE: 'ten' }).problems).toEqual(['DATABASE_URL', 'DATABASE_POOL_SIZE']);
  });
});
