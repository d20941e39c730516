import { parseIsoTimestamp } from '../iso-timestamp';

/**
 * Normalizes a timestamp found in a bucket file to an ISO string in UTC (`...Z`):
 * numbers are Unix seconds (ChatGPT exports, old graph files), strings are ISO
 * 8601 (naive means UTC). null stays null; anything unreadable is undefined.
 */
export function normalizeFileTimestamp(value: unknown): string | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    const date = new Date(value * 1000);
    return Number.isFinite(value) && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
  }
  if (typeof value !== 'string') return undefined;
  return parseIsoTimestamp(value)?.toISOString();
}
