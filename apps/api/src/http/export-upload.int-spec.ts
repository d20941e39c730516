import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  GetObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { ObjectStore, QueuePublisher } from '@app/aws';
import { JobsRepository, SourcesRepository } from '@app/database';
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { crc32, deflateRawSync } from 'node:zlib';
import { type ApiTestApp, bearer, bootApiTestApp, drainQueue, sleep } from '../../test/api-test-app';
import { EXPORT } from '../../test/body-gate';
import { openRaw, uploadHead } from '../../test/raw-http';
import { GENERATE_JSON_PATH } from '../graph-ai/graph-ai.controller';

const MiB = 1024 * 1024;
/** Above S3's 5 MiB part: the refusals below come after the multipart upload has begun. */
const LIMIT = 16 * MiB;

/** `count` conversations of the fixture's shape, each about `padding` bytes, with ids c-0, c-1, … */
function conversations(count: number, padding = 100_000): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, index) => ({ ...EXPORT[index % 2], id: `c-${index}`, padding: `${index} 토마토 🍅 `.repeat(padding / 16) }));
}

const exportBytes = (items: readonly unknown[]) => Buffer.from(`[\n${items.map((item) => JSON.stringify(item)).join(',\n')}\n]`);

/** A zip Python's zipfile writes to a pipe (it cannot seek back, so each entry's sizes follow its data in a data descriptor); undefined without python3. */
function pipedZipOf(files: readonly { name: string; data: Buffer }[], method: 'ZIP_DEFLATED' | 'ZIP_STORED'): Buffer | undefined {
  const script = `import sys, json, zipfile
z = zipfile.ZipFile(sys.stdout.buffer, "w", zipfile.${method})
for name, data in json.load(sys.stdin): z.writestr(name, bytes.fromhex(data))
z.close()`;
  const input = JSON.stringify(files.map((file) => [file.name, file.data.toString('hex')]));
  const made = spawnSync('python3', ['-c', script], { input, maxBuffer: 64 * MiB });
  return made.status === 0 ? made.stdout : undefined;
}

