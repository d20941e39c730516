import { type JobEvent } from '@app/job-events';
import { type Response } from 'express';
import { SseConnection } from './sse-connection';

function fakeResponse() {
  const written: string[] = [];
  const response = { write: (chunk: string) => written.push(chunk) > 0, end: jest.fn() };
  return { response: response as unknown as Response, written, ids: () => written.filter((c) => c.startsWith('id:')).map((c) => c.split('\n')[0].slice(4)) };
}

const event = (id: number): JobEvent => ({ id: String(id), userId: 'u', taskId: 't', type: 'X', payload: { n: id }, timestamp: '2026-11-23T00:00:00.000Z' });

describe(SseConnection.name, () => {
  describe('replay', () => {
    it('writes the backlog, then live events held back during the replay, each once and in id order', () => {
      const { response, ids } = fakeResponse();
      const connection = new SseConnection(response, 0n);
      connection.offer(event(4));
      connection.offer(event(3));
      connection.replay([event(1), event(2), event(3)], true);
      connection.offer(event(5));
      expect(ids()).toEqual(['1', '2', '3', '4', '5']);
      expect(connection.lastEventId).toBe('5');
    });

    it('keeps holding live events until the last page of the backlog', () => {
      const { response, ids } = fakeResponse();
      const connection = new SseConnection(response, 0n);
      connection.offer(event(3));
      connection.replay([event(1)], false);
      expect(ids()).toEqual(['1']);
      connection.replay([event(2)], true);
      expect(ids()).toEqual(['1', '2', '3']);
    });
  });

  describe('offer', () => {
    it('drops events at or below the id the client already has', () => {
      const { response, ids } = fakeResponse();
      const connection = new SseConnection(response, 7n);
      connection.replay([], true);
      connection.offer(event(6));
      connection.offer(event(7));
      connection.offer(event(8));
      connection.offer(event(8));
      expect(ids()).toEqual(['8']);
    });

    it('writes frames in the documented format', () => {
      const { response, written } = fakeResponse();
      const connection = new SseConnection(response, 0n);
      connection.replay([event(9)], true);
      expect(written).toEqual([`id: 9\ndata: {"id":"9","type":"X","payload":{"n":9},"timestamp":"2026-11-23T00:00:00.000Z"}\n\n`]);
    });

    it('writes nothing after the client went away', () => {
      const { response, written } = fakeResponse();
      const connection = new SseConnection(response, 0n);
      connection.replay([], true);
      connection.markClosed();
      connection.offer(event(1));
      connection.comment('keep-alive');
      expect(written).toEqual([]);
    });
  });
});
