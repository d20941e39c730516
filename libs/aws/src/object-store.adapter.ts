import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  type CompletedPart,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { OnApplicationShutdown } from '@nestjs/common';
import { describeError, isTransientAwsError } from './aws-error.classifier';
import { toObjectStoreError } from './aws-error.mapper';
import type { AwsOptions } from './aws.options';
import { ObjectStoreError } from './object-store.error';
import { createS3Client } from './sdk-client.config';

/** Bodies above one part go multipart; at most partSize x queueSize bytes are buffered at once. */
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 4;
/** Streamed bodies use S3's smallest part, so what is buffered stays small: QUEUE_SIZE + 1 part buffers. */
const STREAM_PART_SIZE = 5 * 1024 * 1024;
/** The most keys ListObjectsV2 returns and DeleteObjects accepts per call. */
const S3_BATCH_LIMIT = 1000;

export interface ObjectStoreTuning {
  /** Keys per ListObjectsV2 page; small values let tests exercise pagination. */
  pageSize?: number;
}

/**
 * The payload bucket on S3. Every method works on `bucket` and throws only
 * ObjectStoreError (codes OBJECT_NOT_FOUND, STORAGE_UNAVAILABLE, INVALID_CONTENT, STORAGE_ERROR).
 * Built by AwsModule; owns its SDK client and destroys it at application shutdown.
 */
export class ObjectStore implements OnApplicationShutdown {
  readonly bucket: string;
  private readonly s3: S3Client;
  private readonly pageSize: number;

  constructor(options: AwsOptions, tuning: ObjectStoreTuning = {}) {
    this.bucket = options.payloadBucket;
    this.s3 = createS3Client(options);
    this.pageSize = Math.min(tuning.pageSize ?? S3_BATCH_LIMIT, S3_BATCH_LIMIT);
  }

