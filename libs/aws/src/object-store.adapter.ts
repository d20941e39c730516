import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  type S3Client,
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
    const upload = new Upload({
      client: this.s3,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: contentType },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
    });
    await this.attempt('put', key, () => upload.done());
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
