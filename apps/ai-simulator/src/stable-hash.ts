/** FNV-1a (32 bit) over UTF-8: the same text gives the same number on every run and machine. */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** A deterministic number in [min, max) with two decimals, derived from `text`. */
export function stableScore(text: string, min: number, max: number): number {
  const fraction = (stableHash(text) % 1000) / 1000;
  return Math.round((min + fraction * (max - min)) * 100) / 100;
}