  /** Streams the body up; large bodies go as a multipart upload that is aborted on failure. */
  async put(key: string, body: Buffer | string | Readable, contentType = 'application/json'): Promise<void> {
    if (!(body instanceof Readable) && Buffer.byteLength(body) <= PART_SIZE) {
      await this.attempt('put', key, () => this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType })));
      return;
    }
    const upload = new Upload({
      client: this.s3,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: contentType },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
    });
    await this.attempt('put', key, () => upload.done());
  }

  /**
   * Streams `body` up as it is produced, for a body of unknown size that is
   * checked while it is read: bytes are copied into S3's smallest parts (5
   * MiB) from a pool of QUEUE_SIZE + 1 buffers that are reused once a part is
   * acknowledged, so memory stays flat and makes no garbage (lib-storage's
   * Upload concatenates each part anew: about 55 MB more for 200 MB, measured).
   * A body under one part is a single PutObject at its end. If the body fails
   * (the producer refused it), or S3 does, the multipart upload is aborted
   * after the parts in flight have settled, so no object and no stored parts
   * remain. The body's own error is rethrown as it is; S3's become ObjectStoreError.
   */
  async putStream(key: string, body: Readable, contentType = 'application/json'): Promise<void> {
    const writer = new PartWriter(this.s3, { Bucket: this.bucket, Key: key, ContentType: contentType });
    const failed = async (error: unknown): Promise<never> => {
      await writer.abort().catch(() => undefined);
      throw error;
    };
    const s3Failed = (error: unknown): Promise<never> => {
      body.destroy();
      return failed(toObjectStoreError(writer.failure ?? error, 'put', this.bucket, key));
    };
    const chunks = (body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    for (;;) {
      const next = await chunks.next().catch(failed);
      if (next.done) break;
      await writer.write(next.value).catch(s3Failed);
    }
    await writer.finish().catch(s3Failed);
  }

  /** The object's bytes as a stream. Errors while reading it surface on the stream itself, unmapped. */
  async get(key: string): Promise<Readable> {
    const output = await this.attempt('get', key, () =>
      this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key })),
    );
    if (output.Body instanceof Readable) return output.Body;
    throw new ObjectStoreError('STORAGE_ERROR', `S3 get of "${key}" returned no readable body`, key);
  }

  /**
   * The object as text. With `maxBytes`, an object larger than that is refused
   * (OBJECT_TOO_LARGE) from its declared length before any byte is read, or as
   * soon as more bytes than that arrive, so memory stays bounded.
   */
  async getText(key: string, maxBytes = Number.POSITIVE_INFINITY): Promise<string> {
    const output = await this.attempt('get', key, () => this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key })));
    const body = output.Body;
    if (!(body instanceof Readable)) throw new ObjectStoreError('STORAGE_ERROR', `S3 get of "${key}" returned no readable body`, key);
    const tooLarge = (size: string) => new ObjectStoreError('OBJECT_TOO_LARGE', `Object "${key}" is ${size} bytes, over the limit of ${maxBytes}`, key);
    if (output.ContentLength !== undefined && output.ContentLength > maxBytes) {
      body.destroy();
      throw tooLarge(String(output.ContentLength));
    }
    if (maxBytes === Number.POSITIVE_INFINITY) return this.attempt('read', key, () => text(body));
    return this.attempt('read', key, () => boundedText(body, maxBytes, () => tooLarge(`more than ${maxBytes}`)));
  }

  async getJson<T = unknown>(key: string, options: { maxBytes?: number } = {}): Promise<T> {
    const raw = await this.getText(key, options.maxBytes);
    try {
      return JSON.parse(raw) as T;
    } catch (error) {
      const reason = describeError(error);
      throw new ObjectStoreError('INVALID_CONTENT', `Object "${key}" is not valid JSON: ${reason}`, key, { cause: error });
    }
  }

  /** Deleting a missing key succeeds, as in S3. */
  async delete(key: string): Promise<void> {
    await this.attempt('delete', key, () => this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })));
  }

  /** Deletes every key under a non-empty prefix; returns how many were deleted. */
  async deletePrefix(prefix: string): Promise<number> {
    if (prefix === '') throw new Error('ObjectStore.deletePrefix needs a non-empty prefix: it would empty the bucket');
    // Listing everything first keeps pagination independent of the deletes.
    return this.deleteMany(await this.list(prefix));
  }

  /**
   * Deletes these keys, up to 1000 per DeleteObjects call; missing keys are
   * no error, as in S3. Returns how many keys were asked for (repeats counted once).
   */
  async deleteMany(keys: readonly string[]): Promise<number> {
    const unique = [...new Set(keys)];
    for (let start = 0; start < unique.length; start += S3_BATCH_LIMIT) {
      await this.deleteBatch(unique.slice(start, start + S3_BATCH_LIMIT));
    }
    return unique.length;
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      const mapped = toObjectStoreError(error, 'head', this.bucket, key);
      if (mapped.code === 'OBJECT_NOT_FOUND') return false;
      throw mapped;
    }
  }

  /** The object's size in bytes, or undefined when it does not exist (or S3 does not say). */
  async size(key: string): Promise<number | undefined> {
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return head.ContentLength;
    } catch (error) {
      const mapped = toObjectStoreError(error, 'head', this.bucket, key);
      if (mapped.code === 'OBJECT_NOT_FOUND') return undefined;
      throw mapped;
    }
  }

  /** Every key under the prefix, in S3's (lexicographic) order, across all pages. */
  async list(prefix: string): Promise<string[]> {
    return this.attempt('list', prefix, async () => {
      const keys: string[] = [];
      const pages = paginateListObjectsV2(
        { client: this.s3, pageSize: this.pageSize },
        { Bucket: this.bucket, Prefix: prefix },
      );
      for await (const page of pages) {
        for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
      }
      return keys;
    });
  }

  onApplicationShutdown(): void {
    this.s3.destroy();
  }

  private async deleteBatch(keys: string[]): Promise<void> {
    const output = await this.attempt('deleteMany', keys[0], () =>
      this.s3.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
        }),
      ),
    );
    const failed = output.Errors?.[0];
    if (failed === undefined) return;
    const code = isTransientAwsError({ name: failed.Code }) ? 'STORAGE_UNAVAILABLE' : 'STORAGE_ERROR';
    const count = output.Errors?.length ?? 1;
    const detail = `${failed.Code ?? 'unknown'}: ${failed.Message ?? ''}`;
    throw new ObjectStoreError(code, `S3 DeleteObjects left ${count} keys, first "${failed.Key}" (${detail})`, failed.Key);
  }

  private async attempt<T>(action: string, key: string | undefined, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw toObjectStoreError(error, action, this.bucket, key);
    }
  }
}

