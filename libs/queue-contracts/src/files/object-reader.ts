import { normalizeFileTimestamp } from './file-timestamp';
import { type ProblemList } from './problem-list';

type JsonObject = Record<string, unknown>;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `nodes[0].cluster_id`, `[0].mapping["6740-..."]` */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (!IDENTIFIER.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads typed fields from one object of a bucket file, recording a problem per bad
 * field. On a problem it returns a placeholder ('' / 0 / false / []), so callers
 * build their result unconditionally and use it only when no problem was recorded.
 * Extra fields are ignored; "absent" and null are the same to every reader.
 */
export class ObjectReader {
  private constructor(
    readonly raw: JsonObject,
    readonly path: string,
    private readonly problems: ProblemList,
  ) {}

  static read(value: unknown, path: string, problems: ProblemList): ObjectReader | undefined {
    if (isJsonObject(value)) return new ObjectReader(value, path, problems);
    problems.add(path === '' ? 'the file' : path, 'must be an object');
    return undefined;
  }

  has(key: string): boolean {
    return this.raw[key] !== undefined && this.raw[key] !== null;
  }

  problem(key: string, message: string): void {
    this.problems.add(childPath(this.path, key), message);
  }

  object(key: string): ObjectReader | undefined {
    if (this.has(key)) return ObjectReader.read(this.raw[key], childPath(this.path, key), this.problems);
    this.problem(key, 'is required');
    return undefined;
  }

  /** Each item of an array of objects; a non-object item is a problem and is skipped. */
  objectArray(key: string, options: { optional?: boolean } = {}): ObjectReader[] {
    const path = childPath(this.path, key);
    return this.array(key, options).flatMap((item, index) => ObjectReader.read(item, childPath(path, index), this.problems) ?? []);
  }

  /** Each value of this object that is itself an object, with its key (a map such as `mapping`). */
  objectEntries(): [string, ObjectReader][] {
    return Object.keys(this.raw).flatMap((key) => {
      const reader = this.object(key);
      return reader ? [[key, reader] as [string, ObjectReader]] : [];
    });
  }

  string(key: string): string {
    return this.expect(key, 'a string', (value) => typeof value === 'string', '');
  }

  nullableString(key: string): string | null {
    return this.has(key) ? this.string(key) : null;
  }

  integer(key: string): number {
    return this.expect(key, 'an integer', Number.isInteger, 0);
  }

  number(key: string): number {
    return this.expect(key, 'a number', (value) => typeof value === 'number' && Number.isFinite(value), 0);
  }

  nullableNumber(key: string): number | null {
    return this.has(key) ? this.number(key) : null;
  }

  boolean(key: string): boolean {
    return this.expect(key, 'a boolean', (value) => typeof value === 'boolean', false);
  }

  /** An absent or null optional array reads as []. */
  array(key: string, options: { optional?: boolean } = {}): unknown[] {
    if (options.optional && !this.has(key)) return [];
    return this.expect(key, 'an array', Array.isArray, []);
  }

  stringArray(key: string, options: { optional?: boolean } = {}): string[] {
    return this.typedArray(key, 'strings', (item): item is string => typeof item === 'string', options);
  }

  integerArray(key: string, options: { optional?: boolean } = {}): number[] {
    return this.typedArray(key, 'integers', (item): item is number => Number.isInteger(item), options);
  }

  /** ISO string or Unix seconds, normalized to a UTC ISO string; absent/null reads as null. */
  timestamp(key: string): string | null {
    const normalized = normalizeFileTimestamp(this.raw[key]);
    if (normalized !== undefined) return normalized;
    this.problem(key, 'must be an ISO 8601 date-time, Unix seconds or null');
    return null;
  }

  private typedArray<T>(key: string, what: string, guard: (item: unknown) => item is T, options: { optional?: boolean }): T[] {
    const items = this.array(key, options);
    if (items.every(guard)) return items;
    this.problem(key, `must be an array of ${what}`);
    return [];
  }

  private expect<T>(key: string, what: string, guard: (value: unknown) => boolean, placeholder: T): T {
    const value = this.raw[key];
    if (guard(value)) return value as T;
    this.problem(key, value === undefined || value === null ? 'is required' : `must be ${what}`);
    return placeholder;
  }
}
