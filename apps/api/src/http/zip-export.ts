import { HttpStatus } from '@nestjs/common';
import { Readable, pipeline } from 'node:stream';
import { crc32, createInflateRaw, type InflateRaw } from 'node:zlib';
import { ApiException } from './api.exception';

/**
 * The `.zip` ChatGPT gives users, read as it arrives (no central directory:
 * that is at the end): entries are skipped by the sizes in their local
 * headers until `conversations.json`, which is inflated as it streams. An
 * entry whose sizes only follow its data (general-purpose flag bit 3: a data
 * descriptor, as ChatGPT and re-zipping tools may write) is read, or skipped,
 * by inflating it to the end of its deflate stream (which ends by itself),
 * then its descriptor is checked against what was inflated. Only what cannot
 * be read that way is refused (UNSUPPORTED_ZIP): such a stored entry (its end
 * cannot be found without the central directory), another compression
 * method, encryption.
 */

const LOCAL_HEADER = 0x04034b50;
const DESCRIPTOR = 0x08074b50;
const ZIP_TYPES = new Set(['application/zip', 'application/x-zip-compressed', 'application/x-zip']);
const TARGET = 'conversations.json';

export function isZipContentType(header: string | undefined): boolean {
  return ZIP_TYPES.has((header ?? '').split(';')[0].trim().toLowerCase());
}

export function startsLikeZip(chunk: Buffer): boolean {
  return chunk.length >= 4 && chunk.readUInt32LE(0) === LOCAL_HEADER;
}

const zipProblem = (code: string, message: string) => new ApiException(HttpStatus.BAD_REQUEST, code, message);
const invalidZip = (what: string) => zipProblem('INVALID_ZIP', `The upload is not a readable zip archive: ${what}`);

interface Entry {
  readonly name: string;
  readonly method: number;
  readonly compressed: number;
  /** Flag bit 3: a data descriptor follows the data. */
  readonly described: boolean;
  /** The sizes are in the data descriptor only (the local header has zeros). */
  readonly sizesFollow: boolean;
  /** The header has a ZIP64 extended information field: the descriptor's sizes are 8 bytes each. */
  readonly zip64: boolean;
}

/** What reading an entry's data found, to check its data descriptor against. */
interface EntryData {
  readonly compressed: number;
  readonly crc?: number;
  readonly size?: number;
}

/**
 * The bytes of the archive's conversations.json (at its root or in one
 * folder), inflated, at most `limit` of them (413, against zip bombs). The
 * rest of the archive is read and dropped.
 */
export async function* conversationsJsonOf(first: Buffer, rest: AsyncIterable<Buffer>, limit: number): AsyncGenerator<Buffer> {
  const reader = new ChunkReader(first, rest);
  for (;;) {
    const entry = await readEntry(reader);
    if (entry === undefined) throw zipProblem('ZIP_WITHOUT_CONVERSATIONS', `The zip archive holds no ${TARGET} (the ChatGPT export's conversations)`);
    const isTarget = entry.name === TARGET || entry.name.endsWith(`/${TARGET}`);
    if (entry.compressed === 0xffffffff) throw unsupportedSizes();
    if (isTarget && entry.method !== 0 && entry.method !== 8) throw zipProblem('UNSUPPORTED_ZIP', `${TARGET} is compressed with method ${entry.method}; only deflate and stored are read`);
    if (entry.sizesFollow && entry.method !== 8) throw unsupportedSizes();
    if (!isTarget) {
      await skipEntry(reader, entry);
      continue;
    }
    if (entry.sizesFollow) {
      const data = yield* bounded(inflatedToEnd(reader), limit);
      await readDescriptor(reader, entry, data);
    } else {
      yield* bounded(entry.method === 8 ? inflated(reader.take(entry.compressed)) : reader.take(entry.compressed), limit);
    }
    for await (const dropped of reader.take(Number.POSITIVE_INFINITY)) void dropped;
    return;
  }
}

const unsupportedSizes = () =>
  zipProblem('UNSUPPORTED_ZIP', 'The zip archive gives the size of an entry that is not deflated only after its data; send the .zip as ChatGPT exported it, or conversations.json itself');

/** Skips an entry by its sizes, or, when only its descriptor has them, by inflating it to its end. */
async function skipEntry(reader: ChunkReader, entry: Entry): Promise<void> {
  if (!entry.sizesFollow) {
    await reader.skip(entry.compressed);
    if (entry.described) await readDescriptor(reader, entry, { compressed: entry.compressed });
    return;
  }
  const inflating = inflatedToEnd(reader);
  for (;;) {
    const next = await inflating.next();
    if (next.done) return readDescriptor(reader, entry, next.value);
  }
}