interface PartTarget {
  readonly Bucket: string;
  readonly Key: string;
  readonly ContentType: string;
}

/** One streamed upload: parts filled in reused buffers, at most QUEUE_SIZE in flight (see ObjectStore.putStream). */
class PartWriter {
  private readonly free: Buffer[] = [];
  private current: Buffer;
  private filled = 0;
  private uploadId: string | undefined;
  private readonly parts: CompletedPart[] = [];
  private nextPart = 1;
  private readonly inFlight = new Set<Promise<void>>();
  /** The first S3 error of a part in flight. */
  failure: unknown;

  constructor(
    private readonly s3: S3Client,
    private readonly target: PartTarget,
  ) {
    this.current = Buffer.allocUnsafeSlow(STREAM_PART_SIZE);
  }

  private get failed(): boolean {
    return this.failure !== undefined;
  }

  async write(chunk: Buffer): Promise<void> {
    for (let at = 0; at < chunk.length; ) {
      const copied = chunk.copy(this.current, this.filled, at);
      at += copied;
      this.filled += copied;
      if (this.filled === STREAM_PART_SIZE) await this.sendPart();
    }
  }

  async finish(): Promise<void> {
    if (this.uploadId === undefined) {
      await this.s3.send(new PutObjectCommand({ ...this.target, Body: this.current.subarray(0, this.filled) }));
      return;
    }
    if (this.filled > 0) await this.sendPart();
    await this.settle();
    this.parts.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
    const { Bucket, Key } = this.target;
    await this.s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId: this.uploadId, MultipartUpload: { Parts: this.parts } }));
    this.uploadId = undefined;
  }

  /** After the parts in flight settle (a part landing after the abort would stay stored). */
  async abort(): Promise<void> {
    await Promise.allSettled(this.inFlight);
    if (this.uploadId === undefined) return;
    const { Bucket, Key } = this.target;
    await this.s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId: this.uploadId }));
    this.uploadId = undefined;
  }

  private async sendPart(): Promise<void> {
    const { Bucket, Key } = this.target;
    this.uploadId ??= (await this.s3.send(new CreateMultipartUploadCommand({ ...this.target, ChecksumAlgorithm: 'CRC32' }))).UploadId;
    while (this.inFlight.size >= QUEUE_SIZE) await Promise.race(this.inFlight);
    if (this.failed) throw this.failure;
    const buffer = this.current;
    const PartNumber = this.nextPart++;
    const sent: Promise<void> = this.s3
      .send(new UploadPartCommand({ Bucket, Key, UploadId: this.uploadId, PartNumber, Body: buffer.subarray(0, this.filled), ChecksumAlgorithm: 'CRC32' }))
      .then(({ ETag, ChecksumCRC32 }) => {
        this.parts.push({ PartNumber, ETag, ChecksumCRC32 });
        this.free.push(buffer);
      })
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => this.inFlight.delete(sent));
    this.inFlight.add(sent);
    this.current = this.free.pop() ?? Buffer.allocUnsafeSlow(STREAM_PART_SIZE);
    this.filled = 0;
  }

  private async settle(): Promise<void> {
    await Promise.allSettled(this.inFlight);
    if (this.failed) throw this.failure;
  }
}

/** Reads a stream as UTF-8 text, destroying it and throwing `tooLarge()` once more than `maxBytes` arrived. */
async function boundedText(stream: Readable, maxBytes: number, tooLarge: () => Error): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      stream.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}
