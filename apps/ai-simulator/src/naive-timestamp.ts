/**
 * The Python AI server writes `datetime.utcnow().isoformat()`: UTC, no offset,
 * microseconds (`2026-11-22T06:00:01.123456`). `epochMs` may carry a fraction
 * of a millisecond, which becomes the last three digits.
 */
export function naiveTimestamp(epochMs: number): string {
  const wholeMs = Math.floor(epochMs);
  const micros = Math.floor((epochMs - wholeMs) * 1000);
  const iso = new Date(wholeMs).toISOString(); // 2026-11-22T06:00:01.123Z
  return `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}`;
}

/** Now, with sub-millisecond precision, for envelope timestamps. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Seconds since the epoch (as in ChatGPT exports) to a naive second-precision string, or null. */
export function naiveSeconds(epochSeconds: number | null | undefined): string | null {
  if (epochSeconds === null || epochSeconds === undefined || !Number.isFinite(epochSeconds)) return null;
  return new Date(Math.floor(epochSeconds) * 1000).toISOString().slice(0, 19);
}
