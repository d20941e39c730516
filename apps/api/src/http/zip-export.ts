import { HttpStatus } from '@nestjs/common';
import { Readable, pipeline } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { ApiException } from './api.exception';

/**
 * The `.zip` ChatGPT gives users, read as it arrives (no central directory:
 * that is at the end): entries are skipped by the sizes in their local
 * headers until `conversations.json`, which is inflated as it streams. An
 * entry whose sizes only follow its data (a data descriptor, as some
 * re-zipping tools write) cannot be skipped safely without the central
 * directory, so such a zip is refused (UNSUPPORTED_ZIP).
 */

const LOCAL_HEADER = 0x04034b50;
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
  readonly sizesFollow: boolean;
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
    if (entry.sizesFollow || entry.compressed === 0xffffffff) {
      throw zipProblem('UNSUPPORTED_ZIP', 'The zip archive gives an entry\'s size only after its data; send the .zip as ChatGPT exported it, or conversations.json itself');
    }
    if (!isTarget) {
      await reader.skip(entry.compressed);
      continue;
    }
    if (entry.method !== 0 && entry.method !== 8) throw zipProblem('UNSUPPORTED_ZIP', `${TARGET} is compressed with method ${entry.method}; only deflate and stored are read`);
    yield* bounded(entry.method === 8 ? inflated(reader.take(entry.compressed)) : reader.take(entry.compressed), limit);
    for await (const dropped of reader.take(Number.POSITIVE_INFINITY)) void dropped;
    return;
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
  return { name: name.toString('utf8'), method: header.readUInt16LE(8), compressed, sizesFollow: (flags & 8) !== 0 && compressed === 0 };
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

async function* bounded(chunks: AsyncIterable<Buffer>, limit: number): AsyncGenerator<Buffer> {
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.length;
    if (size > limit) {
      throw new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, 'BODY_TOO_LARGE', `${TARGET} in the zip archive inflates to more than the limit of ${limit} bytes`);
    }
    yield chunk;
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
