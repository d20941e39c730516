import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Readable } from 'node:stream';
import { CreateBucketCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { AwsOptions } from './aws.options';
import { ObjectStore } from './object-store.adapter';
import { ObjectStoreError } from './object-store.error';

const MiB = 1024 * 1024;

function emulatorOptions(payloadBucket: string): AwsOptions {
  const endpoint = process.env.TEST_AWS_ENDPOINT;
  if (endpoint === undefined) throw new Error('TEST_AWS_ENDPOINT is not set: run through jest.config.cjs');
  return { region: 'us-east-1', endpoint, accessKeyId: 'local', secretAccessKey: 'local', payloadBucket };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function sha256(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function rejectionOf(promise: Promise<unknown>): Promise<ObjectStoreError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ObjectStoreError);
  return error as ObjectStoreError;
}

describe(ObjectStore.name, () => {
  const bucket = `aws-int-${randomUUID().slice(0, 8)}`;
  const options = emulatorOptions(bucket);
  const raw = new S3Client({ ...options, forcePathStyle: true, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const store = new ObjectStore(options, { pageSize: 2 });

  beforeAll(async () => {
    await raw.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  afterAll(() => {
    store.onApplicationShutdown();
    raw.destroy();
  });

  afterEach(() => jest.restoreAllMocks());

  async function contentTypeOf(key: string): Promise<string | undefined> {
    return (await raw.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ContentType;
  }

  describe('put', () => {
    it('round-trips a Buffer byte for byte with the default JSON content type', async () => {
      const body = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      await store.put('roundtrip/buffer.bin', body);
      expect(await sha256(await store.get('roundtrip/buffer.bin'))).toBe(createHash('sha256').update(body).digest('hex'));
      expect(await contentTypeOf('roundtrip/buffer.bin')).toBe('application/json');
    });

    it('round-trips a string with non-ASCII text and a given content type', async () => {
      await store.put('roundtrip/string.txt', 'graph ✓ 그래프 — ok', 'text/plain; charset=utf-8');
      expect(await store.getText('roundtrip/string.txt')).toBe('graph ✓ 그래프 — ok');
      expect(await contentTypeOf('roundtrip/string.txt')).toBe('text/plain; charset=utf-8');
    });

    it('round-trips a Readable stream', async () => {
      await store.put('roundtrip/stream.json', Readable.from([Buffer.from('{"a":'), Buffer.from('[1,2,'), Buffer.from('3]}')]));
      await expect(store.getJson('roundtrip/stream.json')).resolves.toEqual({ a: [1, 2, 3] });
    });

    it('stores an empty body', async () => {
      await store.put('roundtrip/empty', '');
      await expect(store.getText('roundtrip/empty')).resolves.toBe('');
    });

    it('uploads a 20 MB stream as multipart and reads it back byte-identical', async () => {
      const sent = createHash('sha256');
      function* twentyMiB(): Generator<Buffer> {
        for (let i = 0; i < 20; i += 1) {
          const chunk = randomBytes(MiB);
          sent.update(chunk);
          yield chunk;
        }
      }
      const send = jest.spyOn(S3Client.prototype, 'send');

      await store.put('large/20mb.bin', Readable.from(twentyMiB()), 'application/octet-stream');

      const commands = send.mock.calls.map(([command]) => command.constructor.name);
      expect(commands.filter((name) => name === 'UploadPartCommand')).toHaveLength(3); // 8 + 8 + 4 MiB
      expect(commands).toContain('CompleteMultipartUploadCommand');
      expect(await sha256(await store.get('large/20mb.bin'))).toBe(sent.digest('hex'));
    });

    it('fails with STORAGE_ERROR when the source stream breaks, keeping the cause', async () => {
      const broken = new Readable({
        read() {
          this.destroy(new Error('source broke'));
        },
      });
      const error = await rejectionOf(store.put('broken/source', broken));
      expect(error).toMatchObject({ code: 'STORAGE_ERROR', transient: false, key: 'broken/source' });
      expect((error.cause as Error).message).toBe('source broke');
      await expect(store.exists('broken/source')).resolves.toBe(false);
    });
  });

  describe('putStream', () => {
    /** Sends `parts` MiB of random bytes, then fails with `failure` if given. */
    function* mebibytes(parts: number, sent: ReturnType<typeof createHash>, failure?: Error): Generator<Buffer> {
      for (let i = 0; i < parts; i += 1) {
        const chunk = randomBytes(MiB);
        sent.update(chunk);
        yield chunk;
      }
      if (failure) throw failure;
    }

    it('streams 12 MiB up in 5 MiB parts and reads it back byte-identical', async () => {
      const sent = createHash('sha256');
      const send = jest.spyOn(S3Client.prototype, 'send');

      await store.putStream('stream/12mb.bin', Readable.from(mebibytes(12, sent)), 'application/octet-stream');

      const commands = send.mock.calls.map(([command]) => command.constructor.name);
      expect(commands.filter((name) => name === 'UploadPartCommand')).toHaveLength(3); // 5 + 5 + 2 MiB
      expect(await sha256(await store.get('stream/12mb.bin'))).toBe(sent.digest('hex'));
      expect(await contentTypeOf('stream/12mb.bin')).toBe('application/octet-stream');
    });

    it('aborts the multipart upload when the body fails after parts went up, and rethrows the body\'s own error', async () => {
      const refusal = new Error('the producer refused the body');
      const send = jest.spyOn(S3Client.prototype, 'send');

      await expect(store.putStream('stream/refused', Readable.from(mebibytes(12, createHash('sha256'), refusal)))).rejects.toBe(refusal);

      const commands = send.mock.calls.map(([command]) => command.constructor.name);
      expect(commands.filter((name) => name === 'UploadPartCommand').length).toBeGreaterThan(0);
      expect(commands).toContain('AbortMultipartUploadCommand');
      expect(commands).not.toContain('CompleteMultipartUploadCommand');
      await expect(store.exists('stream/refused')).resolves.toBe(false);
    });

    it('sends nothing at all for a small body that fails before its end', async () => {
      const send = jest.spyOn(S3Client.prototype, 'send');
      const refusal = new Error('refused');
      await expect(store.putStream('stream/small', Readable.from(mebibytes(1, createHash('sha256'), refusal)))).rejects.toBe(refusal);
      expect(send).not.toHaveBeenCalled();
    });

    it('maps an S3 failure to ObjectStoreError and aborts what was uploaded', async () => {
      const original = S3Client.prototype.send;
      const send = jest.spyOn(S3Client.prototype, 'send').mockImplementation(function (this: S3Client, command: { constructor: { name: string }; input?: { PartNumber?: number } }, ...rest: unknown[]) {
        if (command.constructor.name === 'UploadPartCommand' && command.input?.PartNumber === 2) {
          return Promise.reject(Object.assign(new Error('SlowDown'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } }));
        }
        return (original as (...args: unknown[]) => Promise<unknown>).call(this, command, ...rest);
      } as never);

      const error = await rejectionOf(store.putStream('stream/s3-down', Readable.from(mebibytes(12, createHash('sha256')))));

      expect(error).toMatchObject({ code: 'STORAGE_UNAVAILABLE', key: 'stream/s3-down' });
      expect(send.mock.calls.map(([command]) => (command as object).constructor.name)).toContain('AbortMultipartUploadCommand');
      await expect(store.exists('stream/s3-down')).resolves.toBe(false);
    });
  });

  describe('get', () => {
    it('fails with OBJECT_NOT_FOUND for a missing key, not transient', async () => {
      const error = await rejectionOf(store.get('missing/key'));
      expect(error).toMatchObject({ code: 'OBJECT_NOT_FOUND', transient: false, key: 'missing/key' });
      expect((error.cause as Error).name).toBe('NoSuchKey');
    });

    it('fails with STORAGE_ERROR when the bucket does not exist', async () => {
      const elsewhere = new ObjectStore(emulatorOptions(`aws-int-missing-${randomUUID().slice(0, 8)}`));
      const error = await rejectionOf(elsewhere.get('any'));
      elsewhere.onApplicationShutdown();
      expect(error).toMatchObject({ code: 'STORAGE_ERROR', transient: false });
    });
  });

  describe('getJson', () => {
    it('parses stored JSON', async () => {
      await store.put('json/valid.json', JSON.stringify({ nodes: [{ id: 'n1' }] }));
      await expect(store.getJson<{ nodes: { id: string }[] }>('json/valid.json')).resolves.toEqual({ nodes: [{ id: 'n1' }] });
    });

    it('fails with INVALID_CONTENT for invalid JSON, keeping the SyntaxError', async () => {
      await store.put('json/invalid.json', '{"nodes": [');
      const error = await rejectionOf(store.getJson('json/invalid.json'));
      expect(error).toMatchObject({ code: 'INVALID_CONTENT', transient: false, key: 'json/invalid.json' });
      expect(error.cause).toBeInstanceOf(SyntaxError);
    });

    it('fails with OBJECT_NOT_FOUND for a missing key', async () => {
      await expect(rejectionOf(store.getJson('json/missing.json'))).resolves.toMatchObject({ code: 'OBJECT_NOT_FOUND' });
    });

    it('refuses an object over maxBytes with OBJECT_TOO_LARGE, permanent, and reads one at the limit', async () => {
      await store.put('json/big.json', JSON.stringify({ text: 'y'.repeat(2000) }));
      const size = (await store.size('json/big.json')) ?? 0;
      await expect(rejectionOf(store.getJson('json/big.json', { maxBytes: size - 1 }))).resolves.toMatchObject({ code: 'OBJECT_TOO_LARGE', transient: false });
      await expect(store.getJson('json/big.json', { maxBytes: size })).resolves.toEqual({ text: 'y'.repeat(2000) });
    });
  });

  describe('size', () => {
    it('is the stored length, and undefined for a missing key', async () => {
      await store.put('size/five', 'hello');
      await expect(store.size('size/five')).resolves.toBe(5);
      await expect(store.size('size/missing')).resolves.toBeUndefined();
    });
  });

  describe('exists', () => {
    it('is true for a stored key and false for a missing one', async () => {
      await store.put('exists/yes', 'x');
      await expect(store.exists('exists/yes')).resolves.toBe(true);
      await expect(store.exists('exists/no')).resolves.toBe(false);
    });
  });

  describe('delete', () => {
    it('removes the object and tolerates a missing key', async () => {
      await store.put('delete/one', 'x');
      await store.delete('delete/one');
      await expect(store.exists('delete/one')).resolves.toBe(false);
      await expect(store.delete('delete/one')).resolves.toBeUndefined();
    });
  });

  describe('list', () => {
    it('follows pagination to return every key under the prefix in order', async () => {
      const keys = ['list/a', 'list/b', 'list/c', 'list/d', 'list/e'];
      await Promise.all([...keys, 'listing-other', 'lis'].map((key) => store.put(key, key)));
      const send = jest.spyOn(S3Client.prototype, 'send');

      await expect(store.list('list/')).resolves.toEqual(keys);

      const pages = send.mock.calls.filter(([command]) => command instanceof ListObjectsV2Command);
      expect(pages).toHaveLength(3); // pageSize 2: 2 + 2 + 1
    });

    it('returns an empty list for a prefix with no keys', async () => {
      await expect(store.list('nothing-here/')).resolves.toEqual([]);
    });
  });

  describe('deletePrefix', () => {
    it('deletes every key under the prefix across pages and nothing else', async () => {
      const doomed = ['job-1/input.json', 'job-1/result/graph.json', 'job-1/result/summary.json', 'job-1/x', 'job-1/y'];
      const kept = ['job-10/input.json', 'job-1-other'];
      await Promise.all([...doomed, ...kept].map((key) => store.put(key, '{}')));

      await expect(store.deletePrefix('job-1/')).resolves.toBe(5);

      await expect(store.list('job-1/')).resolves.toEqual([]);
      await expect(store.list('job-1')).resolves.toEqual(['job-1-other', 'job-10/input.json']);
    });

    it('returns 0 when nothing matches', async () => {
      await expect(store.deletePrefix('no-such-prefix/')).resolves.toBe(0);
    });
  });

  describe('deleteMany', () => {
    it('deletes exactly the given keys, missing ones included, and leaves their neighbours', async () => {
      const doomed = ['many/a/input.json', 'many/a/result/graph.json', 'many/b/batch.json'];
      const kept = ['many/a/other.json', 'many/b', 'many/c/batch.json'];
      await Promise.all([...doomed, ...kept].map((key) => store.put(key, '{}')));

      await expect(store.deleteMany([...doomed, 'many/never-stored.json'])).resolves.toBe(4);

      await expect(store.list('many/')).resolves.toEqual(['many/a/other.json', 'many/b', 'many/c/batch.json']);
    });
  });

  describe('unreachable endpoint', () => {
    it('fails with STORAGE_UNAVAILABLE, transient, for reads, writes and lists', async () => {
      const port = await closedPort();
      const dead = new ObjectStore({ ...options, endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 });
      try {
        const calls = [() => dead.get('k'), () => dead.put('k', 'v'), () => dead.list('p/'), () => dead.exists('k')];
        for (const call of calls) {
          const error = await rejectionOf(call());
          expect(error).toMatchObject({ code: 'STORAGE_UNAVAILABLE', transient: true });
          expect(error.cause).toBeDefined();
        }
      } finally {
        dead.onApplicationShutdown();
      }
    });
  });
});
