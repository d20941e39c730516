import { isUtf8 } from 'node:buffer';

/**
 * The input gate every JSON body passes before anything else looks at it:
 * strict UTF-8, then one linear scan over the bytes (full JSON syntax, nesting
 * depth, NUL characters, lone surrogates), and only then JSON.parse. A depth
 * bomb or a syntax error therefore costs one pass over the bytes, and
 * JSON.parse only ever sees text that is known to parse.
 *
 * Problems name a byte offset and never echo the body: it is user content.
 */

/**
 * Deepest nesting accepted (arrays and objects count one level each; `[]` is 1).
 * A ChatGPT export needs 9 (examples/chatgpt-export.json; the contract fixture
 * needs 8): export array, conversation, mapping, node, message, content, parts,
 * a part, a list in that part. 64 leaves room for tool output and metadata
 * nested deeper, and keeps a hostile body far from costing anything.
 */
export const MAX_JSON_DEPTH = 64;

export type JsonProblemCode = 'INVALID_UTF8' | 'INVALID_JSON' | 'JSON_TOO_DEEP' | 'NUL_CHARACTER' | 'LONE_SURROGATE';

export interface JsonProblem {
  readonly code: JsonProblemCode;
  /** Byte offset of the problem in the body. */
  readonly offset: number;
  /** What is wrong there, without the body's content. */
  readonly reason: string;
}

export type GateResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: JsonProblem };

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes and parses `bytes` as a JSON text, or names the first problem. The
 * order keeps a hostile body cheap: a native UTF-8 check (no string is made),
 * the scan (stops at the first problem), and only then the strict decode and
 * JSON.parse, which cost the most.
 */
export function gateJson(bytes: Uint8Array, maxDepth = MAX_JSON_DEPTH): GateResult {
  if (!isUtf8(bytes)) return invalidUtf8(bytes);
  const problem = scanJson(bytes, maxDepth);
  if (problem) return { ok: false, problem };
  let text: string;
  try {
    // ignoreBOM: a byte order mark would stay in the text (the scan refuses one),
    // so the text always corresponds byte for byte to what is stored.
    text = STRICT_UTF8.decode(bytes);
  } catch {
    return invalidUtf8(bytes);
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    // Unreachable while scanJson accepts exactly what JSON.parse accepts (the unit spec checks both on random input).
    return { ok: false, problem: { code: 'INVALID_JSON', offset: 0, reason: 'a syntax error' } };
  }
}

function invalidUtf8(bytes: Uint8Array): GateResult {
  return { ok: false, problem: { code: 'INVALID_UTF8', offset: firstInvalidUtf8(bytes), reason: 'a byte sequence that is not UTF-8' } };
}

/** `at byte 14 (line 1, column 15)`; the column counts bytes. */
export function describeOffset(bytes: Uint8Array, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < offset; i = bytes.indexOf(0x0a, i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `at byte ${offset} (line ${line}, column ${offset - lineStart + 1})`;
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence (Unicode table 3-7). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      if (b === 0xe0) low = 0xa0; // no overlong forms
      if (b === 0xed) high = 0x9f; // no surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      if (b === 0xf0) low = 0x90; // no overlong forms
      if (b === 0xf4) high = 0x8f; // nothing above U+10FFFF
    } else return i;
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      if (i + k >= n || c < (k === 1 ? low : 0x80) || c > (k === 1 ? high : 0xbf)) return i;
    }
    i += length;
  }
  return n;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const COMMA = 0x2c;
const COLON = 0x3a;

const SIMPLE_ESCAPES = new Set([QUOTE, BACKSLASH, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74].map(Number));
const LITERALS: Readonly<Record<number, readonly number[]>> = {
  0x74: [...Buffer.from('true')],
  0x66: [...Buffer.from('false')],
  0x6e: [...Buffer.from('null')],
};

const enum Expect {
  Value,
  /** Right after `[`: a value or `]`. */
  ValueOrEnd,
  Key,
  /** Right after `{`: a key or `}`. */
  KeyOrEnd,
  Colon,
  /** After a value inside a container. */
  CommaOrEnd,
  /** After the top-level value: only whitespace. */
  Nothing,
}

