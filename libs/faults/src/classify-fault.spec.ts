import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ObjectStoreError, QueueError } from '@app/aws';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { Client, Pool } from 'pg';
import { freePort } from '../../../test/support/free-port';
import { classifyFault } from './classify-fault';

function pgError(code: string, message = 'x'): Error {
  return Object.assign(new Error(message), { code, severity: 'FATAL' });
}

describe(classifyFault.name, () => {
  describe('real client failures', () => {
    it('calls a refused PostgreSQL connection transient', async () => {
      const client = new Client({ host: '127.0.0.1', port: await freePort(), connectionTimeoutMillis: 1000 });
      const error = await client.connect().then(() => undefined, (failure: unknown) => failure);
      expect(classifyFault(error)).toEqual({ transient: true, dependency: 'network' });
    });

    it('names the database when a query through drizzle finds the server refusing connections', async () => {
      const pool = new Pool({ host: '127.0.0.1', port: await freePort(), connectionTimeoutMillis: 1000 });
      const error = await drizzle(pool)
        .execute(sql`SELECT 1`)
        .then(() => undefined, (failure: unknown) => failure);
      await pool.end();
      expect((error as Error).message).toMatch(/^Failed query:/);
      expect(classifyFault(error)).toEqual({ transient: true, dependency: 'database' });
    });

    it('calls an S3 endpoint that refuses connections transient', async () => {
      const s3 = new S3Client({ endpoint: `http://127.0.0.1:${await freePort()}`, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
      const error = await s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' })).then(() => undefined, (failure: unknown) => failure);
      expect(classifyFault(error).transient).toBe(true);
      s3.destroy();
    });
  });

  describe('PostgreSQL', () => {
    it.each([
      ['08006', 'connection failure'],
      ['57P01', 'terminating connection due to administrator command'],
      ['57P03', 'the database system is starting up'],
      ['53300', 'too many connections'],
      ['40001', 'serialization failure'],
      ['40P01', 'deadlock detected'],
    ])('calls SQLSTATE %s (%s) transient', (code, message) => {
      expect(classifyFault(pgError(code, message))).toEqual({ transient: true, dependency: 'database' });
    });

    it.each([
      ['23505', 'unique violation'],
      ['22P02', 'invalid text representation'],
      ['42P01', 'undefined table'],
    ])('calls SQLSTATE %s (%s) permanent', (code, message) => {
      expect(classifyFault(pgError(code, message))).toEqual({ transient: false });
    });

    it('sees through the query wrapper to the driver error it caused', () => {
      const wrapped = new Error('Failed query: select 1\nparams: ', { cause: new Error('Connection terminated unexpectedly') });
      expect(classifyFault(wrapped)).toEqual({ transient: true, dependency: 'database' });
    });

    it('calls a pool that cannot connect in time transient', () => {
      expect(classifyFault(new Error('timeout exceeded when trying to connect'))).toEqual({ transient: true, dependency: 'database' });
    });
  });

  describe('our adapters and others', () => {
    it('follows what ObjectStoreError and QueueError say', () => {
      expect(classifyFault(new ObjectStoreError('STORAGE_UNAVAILABLE', 'down'))).toEqual({ transient: true, dependency: 'storage' });
      expect(classifyFault(new ObjectStoreError('OBJECT_NOT_FOUND', 'gone'))).toEqual({ transient: false });
      expect(classifyFault(new QueueError('QUEUE_UNAVAILABLE', 'down', 'q'))).toEqual({ transient: true, dependency: 'queue' });
      expect(classifyFault(new QueueError('QUEUE_ERROR', 'refused', 'q'))).toEqual({ transient: false });
    });

    it('calls throttling and 5xx from AWS transient, a 403 permanent', () => {
      const aws = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
      expect(classifyFault(aws('ThrottlingException', 400))).toEqual({ transient: true, dependency: 'aws' });
      expect(classifyFault(aws('InternalError', 500))).toEqual({ transient: true, dependency: 'aws' });
      expect(classifyFault(aws('AccessDenied', 403))).toEqual({ transient: false });
    });

    it('calls a closed Redis connection transient', () => {
      expect(classifyFault(new Error('Connection is closed.'))).toEqual({ transient: true, dependency: 'events' });
    });

    it.each([new TypeError("Cannot read properties of undefined (reading 'x')"), new RangeError('Invalid array length'), 'a string', undefined, null])(
      'calls a bug or a non-error (%p) permanent',
      (error) => {
        expect(classifyFault(error)).toEqual({ transient: false });
      },
    );
  });
});
