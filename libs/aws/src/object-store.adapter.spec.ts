import { Readable } from 'node:stream';
import { DeleteObjectsCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { ObjectStore } from './object-store.adapter';
import { ObjectStoreError } from './object-store.error';

type Send = (command: object) => Promise<unknown>;

function serviceError(name: string, httpStatusCode: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode } });
}

/** Replaces the SDK's network call; every ObjectStore built in a test shares the prototype. */
function stubSend(send: Send): jest.SpyInstance {
  return jest.spyOn(S3Client.prototype, 'send').mockImplementation(send as never);
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
  const store = new ObjectStore({ region: 'us-east-1', payloadBucket: 'unit-bucket', maxAttempts: 1 });

  afterEach(() => jest.restoreAllMocks());
  afterAll(() => store.onApplicationShutdown());

  it('exposes the payload bucket', () => {
    expect(store.bucket).toBe('unit-bucket');
  });

  describe('put', () => {
    it('maps a 503 to STORAGE_UNAVAILABLE, transient, keeping the cause', async () => {
      const cause = serviceError('ServiceUnavailable', 503);
      stubSend(() => Promise.reject(cause));
      const error = await rejectionOf(store.put('k', 'body'));
      expect(error).toMatchObject({ code: 'STORAGE_UNAVAILABLE', transient: true, key: 'k', cause });
    });
  });

  describe('get', () => {
    it('fails with STORAGE_ERROR when S3 returns no readable body', async () => {
      stubSend(() => Promise.resolve({ Body: undefined }));
      const error = await rejectionOf(store.get('k'));
      expect(error).toMatchObject({ code: 'STORAGE_ERROR', transient: false });
    });

    it('returns the body stream as it came', async () => {
      const body = Readable.from(['x']);
      stubSend(() => Promise.resolve({ Body: body }));
      await expect(store.get('k')).resolves.toBe(body);
    });
  });

  describe('getText', () => {
    it('maps a connection reset while reading the body to STORAGE_UNAVAILABLE', async () => {
      const body = new Readable({ read() {} });
      stubSend(() => Promise.resolve({ Body: body }));
      const pending = store.getText('k');
      setImmediate(() => body.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
      const error = await rejectionOf(pending);
      expect(error).toMatchObject({ code: 'STORAGE_UNAVAILABLE', transient: true });
    });
  });

  describe('exists', () => {
    it('is false for NotFound and throws a mapped error for anything else', async () => {
      stubSend(() => Promise.reject(serviceError('NotFound', 404)));
      await expect(store.exists('k')).resolves.toBe(false);
      stubSend(() => Promise.reject(serviceError('Forbidden', 403)));
      const error = await rejectionOf(store.exists('k'));
      expect(error).toMatchObject({ code: 'STORAGE_ERROR', transient: false });
    });

    it('asks S3 with HEAD on the configured bucket', async () => {
      const send = stubSend(() => Promise.resolve({}));
      await expect(store.exists('a/b')).resolves.toBe(true);
      const [command] = send.mock.calls[0] as [HeadObjectCommand];
      expect(command).toBeInstanceOf(HeadObjectCommand);
      expect(command.input).toEqual({ Bucket: 'unit-bucket', Key: 'a/b' });
    });
  });

  describe('deleteMany', () => {
    it('sends at most 1000 keys per DeleteObjects call, each key once, and nothing for no keys', async () => {
      const batches: string[][] = [];
      const send = stubSend((command) => {
        if (!(command instanceof DeleteObjectsCommand)) return Promise.reject(new Error('unexpected command'));
        batches.push((command.input.Delete?.Objects ?? []).map((object) => object.Key ?? ''));
        return Promise.resolve({});
      });
      const keys = Array.from({ length: 2500 }, (_, index) => `u/${index}`);

      await expect(store.deleteMany([...keys, 'u/0', 'u/1'])).resolves.toBe(2500);

      expect(batches.map((batch) => batch.length)).toEqual([1000, 1000, 500]);
      expect(batches.flat()).toEqual(keys);
      send.mockClear();
      await expect(store.deleteMany([])).resolves.toBe(0);
      expect(send).not.toHaveBeenCalled();
    });

    it('turns a per-key failure into a mapped error naming the key', async () => {
      stubSend(() => Promise.resolve({ Errors: [{ Key: 'u/2', Code: 'InternalError', Message: 'try again' }] }));
      const error = await rejectionOf(store.deleteMany(['u/1', 'u/2']));
      expect(error).toMatchObject({ code: 'STORAGE_UNAVAILABLE', transient: true, key: 'u/2' });
    });
  });

  describe('deletePrefix', () => {
    it('refuses an empty prefix without calling S3', async () => {
      const send = stubSend(() => Promise.resolve({}));
      await expect(store.deletePrefix('')).rejects.toThrow(/non-empty prefix/);
      expect(send).not.toHaveBeenCalled();
    });

    it.each([
      ['AccessDenied', 'STORAGE_ERROR', false],
      ['SlowDown', 'STORAGE_UNAVAILABLE', true],
    ])('turns a per-key %s from DeleteObjects into %s', async (failure, code, transient) => {
      stubSend((command) => {
        if (command instanceof ListObjectsV2Command) return Promise.resolve({ Contents: [{ Key: 'p/1' }, { Key: 'p/2' }] });
        if (command instanceof DeleteObjectsCommand) {
          return Promise.resolve({ Errors: [{ Key: 'p/2', Code: failure, Message: 'nope' }] });
        }
        return Promise.reject(new Error('unexpected command'));
      });
      const error = await rejectionOf(store.deletePrefix('p/'));
      expect(error).toMatchObject({ code, transient, key: 'p/2' });
      expect(error.message).toContain(failure);
    });
  });
});