async function readEntry(reader: ChunkReader): Promise<Entry | undefined> {
  const first = reader.consumed === 0;
  const header = await reader.read(30);
  if (header === undefined || header.readUInt32LE(0) !== LOCAL_HEADER) {
    if (first) throw invalidZip('it does not begin with a zip entry');
    // The central directory (or the end of the archive) comes after the last entry.
    return undefined;
  }
  const flags = header.readUInt16LE(6);
  if (flags & 1) throw zipProblem('UNSUPPORTED_ZIP', 'The zip archive is encrypted');
  const name = await reader.read(header.readUInt16LE(26));
  const extra = await reader.read(header.readUInt16LE(28));
  if (name === undefined || extra === undefined) throw invalidZip('it ends inside an entry header');
  let compressed = header.readUInt32LE(18);
  if (compressed === 0xffffffff) compressed = zip64CompressedSize(extra) ?? compressed;
  const described = (flags & 8) !== 0;
  const zip64 = zip64CompressedSize(extra) !== undefined;
  return { name: name.toString('utf8'), method: header.readUInt16LE(8), compressed, described, sizesFollow: described && compressed === 0, zip64 };
}

/**
 * Reads the data descriptor after an entry's data: an optional signature, the
 * CRC-32, then the compressed and original sizes (8 bytes each after a ZIP64
 * header, else 4; a 4-byte reading that does not match is tried as 8), and
 * checks them against what was read (an entry skipped by its sizes has no CRC
 * or original size to compare).
 */
async function readDescriptor(reader: ChunkReader, entry: Entry, data: EntryData): Promise<void> {
  const broken = () => invalidZip("an entry's data descriptor does not match its data");
  const start = await reader.peek(8);
  if (start === undefined) throw invalidZip('it ends inside an entry');
  const signed = start.readUInt32LE(0) === DESCRIPTOR && (data.crc === undefined || data.crc !== DESCRIPTOR || start.readUInt32LE(4) === DESCRIPTOR);
  if (signed) await reader.read(4);
  const crc = await reader.read(4);
  const short = entry.zip64 ? undefined : await reader.read(8);
  if (crc === undefined || (!entry.zip64 && short === undefined)) throw invalidZip('it ends inside an entry');
  if (data.crc !== undefined && crc.readUInt32LE(0) !== data.crc) throw broken();
  const matches = (compressed: number, size: number) => compressed === data.compressed && (data.size === undefined || size === data.size);
  const low32 = (value: number | undefined) => (value === undefined ? undefined : value % 2 ** 32);
  if (short && short.readUInt32LE(0) === low32(data.compressed) && (data.size === undefined || short.readUInt32LE(4) === low32(data.size))) return;
  const rest = await reader.read(short ? 8 : 16);
  if (rest === undefined) throw invalidZip('it ends inside an entry');
  const long = short ? Buffer.concat([short, rest]) : rest;
  if (!matches(Number(long.readBigUInt64LE(0)), Number(long.readBigUInt64LE(8)))) throw broken();
}

/** The compressed size from a ZIP64 extended information field (id 1: original size, then compressed size). */
function zip64CompressedSize(extra: Buffer): number | undefined {
  for (let at = 0; at + 4 <= extra.length; at += 4 + extra.readUInt16LE(at + 2)) {
    if (extra.readUInt16LE(at) === 1 && extra.readUInt16LE(at + 2) >= 16) return Number(extra.readBigUInt64LE(at + 12));
  }
  return undefined;
}

async function* inflated(compressed: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const output = pipeline(Readable.from(compressed), createInflateRaw(), () => undefined);
  try {
    for await (const chunk of output as AsyncIterable<Buffer>) yield chunk;
  } catch (error) {
    if (error instanceof ApiException) throw error;
    throw invalidZip(`${TARGET} does not inflate`);
  }
}

/**
 * Inflates a deflated entry of unknown length from `reader` to the end of its
 * deflate stream, one chunk in flight, and hands what followed it back to the
 * reader. Returns the compressed size, CRC-32 and size, for its descriptor.
 */
