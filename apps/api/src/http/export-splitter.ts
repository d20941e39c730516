import { isUtf8 } from 'node:buffer';
import { firstInvalidUtf8, type JsonProblem, MAX_JSON_DEPTH, scanJson } from './json-gate';
import { hasSuspectEscape } from './suspect-escape';

/**
 * Splits a JSON body that should be a top-level array into its elements as
 * the bytes arrive, so each element (one conversation) can be gated and
 * checked on its own and memory holds one element at a time. The bytes
 * between elements (`[`, `,`, `]`, whitespace) are checked here; each element
 * is checked by the JSON gate's own scan when it is complete, so problems get
 * the same codes, offsets and reasons as the whole-body gate gives.
 */

/** A problem at a byte of the whole body; `element` is the index of the element it is in, if any. */
export interface SplitProblem extends JsonProblem {
  readonly element?: number;
}

export class SplitError extends Error {
  constructor(
    readonly problem: SplitProblem,
    /** `at byte 14 (line 1, column 15)` */
    readonly where: string,
  ) {
    super(problem.reason);
  }
}

/** Thrown by push() when a problem is certain but its code needs the next chunk: push it (or call end()) to learn it. */
export class Suspended extends Error {}

/** Thrown when one element passes the size the splitter holds at once. */
export class ElementTooLarge extends Error {
  constructor(
    readonly element: number,
    /** Where it starts: `at byte 14 (line 1, column 15)`. */
    readonly where: string,
  ) {
    super('element too large');
  }
}

/** Thrown when the body is JSON but not an array (the value is not kept: it can be any size). */
export class NotAnArray extends Error {}

export interface SplitSink {
  /** Bytes between elements, as sent. */
  between(bytes: Buffer): void;
  /** A complete element that passed the gate: its bytes, its parsed value, its index. */
  element(bytes: Buffer, value: unknown, index: number): void;
}

