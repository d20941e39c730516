import { type JobEvent } from '@app/job-events';
import { type Response } from 'express';
import { SseConnection } from './sse-connection';

function fakeResponse() {
  const written: string[] = [];
  const response = { write: (chunk: string) => written.push(chunk) > 0, end: jest.fn() };
  return { response: response as unknown as Response, written, ids: () => written.filter((c) => c.startsWith('id:')).map((c) => c.split('\n')[0].slice(4)) };
}

/** Ids as the wire carries them: 19-digit zero-padded decimals. */
const wire = (...ids: number[]) => ids.map((id) => String(id).padStart(19, '0'));

const event = (id: number): JobEvent => ({ id: String(id), userId: 'u', taskId: 't', type: 'X', payload: { n: id }, timestamp: '2026-11-23T00:00:00.000Z' });

describe(SseConnection.name, () => {
  describe('write', () => {
    it('writes pages of the log in order and moves the cursor', () => {
      const { response, ids } = fakeResponse();
      const connection = new SseConnection(response, 0n);
      connection.write([event(1), event(2)]);
      connection.write([event(3)]);
      expect(ids()).toEqual(wire(1, 2, 3));
      expect(connection.lastEventId).toBe('3');
    });

    it('writes nothing twice when a page is read again', () => {
      const { response, ids } = fakeResponse();
      const connection = new SseConnection(response, 7n);
      connection.write([event(6), event(7), event(8)]);
      connection.write([event(8), event(9)]);
      expect(ids()).toEqual(wire(8, 9));
    });

    it('writes frames in the documented format', () => {
      const { response, written } = fakeResponse();
      const connection = new SseConnection(response, 0n);
      connection.write([event(9)]);
      const id = wire(9)[0];
      expect(written).toEqual([`id: ${id}\ndata: {"id":"${id}","type":"X","payload":{"taskId":"t","n":9,"timestamp":"2026-11-23T00:00:00.000Z"},"timestamp":"2026-11-23T00:00:00.000Z"}\n\n`]);
    });

    it('writes nothing after the client went away', () => {
      const { response, written } = fakeResponse();
      const connection = new SseConnection(response, 0n);
      connection.markClosed();
      connection.write([event(1)]);
      connection.comment('keep-alive');
      expect(written).toEqual([]);
    });
  });
});