/** Thrown inside the scan (only once per body: the scan stops at the first problem). */
class Problem extends Error {
  constructor(
    readonly code: JsonProblemCode,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * One pass over a JSON text as UTF-8 bytes (RFC 8259): the first syntax error,
 * nesting deeper than `maxDepth`, U+0000 (raw or escaped) in a string or key, or
 * a `\uD800`-style escape of a lone surrogate; undefined when there is none.
 * The bytes are expected to be valid UTF-8 already (gateJson checks first).
 */
export function scanJson(bytes: Uint8Array, maxDepth = MAX_JSON_DEPTH): JsonProblem | undefined {
  try {
    scan(bytes, maxDepth);
    return undefined;
  } catch (error) {
    if (error instanceof Problem) return { code: error.code, offset: error.offset, reason: error.reason };
    throw error;
  }
}

function scan(bytes: Uint8Array, maxDepth: number): void {
  const n = bytes.length;
  /** 1 for an object, 0 for an array, per open container. */
  const open = new Uint8Array(maxDepth);
  let depth = 0;
  let expect = Expect.Value;
  let i = 0;
  const afterValue = () => (depth === 0 ? Expect.Nothing : Expect.CommaOrEnd);
  for (;;) {
    let byte = bytes[i];
    while (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) byte = bytes[++i];
    if (i >= n) {
      if (expect === Expect.Nothing) return;
      throw new Problem('INVALID_JSON', n, n === 0 ? 'no JSON value' : 'the JSON text ends early');
    }
    switch (expect) {
      case Expect.Nothing:
        throw new Problem('INVALID_JSON', i, 'more data after the JSON value');
      case Expect.Colon:
        if (byte !== COLON) throw new Problem('INVALID_JSON', i, "expected ':' after a property name");
        i++;
        expect = Expect.Value;
        break;
      case Expect.CommaOrEnd: {
        const inObject = open[depth - 1] === 1;
        if (byte === COMMA) {
          i++;
          expect = inObject ? Expect.Key : Expect.Value;
        } else if (byte === (inObject ? CLOSE_OBJECT : CLOSE_ARRAY)) {
          i++;
          depth--;
          expect = afterValue();
        } else {
          throw new Problem('INVALID_JSON', i, inObject ? "expected ',' or '}' after a property value" : "expected ',' or ']' after an array element");
        }
        break;
      }
      case Expect.Key:
      case Expect.KeyOrEnd:
        if (byte === CLOSE_OBJECT && expect === Expect.KeyOrEnd) {
          i++;
          depth--;
          expect = afterValue();
        } else if (byte === QUOTE) {
          i = scanString(bytes, i);
          expect = Expect.Colon;
        } else {
          throw new Problem('INVALID_JSON', i, expect === Expect.Key ? "expected a property name (a double-quoted string) after ','" : "expected a property name or '}'");
        }
        break;
      case Expect.Value:
      case Expect.ValueOrEnd:
        if (byte === CLOSE_ARRAY && expect === Expect.ValueOrEnd) {
          i++;
          depth--;
          expect = afterValue();
        } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
          if (depth === maxDepth) throw new Problem('JSON_TOO_DEEP', i, `nesting deeper than ${maxDepth} levels`);
          open[depth++] = byte === OPEN_OBJECT ? 1 : 0;
          i++;
          expect = byte === OPEN_OBJECT ? Expect.KeyOrEnd : Expect.ValueOrEnd;
        } else if (byte === QUOTE) {
          i = scanString(bytes, i);
          expect = afterValue();
        } else if (byte === 0x2d || (byte >= 0x30 && byte <= 0x39)) {
          i = scanNumber(bytes, i);
          expect = afterValue();
        } else if (LITERALS[byte]) {
          const literal = LITERALS[byte];
          for (let k = 0; k < literal.length; k++) {
            if (bytes[i + k] !== literal[k]) throw new Problem('INVALID_JSON', i, 'an unknown literal (only true, false and null are JSON)');
          }
          i += literal.length;
          expect = afterValue();
        } else {
          throw new Problem('INVALID_JSON', i, unexpected(bytes, i));
        }
        break;
    }
  }
}

function unexpected(bytes: Uint8Array, i: number): string {
  const byte = bytes[i];
  if (i === 0 && byte === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'a byte order mark (send UTF-8 without one)';
  if (byte === 0) return 'a NUL byte outside a string (is the body UTF-16? send UTF-8)';
  return 'a character that cannot start a JSON value';
}

/** From the opening quote at `start` to just after the closing one. */
function scanString(bytes: Uint8Array, start: number): number {
  const n = bytes.length;
  let i = start + 1;
  for (;;) {
    // Bytes a string holds as they are: everything but control characters, `"` and `\`.
    let byte = bytes[i];
    while (byte >= 0x20 && byte !== QUOTE && byte !== BACKSLASH) byte = bytes[++i];
    if (i >= n) throw new Problem('INVALID_JSON', start, 'a string that is never closed');
    if (byte === QUOTE) return i + 1;
    if (byte === 0) throw new Problem('NUL_CHARACTER', i, 'a NUL character (U+0000) in a string');
    if (byte !== BACKSLASH) throw new Problem('INVALID_JSON', i, 'a control character in a string (it must be escaped)');
    const escaped = bytes[i + 1];
    if (SIMPLE_ESCAPES.has(escaped)) {
      i += 2;
      continue;
    }
    if (escaped !== 0x75) throw new Problem('INVALID_JSON', i, 'an invalid escape in a string');
    const unit = hex4(bytes, i + 2);
    if (unit < 0) throw new Problem('INVALID_JSON', i, 'an invalid \\u escape in a string (four hex digits expected)');
    if (unit === 0) throw new Problem('NUL_CHARACTER', i, 'a NUL character (\\u0000) in a string');
    if (unit >= 0xdc00 && unit <= 0xdfff) throw new Problem('LONE_SURROGATE', i, 'a low surrogate escape without a high surrogate before it');
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = bytes[i + 6] === BACKSLASH && bytes[i + 7] === 0x75 ? hex4(bytes, i + 8) : -1;
      if (next < 0xdc00 || next > 0xdfff) throw new Problem('LONE_SURROGATE', i, 'a high surrogate escape without a low surrogate escape after it');
      i += 12;
    } else {
      i += 6;
    }
  }
}

/** The code unit of four hex digits at `at`, or -1. */
function hex4(bytes: Uint8Array, at: number): number {
  let unit = 0;
  for (let k = at; k < at + 4; k++) {
    const byte = bytes[k];
    const digit =
      byte >= 0x30 && byte <= 0x39 ? byte - 0x30 : byte >= 0x61 && byte <= 0x66 ? byte - 0x57 : byte >= 0x41 && byte <= 0x46 ? byte - 0x37 : -1;
    if (digit < 0) return -1;
    unit = unit * 16 + digit;
  }
  return unit;
}

/** `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` from `start`; returns the offset after it. */
function scanNumber(bytes: Uint8Array, start: number): number {
  let i = start;
  if (bytes[i] === 0x2d) i++;
  if (bytes[i] === 0x30) i++;
  else i = digits(bytes, i, start);
  if (bytes[i] === 0x2e) i = digits(bytes, i + 1, start);
  if (bytes[i] === 0x65 || bytes[i] === 0x45) {
    i++;
    if (bytes[i] === 0x2b || bytes[i] === 0x2d) i++;
    i = digits(bytes, i, start);
  }
  return i;
}

/** One or more digits from `from`; returns the offset after them. */
function digits(bytes: Uint8Array, from: number, number: number): number {
  let i = from;
  while (bytes[i] >= 0x30 && bytes[i] <= 0x39) i++;
  if (i === from) throw new Problem('INVALID_JSON', number, 'an invalid number');
  return i;
}
