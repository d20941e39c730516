const BACKSLASH_U = Buffer.from('\\u');

/**
 * Whether an escape that may be refused appears: `\u0000` or a surrogate
 * escape (`\uD800`–`\uDFFF`), outside or inside a string alike (a
 * backslash-escaped backslash before `u` is counted out). A paired surrogate
 * also counts: the scan then checks the pair.
 */
export function hasSuspectEscape(bytes: Buffer): boolean {
  for (let at = bytes.indexOf(BACKSLASH_U); at !== -1; at = bytes.indexOf(BACKSLASH_U, at + 2)) {
    let backslashes = 1;
    while (at - backslashes >= 0 && bytes[at - backslashes] === 0x5c) backslashes++;
    if (backslashes % 2 === 0) continue; // `\\u`: an escaped backslash, then a plain u
    const first = bytes[at + 2] | 0x20;
    const second = bytes[at + 3] | 0x20;
    if (first === 0x30 && bytes[at + 3] === 0x30 && bytes[at + 4] === 0x30 && bytes[at + 5] === 0x30) return true;
    if (first === 0x64 && second >= 0x38 && second <= 0x66 && !(second > 0x39 && second < 0x61)) return true;
  }
  return false;
}