/** Local headers, data and central directory, as a zip writer that knows each size up front (ChatGPT's) writes them. */
function zipOf(files: readonly { name: string; data: Buffer; deflate?: boolean }[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    const data = file.deflate ? deflateRawSync(file.data) : file.data;
    const name = Buffer.from(file.name);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0x800, 6);
    header.writeUInt16LE(file.deflate ? 8 : 0, 8);
    header.writeUInt32LE(crc32(file.data), 14);
    header.writeUInt32LE(data.length, 18);
    header.writeUInt32LE(file.data.length, 22);
    header.writeUInt16LE(name.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    header.copy(entry, 6, 4, 30);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, name);
    locals.push(header, name, data);
    offset += header.length + name.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** POSTs `body` in 64 KiB chunks without Content-Length (chunked); resolves with the answer, even one that comes before the body is sent. */
function postChunked(base: string, path: string, user: string, body: Buffer, contentType = 'application/json'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${base}${path}`, { method: 'POST', headers: { ...bearer(user), 'Content-Type': contentType } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    let answered = false;
    outgoing.on('response', () => (answered = true));
    outgoing.on('error', (error) => {
      if (!answered) reject(error);
    });
    let at = 0;
    const write = () => {
      while (at < body.length && !answered) {
        const chunk = body.subarray(at, at + 64 * 1024);
        at += chunk.length;
        if (!outgoing.write(chunk)) return void outgoing.once('drain', write);
      }
      outgoing.end();
    };
    write();
  });
}

describe('streamed export uploads (the test route; the sources route at the end)', () => {
  let api: ApiTestApp;
  let user = 0;
  const nextUser = () => `stream-${++user}`;

  beforeAll(async () => {
    api = await bootApiTestApp('export_stream', { env: { MAX_UPLOAD_BYTES: String(LIMIT) } });
  });

  afterAll(async () => {
    await api?.close();
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await drainQueue(api.aws);
  });

  /**
   * Whether the bucket holds no object and no incomplete multipart upload. The
   * emulator has no ListMultipartUploads (it answers GET ?uploads as a
   * listing), but refuses DeleteBucket while an upload is in progress, as S3
   * does: so the bucket is deleted and made again.
   */
  async function bucketIsBare(): Promise<boolean> {
    try {
      await api.aws.s3.send(new DeleteBucketCommand({ Bucket: api.aws.bucket }));
    } catch (error) {
      if ((error as { name?: string }).name === 'BucketNotEmpty') return false;
      throw error;
    }
    await api.aws.s3.send(new CreateBucketCommand({ Bucket: api.aws.bucket }));
    return true;
  }

  /** Nothing of `userId`'s upload remains: no object or open multipart upload, no job, no message. */
  async function expectNothingLeft(userId: string): Promise<void> {
    expect(await api.aws.listKeys()).toEqual([]);
    expect(await bucketIsBare()).toBe(true);
    expect(await api.app.get(JobsRepository).listForUser(userId, { limit: 10 })).toEqual([]);
    expect(await drainQueue(api.aws)).toEqual([]);
  }

  const storedInput = async (taskId: string) => {
    const object = await api.aws.s3.send(new GetObjectCommand({ Bucket: api.aws.bucket, Key: `graph-generation/${taskId}/input.json` }));
    return Buffer.from(await object.Body!.transformToByteArray());
  };

  it('sees an open multipart upload in the bucket (the probe the refusals rely on)', async () => {
    const { UploadId } = await api.aws.s3.send(new CreateMultipartUploadCommand({ Bucket: api.aws.bucket, Key: 'probe' }));
    expect(await bucketIsBare()).toBe(false);
    await api.aws.s3.send(new AbortMultipartUploadCommand({ Bucket: api.aws.bucket, Key: 'probe', UploadId }));
    expect(await bucketIsBare()).toBe(true);
  });

  it('streams an export larger than a part to S3 byte for byte, sent without Content-Length', async () => {
    const body = exportBytes(conversations(120));
    expect(body.length).toBeGreaterThan(11 * MiB);

    const answer = await postChunked(api.base, GENERATE_JSON_PATH, nextUser(), body);

    expect(answer.status).toBe(202);
    expect((await storedInput(answer.body.taskId as string)).equals(body)).toBe(true);
    expect(await drainQueue(api.aws)).toHaveLength(1);
  });

  it('refuses with 413 an export that passes the limit while streamed, aborting the multipart upload', async () => {
    await clearBucket();
    const userId = nextUser();
    const answer = await postChunked(api.base, GENERATE_JSON_PATH, userId, exportBytes(conversations(200)));

    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ code: 'BODY_TOO_LARGE', detail: `The request body exceeds the limit of ${LIMIT} bytes` });
    await expectNothingLeft(userId);
  });

  it('refuses an invalid byte deep in the export with 400 naming the byte and the conversation, leaving nothing', async () => {
    await clearBucket();
    const userId = nextUser();
    const items = conversations(100);
    const before = exportBytes(items.slice(0, 80));
    const body = Buffer.concat([before.subarray(0, -2), Buffer.from(',\n{"id":"c-x","title":"caf'), Buffer.from([0xff]), Buffer.from('"}]')]);

    const answer = await postChunked(api.base, GENERATE_JSON_PATH, userId, body);

    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('INVALID_UTF8');
    expect(answer.body.detail).toContain(`at byte ${body.indexOf(0xff)} `);
    expect(answer.body.detail).toContain('in conversation [80]');
    await expectNothingLeft(userId);
  });

  it('refuses an id repeated far into the export with 400 DUPLICATE_ID by position, leaving nothing', async () => {
    await clearBucket();
    const userId = nextUser();
    const items = conversations(100);
    items[90] = { ...items[90], id: 'c-3' };

    const answer = await postChunked(api.base, GENERATE_JSON_PATH, userId, exportBytes(items));

    expect(answer).toMatchObject({ status: 400, body: { code: 'DUPLICATE_ID', errors: ['[90].id repeats [3].id'] } });
    await expectNothingLeft(userId);
  });

  it('aborts the multipart upload when the client goes away mid-upload', async () => {
    await clearBucket();
    const userId = nextUser();
    const body = exportBytes(conversations(150));
    const client = await openRaw(api.base, uploadHead(GENERATE_JSON_PATH, userId, body.length));
    client.socket.write(body.subarray(0, 12 * MiB));
    await sleep(500);
    client.socket.destroy();

    expect(await eventually(bucketIsBare)).toBe(true);
    await expectNothingLeft(userId);
  });

  it('answers 503 STORAGE_UNAVAILABLE when S3 fails mid-upload, and aborts the multipart upload', async () => {
    await clearBucket();
    const userId = nextUser();
    const send = S3Client.prototype.send;
    jest.spyOn(S3Client.prototype, 'send').mockImplementation(function (this: S3Client, command: unknown, ...rest: unknown[]) {
      if (command instanceof UploadPartCommand && command.input.PartNumber === 2) {
        return Promise.reject(Object.assign(new Error('ServiceUnavailable'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }));
      }
      return (send as (...args: unknown[]) => Promise<unknown>).call(this, command, ...rest);
    } as never);

    const answer = await postChunked(api.base, GENERATE_JSON_PATH, userId, exportBytes(conversations(120)));

    expect(answer).toMatchObject({ status: 503, body: { code: 'STORAGE_UNAVAILABLE' } });
    jest.restoreAllMocks();
    await expectNothingLeft(userId);
  });

  it('answers 503 QUEUE_UNAVAILABLE when SQS fails after the upload: the object is removed, nothing is queued, the job is failed', async () => {
    await clearBucket();
    const userId = nextUser();
    jest.spyOn(api.app.get(QueuePublisher), 'send').mockRejectedValue(new Error('SQS down'));

    const answer = await postChunked(api.base, GENERATE_JSON_PATH, userId, exportBytes(conversations(60)));

    expect(answer).toMatchObject({ status: 503, body: { code: 'QUEUE_UNAVAILABLE' } });
    expect(await api.aws.listKeys()).toEqual([]);
    expect(await bucketIsBare()).toBe(true);
    expect(await drainQueue(api.aws)).toEqual([]);
    // The job row stays, failed, so the client hears why (its *_REQUEST_FAILED event), as before streaming.
    expect((await api.app.get(JobsRepository).listForUser(userId, { limit: 10 })).map((job) => [job.status, job.errorCode])).toEqual([['FAILED', 'QUEUE_UNAVAILABLE']]);
  });

  describe('ChatGPT .zip exports', () => {
    const json = exportBytes(conversations(3, 2000));
    const zip = zipOf([
      { name: 'chat.html', data: Buffer.from('<html>chat</html>') },
      { name: 'file-Tm4aB9cD2eF7-seedlings.png', data: Buffer.alloc(300_000, 7), deflate: true },
      { name: 'conversations.json', data: json, deflate: true },
      { name: 'user.json', data: Buffer.from('{}') },
    ]);

    it.each(['application/zip', 'application/json'])('stores conversations.json of a zip sent as %s', async (contentType) => {
      const answer = await postChunked(api.base, GENERATE_JSON_PATH, nextUser(), zip, contentType);
      expect(answer.status).toBe(202);
      expect((await storedInput(answer.body.taskId as string)).equals(json)).toBe(true);
    });

    it('reads conversations.json stored without compression', async () => {
      const answer = await postChunked(api.base, GENERATE_JSON_PATH, nextUser(), zipOf([{ name: 'export/conversations.json', data: json }]));
      expect(answer.status).toBe(202);
      expect((await storedInput(answer.body.taskId as string)).equals(json)).toBe(true);
    });

    const piped = (method: 'ZIP_DEFLATED' | 'ZIP_STORED') =>
      pipedZipOf(
        [
          { name: 'chat.html', data: Buffer.from('<html>chat</html>') },
          { name: 'dalle-generations/seedlings.webp', data: Buffer.alloc(300_000, 7) },
          { name: 'conversations.json', data: json },
          { name: 'user.json', data: Buffer.from('{}') },
        ],
        method,
      );
    const withPython = piped('ZIP_STORED') ? it : it.skip;

    withPython('stores conversations.json of a zip whose entries give their sizes after their data (deflated)', async () => {
      const answer = await postChunked(api.base, GENERATE_JSON_PATH, nextUser(), piped('ZIP_DEFLATED')!, 'application/zip');
      expect(answer.status).toBe(202);
      expect((await storedInput(answer.body.taskId as string)).equals(json)).toBe(true);
    });

    withPython('refuses a zip whose stored entries give their sizes after their data with 400 UNSUPPORTED_ZIP, leaving nothing', async () => {
      await clearBucket();
      const userId = nextUser();
      const answer = await postChunked(api.base, GENERATE_JSON_PATH, userId, piped('ZIP_STORED')!, 'application/zip');
      expect(answer).toMatchObject({ status: 400, body: { code: 'UNSUPPORTED_ZIP' } });
      await expectNothingLeft(userId);
    });

    it.each([
      ['a zip without conversations.json', () => zipOf([{ name: 'chat.html', data: Buffer.from('x') }]), 'application/zip', 'ZIP_WITHOUT_CONVERSATIONS'],
      ['JSON sent as application/zip', () => json, 'application/zip', 'INVALID_ZIP'],
      ['a zip cut short', () => zip.subarray(0, zip.indexOf('conversations.json') + 200), 'application/zip', 'INVALID_ZIP'],
      [
        'a zip whose conversations.json is not an export',
        () => zipOf([{ name: 'conversations.json', data: Buffer.from('{"not":"an array"}'), deflate: true }]),
        'application/zip',
        'NOT_AN_ARRAY',
      ],
    ])('refuses %s with 400, leaving nothing', async (_label, body, contentType, code) => {
      await clearBucket();
      const userId = nextUser();
      const answer = await postChunked(api.base, GENERATE_JSON_PATH, userId, body(), contentType);
      expect(answer).toMatchObject({ status: 400, body: { code } });
      await expectNothingLeft(userId);
    });
  });

  describe('POST /v1/sources/conversations (rows in one transaction, written in batches)', () => {
    const SOURCES_PATH = '/v1/sources/conversations';
    const rowsOf = (userId: string) => api.app.get(SourcesRepository).listAll(userId);

    it('stores every conversation of an export larger than a batch, as sent', async () => {
      const userId = nextUser();
      const items = conversations(450, 20_000);
      const answer = await postChunked(api.base, SOURCES_PATH, userId, exportBytes(items));
      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({ imported: 450 });
      const rows = await rowsOf(userId);
      expect(rows).toHaveLength(450);
      expect(rows.find((row) => row.id === 'c-449')?.content).toEqual(items[449]);
    });

    it('stores nothing when the export is refused after batches were written', async () => {
      const userId = nextUser();
      const items = conversations(450, 20_000);
      items[420] = { ...items[420], id: 'c-1' };
      const answer = await postChunked(api.base, SOURCES_PATH, userId, exportBytes(items));
      expect(answer).toMatchObject({ status: 400, body: { code: 'DUPLICATE_ID', errors: ['[420].id repeats [1].id'] } });
      expect(await rowsOf(userId)).toEqual([]);
    });

    it('stores nothing when the client goes away after batches were written', async () => {
      const userId = nextUser();
      const body = exportBytes(conversations(150));
      const client = await openRaw(api.base, uploadHead(SOURCES_PATH, userId, body.length));
      client.socket.write(body.subarray(0, 12 * MiB));
      await sleep(500);
      client.socket.destroy();
      await sleep(1000);
      expect(await rowsOf(userId)).toEqual([]);
    });

    it('imports the conversations.json of a zip', async () => {
      const userId = nextUser();
      const items = conversations(5, 1000);
      const answer = await postChunked(api.base, SOURCES_PATH, userId, zipOf([{ name: 'conversations.json', data: exportBytes(items), deflate: true }]), 'application/zip');
      expect(answer).toMatchObject({ status: 201, body: { imported: 5 } });
      expect((await rowsOf(userId)).map((row) => row.content)).toEqual(expect.arrayContaining(items));
    });
  });

  /** Removes what accepted uploads stored, so the probe sees only what a refusal left. */
  async function clearBucket(): Promise<void> {
    await api.app.get(ObjectStore).deleteMany(await api.aws.listKeys());
  }
});

async function eventually(check: () => Promise<boolean>, ms = 5000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await sleep(100);
  }
  return check();
}
