import { type JobEventsRepository } from '@app/database';
import { FreshStarts } from './fresh-starts';

const query = { recentSince: new Date(0), limit: 10 };

describe(FreshStarts.name, () => {
  describe('of', () => {
    it('answers the streams opening together with one query, sharing a user’s answer', async () => {
      const restoreForUsers = jest.fn().mockResolvedValue(new Map([['ann', { latestId: '0000000000000000007', events: [] }]]));
      const starts = new FreshStarts({ restoreForUsers } as unknown as JobEventsRepository, () => query);

      const first = starts.of('ann'); // the first reader's query
      const rest = [starts.of('ann'), starts.of('ann'), starts.of('bob')]; // the second reader's, then the rest together

      expect(await first).toEqual({ latestId: '0000000000000000007', events: [] });
      expect(await Promise.all(rest)).toEqual([
        { latestId: '0000000000000000007', events: [] },
        { latestId: '0000000000000000007', events: [] },
        { latestId: undefined, events: [] },
      ]);
      expect(restoreForUsers.mock.calls.map(([users]: [string[]]) => users)).toEqual([['ann'], ['ann'], ['ann', 'bob']]);
      expect(restoreForUsers).toHaveBeenCalledWith(['ann'], query);
    });

    it('fails every stream of a failed query', async () => {
      const restoreForUsers = jest.fn().mockRejectedValue(new Error('down'));
      const starts = new FreshStarts({ restoreForUsers } as unknown as JobEventsRepository, () => query);

      await expect(starts.of('ann')).rejects.toThrow('down');
    });
  });
});