const enum Top {
  Start,
  /** After `[`: an element or `]`. */
  ValueOrEnd,
  /** After `,`. */
  Value,
  CommaOrEnd,
  /** After the closing `]`. */
  Done,
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isSpace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
/** `"`, `{`, `[`, `-`, digits, and the first letters of true, false, null. */
const startsValue = (byte: number) =>
  byte === QUOTE || byte === 0x7b || byte === 0x5b || byte === 0x2d || (byte >= 0x30 && byte <= 0x39) || byte === 0x74 || byte === 0x66 || byte === 0x6e;

/** Elements sit one level down: the gate's depth limit counts the top-level array. */
const ELEMENT_DEPTH = MAX_JSON_DEPTH - 1;
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class ExportSplitter {
  private top = Top.Start;
  /** Bytes seen before the current chunk. */
  private offset = 0;
  /** Newlines before the current element (or chunk position) and where the last one was, for line/column in messages. */
  private lines = 0;
  private lastNewline = -1;
  // The element being read: its start (-1 between elements), bytes so far, and scan state.
  private elementStart = -1;
  private parts: Buffer[] = [];
  private partBytes = 0;
  private index = 0;
  private fresh = false;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private scalar = false;
  /** A non-ASCII byte between values, whose problem depends on the bytes after it. */
  private suspect: { at: number; bytes: Buffer; reason: string } | undefined;

  constructor(
    private readonly sink: SplitSink,
    private readonly maxElementBytes: number,
  ) {}

  /** Whether the body's first value has begun (the splitter is past the leading whitespace). */
  get started(): boolean {
    return this.top !== Top.Start;
  }

  push(chunk: Buffer): void {
    if (this.suspect) this.judgeSuspect(chunk);
    const n = chunk.length;
    let i = 0;
    let between = 0;
    while (i < n) {
      if (this.elementStart >= 0) {
        const end = this.scanElement(chunk, i);
        this.addPart(chunk.subarray(i, end < 0 ? n : end));
        if (end < 0) break;
        i = end;
        between = i;
        this.finishElement();
        continue;
      }
      const byte = chunk[i];
      if (isSpace(byte)) {
        if (byte === 0x0a) this.newline(this.offset + i);
        i++;
      } else if ((this.top === Top.ValueOrEnd || this.top === Top.Value) && startsValue(byte)) {
        this.sink.between(chunk.subarray(between, i));
        this.startElement(this.offset + i);
      } else {
        i = this.structural(chunk, i, byte);
      }
    }
    if (this.elementStart < 0 && between < n) this.sink.between(chunk.subarray(between, n));
    this.offset += n;
  }

  /** After the last chunk: throws unless the body was one complete array. */
  end(): void {
    if (this.suspect) this.judgeSuspect(Buffer.alloc(0), true);
    const total = this.offset;
    if (this.elementStart >= 0) this.gatePart();
    if (this.top !== Top.Done) this.fail(total, total === 0 ? 'no JSON value' : 'the JSON text ends early');
  }

  private structural(chunk: Buffer, i: number, byte: number): number {
    const at = this.offset + i;
    switch (this.top) {
      case Top.Start:
        if (byte === 0x5b) {
          this.top = Top.ValueOrEnd;
          return i + 1;
        }
        if (startsValue(byte)) throw new NotAnArray();
        return this.fail(at, this.unexpected(chunk, i));
      case Top.ValueOrEnd:
      case Top.Value:
        if (byte === 0x5d && this.top === Top.ValueOrEnd) {
          this.top = Top.Done;
          return i + 1;
        }
        return this.fail(at, this.unexpected(chunk, i));
      case Top.CommaOrEnd:
        if (byte === 0x2c) this.top = Top.Value;
        else if (byte === 0x5d) this.top = Top.Done;
        else return this.misplaced(chunk, i, "expected ',' or ']' after an array element");
        return i + 1;
      case Top.Done:
        return this.misplaced(chunk, i, 'more data after the JSON value');
    }
  }

  private misplaced(chunk: Buffer, i: number, reason: string): never {
    return chunk[i] < 0x80 ? this.fail(this.offset + i, reason) : this.suspend(chunk, i, reason);
  }

  /** Why the byte at `i` cannot be here; a non-ASCII one is judged once its sequence has arrived (it may span chunks). */
  private unexpected(chunk: Buffer, i: number): string {
    const byte = chunk[i];
    if (byte === 0) return 'a NUL byte outside a string (is the body UTF-16? send UTF-8)';
    const reason = 'a character that cannot start a JSON value';
    return byte < 0x80 ? reason : this.suspend(chunk, i, reason);
  }

  /** A non-ASCII byte where none can be: INVALID_UTF8 if it starts no UTF-8 sequence (as the whole-body gate checks UTF-8 first), else `reason`. */
  private suspend(chunk: Buffer, i: number, reason: string): never {
    this.suspect = { at: this.offset + i, bytes: chunk.subarray(i, i + 4), reason };
    if (this.suspect.bytes.length < 4) throw new Suspended();
    return this.judgeSuspect(Buffer.alloc(0), true);
  }

  /** The byte order mark, invalid UTF-8, or a character that cannot be here: the problem at a non-ASCII byte between values. */
  private judgeSuspect(more: Buffer, final = false): never {
    const suspect = this.suspect as { at: number; bytes: Buffer; reason: string };
    const bytes = Buffer.concat([suspect.bytes, more.subarray(0, 4 - suspect.bytes.length)]);
    if (bytes.length < 4 && !final) {
      suspect.bytes = bytes;
      throw new Suspended();
    }
    const { at } = suspect;
    if (at === 0 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) this.fail(at, 'a byte order mark (send UTF-8 without one)');
    if (firstInvalidUtf8(bytes) === 0) throw new SplitError({ code: 'INVALID_UTF8', offset: at, reason: 'a byte sequence that is not UTF-8' }, this.describe(at));
    return this.fail(at, suspect.reason);
  }

  private startElement(at: number): void {
    this.elementStart = at;
    this.parts = [];
    this.partBytes = 0;
    this.fresh = true;
  }

  private addPart(part: Buffer): void {
    this.parts.push(part);
    this.partBytes += part.length;
    if (this.partBytes > this.maxElementBytes) throw new ElementTooLarge(this.index, this.describe(this.elementStart));
  }

  /**
   * Where the current element ends in `chunk` (the offset after its last
   * byte), or -1 when it goes on. Strings are skipped with indexOf: most of an
   * export is text.
   */
  private scanElement(chunk: Buffer, from: number): number {
    const n = chunk.length;
    let i = from;
    if (this.fresh) {
      const first = chunk[i++];
      this.fresh = false;
      this.depth = first === 0x7b || first === 0x5b ? 1 : 0;
      this.inString = first === QUOTE;
      this.escaped = false;
      this.scalar = this.depth === 0 && !this.inString;
    }
    if (this.scalar) {
      while (i < n && !isSpace(chunk[i]) && chunk[i] !== 0x2c && chunk[i] !== 0x5d) i++;
      return i < n ? i : -1;
    }
    let backslash = -1;
    for (;;) {
      if (this.inString) {
        if (this.escaped) {
          if (i >= n) return -1;
          i++;
          this.escaped = false;
        }
        if (backslash < i) backslash = indexOr(chunk, BACKSLASH, i, n);
        const quote = indexOr(chunk, QUOTE, i, n);
        if (backslash < quote) {
          i = backslash + 1;
          this.escaped = true;
          continue;
        }
        if (quote === n) return -1;
        i = quote + 1;
        this.inString = false;
        if (this.depth === 0) return i;
      }
      while (i < n && !this.inString) {
        const byte = chunk[i++];
        if (byte === QUOTE) this.inString = true;
        else if (byte === 0x7b || byte === 0x5b) {
          if (++this.depth > ELEMENT_DEPTH) {
            // Too deep: the gate names the first problem of what arrived so far.
            this.addPart(chunk.subarray(from, i));
            this.gatePart();
          }
        } else if ((byte === 0x7d || byte === 0x5d) && --this.depth === 0) return i;
      }
      if (!this.inString) return -1;
    }
  }

  private finishElement(): void {
    const bytes = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.partBytes);
    this.parts = [];
    const value = this.gate(bytes);
    for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) this.newline(this.elementStart + i);
    this.elementStart = -1;
    this.top = Top.CommaOrEnd;
    this.sink.element(bytes, value, this.index++);
  }

  /** The gate on the part of the element received so far: an incomplete element always has a problem, the first of which is thrown. */
  private gatePart(): never {
    this.gate(Buffer.concat(this.parts, this.partBytes));
    return this.fail(this.elementStart + this.partBytes, 'the JSON text ends early');
  }

  /**
   * The JSON gate on one element: the same checks, in the same order, as on a
   * whole body. Most elements take the fast path: valid UTF-8 (native check),
   * no `\u` escape of a NUL or a lone surrogate, and JSON.parse accepts the
   * text; the splitter has already bounded the depth. Anything else gets the
   * gate's byte scan, which names the first problem exactly.
   */
  private gate(bytes: Buffer): unknown {
    const utf8 = isUtf8(bytes);
    if (utf8 && !hasSuspectEscape(bytes)) {
      try {
        // Known to be UTF-8, and an element starts with a value byte (never a BOM): the plain decode is the strict one.
        return JSON.parse(bytes.toString('utf8'));
      } catch {
        // Not JSON: the scan below says where.
      }
    }
    const problem = utf8 ? scanJson(bytes, ELEMENT_DEPTH) : { code: 'INVALID_UTF8' as const, offset: firstInvalidUtf8(bytes), reason: 'a byte sequence that is not UTF-8' };
    if (problem) {
      const offset = this.elementStart + problem.offset;
      throw new SplitError({ code: problem.code, offset, reason: elementReason(problem), element: this.index }, this.describe(offset, bytes));
    }
    return JSON.parse(STRICT_UTF8.decode(bytes));
  }

  /** `at byte 14 (line 1, column 15)`, the column counting bytes; `element` holds the current element's bytes when the offset is inside it. */
  private describe(offset: number, element?: Buffer): string {
    let line = this.lines + 1;
    let lineStart = this.lastNewline + 1;
    if (element) {
      for (let i = element.indexOf(0x0a); i !== -1 && this.elementStart + i < offset; i = element.indexOf(0x0a, i + 1)) {
        line++;
        lineStart = this.elementStart + i + 1;
      }
    }
    return `at byte ${offset} (line ${line}, column ${offset - lineStart + 1})`;
  }

  private newline(at: number): void {
    this.lines++;
    this.lastNewline = at;
  }

  private fail(offset: number, reason: string): never {
    throw new SplitError({ code: 'INVALID_JSON', offset, reason, ...(this.elementStart >= 0 ? { element: this.index } : {}) }, this.describe(offset));
  }
}

function elementReason(problem: JsonProblem): string {
  if (problem.code === 'JSON_TOO_DEEP') return `nesting deeper than ${MAX_JSON_DEPTH} levels`;
  if (problem.reason === 'more data after the JSON value') return "expected ',' or ']' after an array element";
  return problem.reason;
}

function indexOr(chunk: Buffer, byte: number, from: number, otherwise: number): number {
  const at = chunk.indexOf(byte, from);
  return at < 0 ? otherwise : at;
}