async function* inflatedToEnd(reader: ChunkReader): AsyncGenerator<Buffer, EntryData> {
  const inflate = createInflateRaw();
  const fed = feed(reader, inflate);
  fed.catch(() => undefined);
  let crc = 0;
  let size = 0;
  try {
    for await (const chunk of inflate as AsyncIterable<Buffer>) {
      crc = crc32(chunk, crc);
      size += chunk.length;
      yield chunk;
    }
  } catch (error) {
    if (error instanceof ApiException) throw error;
    throw invalidZip('an entry does not inflate');
  } finally {
    inflate.destroy();
  }
  return { compressed: await fed, crc, size };
}

/**
 * Writes the reader's chunks into `inflate` until it takes no more: zlib stops
 * at the end of the deflate stream, and its bytesWritten then counts exactly
 * the entry's compressed bytes, so the rest of the last chunk is put back.
 */
async function feed(reader: ChunkReader, inflate: InflateRaw): Promise<number> {
  let written = 0;
  for (;;) {
    const chunk = await reader.nextChunk();
    if (chunk === undefined) {
      inflate.end();
      return inflate.bytesWritten;
    }
    written += chunk.length;
    await new Promise<void>((resolve, reject) => inflate.write(chunk, (error) => (error ? reject(error) : resolve())));
    const left = written - inflate.bytesWritten;
    if (left > 0) {
      reader.unread(chunk.subarray(chunk.length - left));
      return inflate.bytesWritten;
    }
  }
}

/** The chunks, refused (413) once more than `limit` bytes came; returns what the chunks returned. */
async function* bounded<R>(chunks: AsyncGenerator<Buffer, R>, limit: number): AsyncGenerator<Buffer, R> {
  let size = 0;
  try {
    for (;;) {
      const next = await chunks.next();
      if (next.done) return next.value;
      size += next.value.length;
      if (size > limit) {
        throw new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, 'BODY_TOO_LARGE', `${TARGET} in the zip archive inflates to more than the limit of ${limit} bytes`);
      }
      yield next.value;
    }
  } finally {
    await chunks.return(undefined as R);
  }
}

/** Reads exact byte counts from a stream of chunks, keeping only what was read ahead. */
class ChunkReader {
  private pending: Buffer;
  private readonly source: AsyncIterator<Buffer>;
  consumed = 0;

  constructor(first: Buffer, rest: AsyncIterable<Buffer>) {
    this.pending = first;
    this.source = rest[Symbol.asyncIterator]();
  }

  /** Exactly `n` bytes, or undefined when the stream ends first. */
  async read(n: number): Promise<Buffer | undefined> {
    while (this.pending.length < n) {
      const next = await this.source.next();
      if (next.done) return undefined;
      this.pending = this.pending.length === 0 ? next.value : Buffer.concat([this.pending, next.value]);
    }
    const bytes = this.pending.subarray(0, n);
    this.pending = this.pending.subarray(n);
    this.consumed += n;
    return bytes;
  }

  /** The next `n` bytes without reading them, or undefined when the stream ends first. */
  async peek(n: number): Promise<Buffer | undefined> {
    const bytes = await this.read(n);
    if (bytes !== undefined) this.unread(bytes);
    return bytes;
  }

  /** Whatever is read ahead, else the stream's next chunk; undefined at its end. */
  async nextChunk(): Promise<Buffer | undefined> {
    let chunk = this.pending;
    if (chunk.length === 0) {
      const next = await this.source.next();
      if (next.done) return undefined;
      chunk = next.value;
    }
    this.pending = Buffer.alloc(0);
    this.consumed += chunk.length;
    return chunk;
  }

  /** Puts back bytes just read, to be read again first. */
  unread(bytes: Buffer): void {
    this.pending = this.pending.length === 0 ? bytes : Buffer.concat([bytes, this.pending]);
    this.consumed -= bytes.length;
  }

  async skip(n: number): Promise<void> {
    for await (const skipped of this.take(n)) void skipped;
  }

  /** The next `n` bytes as they arrive (fewer when the stream ends first: the archive is cut short). */
  async *take(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.pending.length === 0) {
        const next = await this.source.next();
        if (next.done) {
          if (Number.isFinite(n)) throw invalidZip('it ends inside an entry');
          return;
        }
        this.pending = next.value;
      }
      const bytes = this.pending.subarray(0, Math.min(left, this.pending.length));
      this.pending = this.pending.subarray(bytes.length);
      left -= bytes.length;
      this.consumed += bytes.length;
      yield bytes;
    }
  }
}
