import { isUtf8 } from 'node:buffer';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { FIXTURES_DIR } from '../../../../libs/queue-contracts/test/golden-contract';
import { describeOffset, firstInvalidUtf8, gateJson, MAX_JSON_DEPTH, scanJson } from './json-gate';

const EXAMPLE = path.join(__dirname, '../../../../examples/chatgpt-export.json');
const FIXTURE_FILES = readdirSync(path.join(FIXTURES_DIR, 'files')).map((name) => path.join(FIXTURES_DIR, 'files', name));

const bytes = (text: string) => Buffer.from(text, 'utf8');
/** String.prototype.isWellFormed (Node 20+; not in this TypeScript lib). */
const isWellFormed = (text: string) => (text as unknown as { isWellFormed(): boolean }).isWellFormed();
const problemOf = (body: Buffer | string) => {
  const result = gateJson(typeof body === 'string' ? bytes(body) : body);
  return result.ok ? undefined : result.problem;
};

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  return 1 + Math.max(0, ...Object.values(value).map(depthOf));
}

describe(gateJson.name, () => {
  it.each([EXAMPLE, ...FIXTURE_FILES].map((file) => [path.basename(file), file]))('accepts %s and returns what JSON.parse returns', (_name, file) => {
    const body = readFileSync(file);
    const result = gateJson(body);
    expect(result).toEqual({ ok: true, value: JSON.parse(body.toString('utf8')) as unknown });
  });

  it('measures what the sample exports need: they nest far less than the limit', () => {
    const depths = [EXAMPLE, ...FIXTURE_FILES].map((file) => depthOf(JSON.parse(readFileSync(file, 'utf8'))));
    expect(Math.max(...depths)).toBe(9);
    expect(MAX_JSON_DEPTH).toBeGreaterThanOrEqual(4 * Math.max(...depths));
  });

  it.each([
    ['a scalar', '42', 42],
    ['a string with every simple escape', String.raw`"\" \\ \/ \b \f \n \r \t"`, '" \\ / \b \f \n \r \t'],
    ['a surrogate pair, upper- and lower-case hex', String.raw`["\uD83C\uDF45", "\ud83c\udf45"]`, ['\u{1F345}', '\u{1F345}']],
    ['an escaped backslash before u0000 (text, not NUL)', String.raw`"\\u0000"`, '\\u0000'],
    ['numbers', '[0, -0, 1.5, -2e10, 3E+2, 4e-2, 1234567890]', [0, -0, 1.5, -2e10, 3e2, 4e-2, 1234567890]],
    ['brackets inside strings', '{"a": "[[[{{{", "b]": "}}"}', { a: '[[[{{{', 'b]': '}}' }],
    ['whitespace around everything', ' \t\r\n{ "a" : [ true , false , null ] }\n', { a: [true, false, null] }],
    ['non-ASCII text', '["토마토 모종", "Semis de tomates 🍅"]', ['토마토 모종', 'Semis de tomates 🍅']],
  ])('accepts %s', (_label, text, value) => {
    expect(gateJson(bytes(text))).toEqual({ ok: true, value });
  });

  describe('INVALID_UTF8', () => {
    it.each([
      ['a lone continuation byte', Buffer.from([0x5b, 0x22, 0x80, 0x22, 0x5d]), 2],
      ['an overlong encoding of "/"', Buffer.from([0x5b, 0x22, 0xc0, 0xaf, 0x22, 0x5d]), 2],
      ['an encoded surrogate (CESU-8)', Buffer.from([0x22, 0x61, 0xed, 0xa0, 0x80, 0x22]), 2],
      ['a sequence cut short by the end', Buffer.from([0x22, 0xe2, 0x82]), 1],
      ['a byte that never occurs in UTF-8', Buffer.from([0x22, 0xff, 0x22]), 1],
      ['Latin-1 text', Buffer.from('["caf\xe9"]', 'latin1'), 5],
      ['a code point above U+10FFFF', Buffer.from([0x22, 0xf4, 0x90, 0x80, 0x80, 0x22]), 1],
    ])('refuses %s, naming its offset', (_label, body, offset) => {
      expect(problemOf(body)).toEqual({ code: 'INVALID_UTF8', offset, reason: expect.any(String) as unknown });
    });

    it('finds the same first invalid byte as a strict TextDecoder, on random bytes', () => {
      const next = random(7);
      const strict = new TextDecoder('utf-8', { fatal: true });
      const decodes = (body: Uint8Array) => {
        try {
          strict.decode(body);
          return true;
        } catch {
          return false;
        }
      };
      const pool = [0x41, 0x7f, 0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xa0, 0xed, 0x9f, 0xef, 0xf0, 0x90, 0xf4, 0x8f, 0xf5, 0xff];
      const disagreements: number[][] = [];
      let invalid = 0;
      for (let round = 0; round < 5000; round++) {
        const body = Uint8Array.from({ length: 1 + Math.floor(next() * 12) }, () => pool[Math.floor(next() * pool.length)]);
        const offset = firstInvalidUtf8(body);
        const valid = decodes(body);
        if (!valid) invalid++;
        // Valid exactly when the decoder says so (and node:buffer's isUtf8 agrees); when invalid,
        // everything before the offset decodes and the sequence starting there does not.
        const agrees =
          valid === (offset === body.length) &&
          valid === isUtf8(body) &&
          (valid || (decodes(body.subarray(0, offset)) && firstInvalidUtf8(body.subarray(offset)) === 0));
        if (!agrees) disagreements.push([...body]);
      }
      expect(disagreements).toEqual([]);
      expect(invalid).toBeGreaterThan(1000);
    });
  });

  describe('INVALID_JSON', () => {
    it.each([
      ['nothing', '', 0, /no JSON value/],
      ['whitespace only', '  \n', 3, /no JSON value|ends early/],
      ['a truncated array', '[{"id": "c1", ', 14, /ends early/],
      ['a comma before a closing brace', '[{"id": "c1", }]', 14, /property name/],
      ['a trailing comma in an array', '[1,]', 3, /cannot start/],
      ['a trailing comma in an object', '{"a":1,}', 7, /property name/],
      ['a missing colon', '{"a" 1}', 5, /':'/],
      ['a missing comma', '[1 2]', 3, /','/],
      ['two values', '[1]x', 3, /after the JSON value/],
      ['a leading zero', '[01]', 2, /','/],
      ['a bare minus', '[-]', 1, /number/],
      ['a fraction without digits', '[1.]', 1, /number/],
      ['an exponent without digits', '[1e+]', 1, /number/],
      ['a misspelled literal', '[tru]', 1, /literal/],
      ['a single-quoted string', "['a']", 1, /cannot start/],
      ['an unquoted key', '{a:1}', 1, /property name/],
      ['an unclosed string', '["abc', 1, /never closed/],
      ['a raw newline in a string', '["a\nb"]', 3, /control character/],
      ['an unknown escape', String.raw`["\x41"]`, 2, /escape/],
      ['a short \\u escape', String.raw`["\u12"]`, 2, /hex/],
      ['a byte order mark', '\ufeff[]', 0, /byte order mark/],
      ['a NUL byte outside a string (UTF-16 text)', Buffer.from('[]', 'utf16le'), 1, /NUL/],
      ['a mismatched bracket', '[}', 1, /cannot start/],
      ['an unclosed array', '[[1]', 4, /ends early/],
    ])('refuses %s at the right byte', (_label, text, offset, reason) => {
      expect(problemOf(text)).toEqual({ code: 'INVALID_JSON', offset, reason: expect.stringMatching(reason) as unknown });
    });

    it('accepts exactly what JSON.parse accepts, on random near-JSON text', () => {
      const next = random(42);
      const atoms = ['[', ']', '{', '}', ',', ':', ' ', '\n', '"a"', '"', '\\', '\\n', '\\u00e9', 'u', '0', '1', '-', '.', 'e', '+', 'true', 'fals', 'null', 'x', '\u00e9', '\t', '\u0001'];
      const disagreements: string[] = [];
      let accepted = 0;
      for (let round = 0; round < 20000; round++) {
        const text = Array.from({ length: 1 + Math.floor(next() * 10) }, () => atoms[Math.floor(next() * atoms.length)]).join('');
        let parses = true;
        try {
          JSON.parse(text);
        } catch {
          parses = false;
        }
        if (parses) accepted++;
        if ((scanJson(bytes(text)) === undefined) !== parses) disagreements.push(text);
      }
      expect(disagreements).toEqual([]);
      expect(accepted).toBeGreaterThan(300);
    });

    it('accepts exactly what JSON.parse accepts, on a real export with a few bytes changed', () => {
      const next = random(11);
      const original = readFileSync(path.join(FIXTURES_DIR, 'files/conversations.json'), 'utf8');
      const replacements = ['', '[', ']', '{', '}', ',', ':', '"', '\\', '0', '-', 'e', '.', ' ', 'n', '\t'];
      const disagreements: string[] = [];
      let accepted = 0;
      for (let round = 0; round < 3000; round++) {
        let text = original;
        for (let edit = 0; edit < 1 + Math.floor(next() * 2); edit++) {
          const at = Math.floor(next() * text.length);
          text = text.slice(0, at) + replacements[Math.floor(next() * replacements.length)] + text.slice(at + (next() < 0.5 ? 1 : 0));
        }
        let parses = true;
        try {
          JSON.parse(text);
        } catch {
          parses = false;
        }
        if (parses) accepted++;
        if ((scanJson(bytes(text)) === undefined) !== parses) disagreements.push(text);
      }
      expect(disagreements).toEqual([]);
      expect(accepted).toBeGreaterThan(300);
    });
  });

  describe('JSON_TOO_DEEP', () => {
    it('accepts the limit and refuses one level more, at the bracket that goes too deep', () => {
      const at = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
      expect(gateJson(bytes(at(MAX_JSON_DEPTH))).ok).toBe(true);
      expect(problemOf(at(MAX_JSON_DEPTH + 1))).toEqual({ code: 'JSON_TOO_DEEP', offset: MAX_JSON_DEPTH, reason: expect.stringContaining(String(MAX_JSON_DEPTH)) as unknown });
      const objects = `${'{"a":'.repeat(MAX_JSON_DEPTH + 1)}1${'}'.repeat(MAX_JSON_DEPTH + 1)}`;
      expect(problemOf(objects)).toMatchObject({ code: 'JSON_TOO_DEEP', offset: 5 * MAX_JSON_DEPTH });
    });

    it('takes a smaller limit when given one', () => {
      expect(scanJson(bytes('[[[]]]'), 2)).toMatchObject({ code: 'JSON_TOO_DEEP', offset: 2 });
      expect(scanJson(bytes('[[],[]]'), 2)).toBeUndefined();
    });

    it('refuses a 50 MiB depth bomb in one cheap pass (it stops at the first bracket too deep)', () => {
      const half = 25 * 1024 * 1024;
      const bomb = Buffer.alloc(2 * half, 0x5b);
      bomb.fill(0x5d, half);
      const started = performance.now();
      expect(problemOf(bomb)).toMatchObject({ code: 'JSON_TOO_DEEP', offset: MAX_JSON_DEPTH });
      expect(performance.now() - started).toBeLessThan(200); // mostly the UTF-8 check; the scan stops after 65 bytes
    });
  });

  describe('NUL_CHARACTER', () => {
    it.each([
      ['escaped in a string', String.raw`[{"title": "a\u0000b"}]`, 13],
      ['escaped in a key', String.raw`{"ti\u0000tle": 1}`, 4],
      ['raw in a string', '["a\u0000"]', 3],
      ['escaped after other escapes', String.raw`["\n\\\u0000"]`, 6],
    ])('refuses NUL %s, at its byte', (_label, text, offset) => {
      expect(problemOf(text)).toEqual({ code: 'NUL_CHARACTER', offset, reason: expect.any(String) as unknown });
    });
  });

  describe('LONE_SURROGATE', () => {
    it.each([
      ['a high surrogate at the end of a string', String.raw`["\ud800"]`, 2],
      ['a low surrogate alone', String.raw`["a\uDC00"]`, 3],
      ['a high surrogate followed by text', String.raw`["\ud83cx"]`, 2],
      ['a high surrogate followed by another escape', String.raw`["\ud83c\u0041"]`, 2],
      ['two high surrogates', String.raw`["\ud83c\ud83c"]`, 2],
      ['a lone surrogate in a key', String.raw`{"\udfff": 1}`, 2],
    ])('refuses %s, at its byte', (_label, text, offset) => {
      expect(problemOf(text)).toEqual({ code: 'LONE_SURROGATE', offset, reason: expect.any(String) as unknown });
      // JSON.parse takes them without complaint: this is why the gate looks for them.
      expect(() => JSON.parse(text) as unknown).not.toThrow();
    });

    it('never lets an ill-formed string through (isWellFormed on every accepted string)', () => {
      const next = random(3);
      const atoms = [String.raw`\ud800`, String.raw`\udc00`, String.raw`\ud83c\udf45`, 'a', String.raw`\u0041`, '\u{1F345}'];
      const wrong: string[] = [];
      for (let round = 0; round < 5000; round++) {
        const text = `"${Array.from({ length: 1 + Math.floor(next() * 4) }, () => atoms[Math.floor(next() * atoms.length)]).join('')}"`;
        const result = gateJson(bytes(text));
        const wellFormed = isWellFormed(JSON.parse(text) as string);
        if (result.ok !== wellFormed || (!result.ok && result.problem.code !== 'LONE_SURROGATE')) wrong.push(text);
      }
      expect(wrong).toEqual([]);
    });
  });

  it('never puts the body into a problem', () => {
    const secret = 'SECRET-CONTENT';
    for (const text of [`["${secret}`, `{"${secret}" 1}`, `["${secret}\\u0000"]`, `["${secret}\\ud800"]`, `[${'['.repeat(80)}"${secret}"`]) {
      expect(JSON.stringify(problemOf(text))).not.toContain(secret);
    }
  });
});

describe(describeOffset.name, () => {
  it('names the byte, its line and its column', () => {
    const body = bytes('[\n  1,\n  x\n]');
    expect(describeOffset(body, 9)).toBe('at byte 9 (line 3, column 3)');
    expect(describeOffset(body, 0)).toBe('at byte 0 (line 1, column 1)');
  });
});
