import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveMigrationsDir } from './migrations-dir';

describe(resolveMigrationsDir.name, () => {
  let root: string;

  function makeMigrations(dir: string): string {
    mkdirSync(join(dir, 'meta'), { recursive: true });
    writeFileSync(join(dir, 'meta', '_journal.json'), '{"entries":[]}');
    return dir;
  }

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'migrations-dir-'));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('finds drizzle/ above the compiled dist location', () => {
    const drizzle = makeMigrations(join(root, 'drizzle'));
    const compiled = join(root, 'dist', 'apps', 'worker', 'libs', 'database', 'src');
    mkdirSync(compiled, { recursive: true });
    expect(resolveMigrationsDir(undefined, compiled)).toBe(drizzle);
  });

  it('takes the nearest drizzle/ when several folders up have one', () => {
    makeMigrations(join(root, 'drizzle'));
    const inner = makeMigrations(join(root, 'app', 'drizzle'));
    const start = join(root, 'app', 'src');
    mkdirSync(start, { recursive: true });
    expect(resolveMigrationsDir(undefined, start)).toBe(inner);
  });

  it('skips a drizzle/ folder without a journal', () => {
    mkdirSync(join(root, 'app', 'drizzle'), { recursive: true });
    const outer = makeMigrations(join(root, 'drizzle'));
    expect(resolveMigrationsDir(undefined, join(root, 'app'))).toBe(outer);
  });

  it('finds the repository’s own migrations from the sources', () => {
    expect(resolveMigrationsDir()).toBe(join(__dirname, '..', '..', '..', 'drizzle'));
  });

  it('uses an explicit folder that holds a journal', () => {
    const custom = makeMigrations(join(root, 'custom'));
    expect(resolveMigrationsDir(custom, join(root, 'elsewhere'))).toBe(custom);
  });

  it('refuses an explicit folder without a journal', () => {
    expect(() => resolveMigrationsDir(join(root, 'missing'))).toThrow(/missing.*_journal\.json/);
  });

  it('fails with the start folder named when nothing is found', () => {
    expect(() => resolveMigrationsDir(undefined, root)).toThrow(root);
  });
});
