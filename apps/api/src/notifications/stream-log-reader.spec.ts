import { type JobEventRecord, type JobEventsRepository } from '@app/database';
import { JobEventHub } from '@app/job-events';
import { type Response } from 'express';
import { SseConnection } from './sse-connection';
import { StreamLogReader } from './stream-log-reader';
import { UserStreams } from './user-streams';

function event(userId: string, id: number): JobEventRecord {
  return { id: String(id).padStart(19, '0'), taskId: 'task_1', userId, type: 'T', payload: {}, timestamp: '2026-01-01T00:00:00.000Z' };
}

function streamsOf(userId: string, cursors: bigint[]): { user: UserStreams; written: string[][] } {
  const user = new UserStreams(userId, new JobEventHub(), () => undefined);
  const written = cursors.map((cursor) => {
    const frames: string[] = [];
    const connection = new SseConnection({ write: (frame: string) => frames.push(frame) } as unknown as Response, cursor);
    user.connections.add(connection);
    return frames;
  });
  return { user, written };
}

describe(StreamLogReader.name, () => {
  describe('poke', () => {
    it('reads once for all the streams of a user, from the lowest cursor, and each stream writes only what it has not', async () => {
      const listForUsers = jest.fn().mockResolvedValue(new Map([['ann', [event('ann', 2), event('ann', 3)]]]));
      const reader = new StreamLogReader({ listForUsers } as unknown as JobEventsRepository, jest.fn());
      const { user, written } = streamsOf('ann', [1n, 2n]);

      reader.poke(user);
      reader.poke(user); // during the read: one more read after it
      await new Promise((resolve) => setImmediate(resolve));

      expect(listForUsers.mock.calls).toEqual([
        [[{ userId: 'ann', afterId: '1' }], 500],
        [[{ userId: 'ann', afterId: '3' }], 500],
      ]);
      expect(written.map((frames) => frames.length)).toEqual([2, 1]);
    });

    it('gathers the users poked while a read runs into the next read', async () => {
      let release: () => void = () => undefined;
      const first = new Promise<Map<string, JobEventRecord[]>>((resolve) => (release = () => resolve(new Map())));
      const listForUsers = jest.fn().mockReturnValueOnce(first).mockResolvedValue(new Map());
      const reader = new StreamLogReader({ listForUsers } as unknown as JobEventsRepository, jest.fn());
      const users = ['a', 'b', 'c', 'd'].map((id) => streamsOf(id, [0n]).user);

      reader.poke(users[0]);
      reader.poke(users[1]); // a second reader starts at once
      reader.poke(users[2]);
      reader.poke(users[3]);
      release();
      await new Promise((resolve) => setImmediate(resolve));

      expect(listForUsers.mock.calls.map(([cursors]: [{ userId: string }[]]) => cursors.map((cursor) => cursor.userId))).toEqual([['a'], ['b'], ['c', 'd']]);
    });

    it('reports a failed read and reads again at the next poke', async () => {
      const failure = new Error('down');
      const listForUsers = jest.fn().mockRejectedValueOnce(failure).mockResolvedValue(new Map());
      const onError = jest.fn();
      const reader = new StreamLogReader({ listForUsers } as unknown as JobEventsRepository, onError);
      const { user } = streamsOf('ann', [0n]);

      reader.poke(user);
      await new Promise((resolve) => setImmediate(resolve));
      reader.poke(user);
      await new Promise((resolve) => setImmediate(resolve));

      expect(onError).toHaveBeenCalledWith(failure);
      expect(listForUsers).toHaveBeenCalledTimes(2);
    });
  });
});
