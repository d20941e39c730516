import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApiModule } from '../../apps/api/src/api.module';
import { REPO_ROOT } from '../support/node-process';

type Constructor = new (...args: never[]) => unknown;

const join = (...parts: string[]) => `/${parts.flatMap((part) => part.split('/')).filter(Boolean).join('/')}`;

/** `GET /v1/jobs/:taskId` for every handler of every controller the api registers, read off Nest's own route metadata. */
function registeredRoutes(): string[] {
  const controllers = (Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, ApiModule) ?? []) as Constructor[];
  return controllers.flatMap((controller) => {
    const base = (Reflect.getMetadata(PATH_METADATA, controller) ?? '') as string;
    const prototype = controller.prototype as Record<string, unknown>;
    return Object.getOwnPropertyNames(prototype).flatMap((name) => {
      const handler = prototype[name];
      if (typeof handler !== 'function' || name === 'constructor') return [];
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (path === undefined || method === undefined) return [];
      return [`${RequestMethod[method]} ${join(base, path)}`];
    });
  });
}

/** The routes the README's route table names (first column; query parts in brackets dropped). */
function documentedRoutes(): string[] {
  const readme = readFileSync(resolve(REPO_ROOT, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('| route | what |'));
  const rows = table.slice(0, table.search(/\n\n/)).split('\n').slice(2);
  return rows.flatMap((row) => {
    const cell = row.split(' | ')[0].replace(/^\| /, '');
    return [...cell.matchAll(/`([A-Z]+) (\/[^`[\s]*)(?:\[[^`]*\])?`/g)].map(([, method, path]) => `${method} ${path}`);
  });
}

/** The README's route table is the api's: every route it names is served, and every served route is in it. */
describe("README's route table", () => {
  it('names exactly the routes the api registers', () => {
    const registered = registeredRoutes();
    const documented = documentedRoutes();
    expect(registered.length).toBeGreaterThan(20);
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual([...registered].sort());
  });
});
