import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const JOURNAL = join('meta', '_journal.json');

/**
 * Finds the drizzle migrations folder. An explicit folder must hold a journal;
 * otherwise walk up from `start` until a `drizzle/meta/_journal.json` appears,
 * which finds the repo's folder from the TypeScript sources (tests, scripts) and
 * from the compiled `dist/apps/<app>/libs/database/src` alike.
 */
export function resolveMigrationsDir(explicit?: string, start: string = __dirname): string {
  if (explicit !== undefined) {
    const folder = resolve(explicit);
    if (!existsSync(join(folder, JOURNAL))) {
      throw new Error(`Migrations folder ${folder} has no ${JOURNAL}`);
    }
    return folder;
  }
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const candidate = join(dir, 'drizzle');
    if (existsSync(join(candidate, JOURNAL))) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error(`No drizzle/${JOURNAL} found in ${resolve(start)} or any parent folder`);
}
