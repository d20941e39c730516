import { truncateUtf8 } from './dead-letter.attributes';

describe(truncateUtf8.name, () => {
  it('keeps text that fits', () => {
    expect(truncateUtf8('no job t1', 1024)).toBe('no job t1');
  });

  it('cuts long text to the byte limit without splitting a character', () => {
    const cut = truncateUtf8('단'.repeat(1000), 1024);
    expect(Buffer.byteLength(cut, 'utf8')).toBeLessThanOrEqual(1024);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.replace('…', '')).toMatch(/^단+$/);
  });
});
