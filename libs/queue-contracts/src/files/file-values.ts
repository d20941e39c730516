import { type SkippedPartsCounter } from './skipped-parts';

/**
 * Tolerant readers for single values of an AI result file: each returns the
 * value in the type we store, or undefined when it cannot be read. Strings
 * come back storable (see cleanText).
 */

export type JsonObject = Record<string, unknown>;

/** Postgres `integer`. */
const INT32_MAX = 2_147_483_647;
/** Postgres `real` (float4). */
const FLOAT4_MAX = 3.4028234663852886e38;
const SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function asObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

/**
 * Postgres stores no NUL in text or jsonb, and jsonb no lone surrogate (both
 * reach us from chat text through the AI's JSON): NUL is dropped, a lone
 * surrogate becomes U+FFFD.
 */
export function cleanText(text: string): string {
  const withoutNul = text.includes('\u0000') ? text.replaceAll('\u0000', '') : text;
  return SURROGATE.test(withoutNul) ? withoutNul.replace(LONE_SURROGATE, '\uFFFD') : withoutNul;
}

/** A string, or a finite number as its decimal text (ids and cluster ids were numbers in some AI versions). */
export function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return cleanText(value);
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
}

/** An integer that fits Postgres `integer` and is not negative (node ids, counts, sizes). */
export function asCount(value: unknown): number | undefined {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= INT32_MAX ? (value as number) : undefined;
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A number that fits Postgres `real`. */
export function asReal(value: unknown): number | undefined {
  const number = asNumber(value);
  return number !== undefined && Math.abs(number) <= FLOAT4_MAX ? number : undefined;
}

export function asBoolean(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/** A field the contract marks optional or nullable: absent or null is `fallback` silently; present but unreadable is `fallback` and counted. */
export function optional<T, F>(value: unknown, read: (value: unknown) => T | undefined, fallback: F, skipped: SkippedPartsCounter): T | F {
  if (value === undefined || value === null) return fallback;
  const parsed = read(value);
  if (parsed !== undefined) return parsed;
  skipped.add('fields');
  return fallback;
}

/** A field the contract requires but the graph can do without: absent or unreadable is `fallback`, counted. */
export function required<T, F>(value: unknown, read: (value: unknown) => T | undefined, fallback: F, skipped: SkippedPartsCounter): T | F {
  const parsed = value === undefined || value === null ? undefined : read(value);
  if (parsed !== undefined) return parsed;
  skipped.add('fields');
  return fallback;
}

/**
 * A list of terms (top_keywords, key_themes, themes): strings, or `{term}`
 * objects of versions that scored them; other items are skipped and counted.
 */
export function readTerms(value: unknown, skipped: SkippedPartsCounter): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    skipped.add('fields');
    return [];
  }
  const terms: string[] = [];
  for (const item of value) {
    const term = typeof item === 'string' ? item : asObject(item)?.term;
    if (typeof term === 'string') terms.push(cleanText(term));
    else skipped.add('keywords');
  }
  return terms;
}

/** A copy of JSON data that Postgres jsonb can store (cleanText on every string and key). */
export function storableJson(value: unknown): unknown {
  if (typeof value === 'string') return cleanText(value);
  if (Array.isArray(value)) return value.map(storableJson);
  const object = asObject(value);
  if (!object) return value;
  return Object.fromEntries(Object.entries(object).map(([key, item]) => [cleanText(key), storableJson(item)]));
}
