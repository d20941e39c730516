const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/**
 * Parses an ISO 8601 date-time the way pydantic does for our purposes: an
 * offset (`Z`, `+09:00`, `+0900`, `+09`) is honoured, no offset means UTC (the AI
 * writes naive UTC such as `2026-11-22T06:00:01.123456`), a bare date is UTC
 * midnight. Fractions beyond milliseconds are truncated (Date holds ms).
 * Returns null for anything else, including impossible dates like 02-30.
 */
export function parseIsoTimestamp(text: string): Date | null {
  const match = ISO_DATE_TIME.exec(text.trim());
  if (!match) return null;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', offset] = match;
  const parts = [Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second)] as const;
  if (parts[1] < 1 || parts[1] > 12 || parts[3] > 23 || parts[4] > 59 || parts[5] > 59) return null;
  const date = new Date(0);
  date.setUTCFullYear(parts[0], parts[1] - 1, parts[2]);
  if (date.getUTCMonth() !== parts[1] - 1 || date.getUTCDate() !== parts[2]) return null;
  date.setUTCHours(parts[3], parts[4], parts[5], Number(fraction.padEnd(3, '0').slice(0, 3)));
  const offsetMinutes = parseOffset(offset);
  if (offsetMinutes === null) return null;
  return new Date(date.getTime() - offsetMinutes * 60_000);
}

function parseOffset(offset: string | undefined): number | null {
  if (offset === undefined || offset.toUpperCase() === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  if (hours > 23 || minutes > 59) return null;
  return sign * (hours * 60 + minutes);
}
