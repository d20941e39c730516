import { type JobEventsRepository, type LateResultsRepository } from '@app/database';
import { WorkerEnvironment } from '../config/worker.environment';
import { type JobFilesCleaner } from './job-files.cleaner';
import { RetentionSweeper } from './retention.sweeper';

const DAY_MS = 24 * 3600 * 1000;

function setup() {
  const files = { sweep: jest.fn().mockResolvedValue(2) };
  const events = { purgeOlderThan: jest.fn().mockResolvedValue(0) };
  const lateResults = { purgeOlderThan: jest.fn().mockResolvedValue(0) };
  const worker = Object.assign(new WorkerEnvironment(), { WORKER_EVENT_RETENTION_DAYS: 7, WORKER_LATE_RESULT_RETENTION_DAYS: 90 });
  const sweeper = new RetentionSweeper(
    files as unknown as JobFilesCleaner,
    events as unknown as JobEventsRepository,
    lateResults as unknown as LateResultsRepository,
    worker,
  );
  return { files, events, lateResults, sweeper };
}

describe(RetentionSweeper.name, () => {
  describe('sweep', () => {
    it('purges with each table\'s own cutoff, in statements of BATCH_SIZE', async () => {
      const { events, lateResults, sweeper } = setup();
      const now = new Date('2030-06-01T00:00:00Z');

      expect(await sweeper.sweep(now)).toEqual({ jobFiles: 2, events: 0, lateResults: 0 });

      expect(events.purgeOlderThan).toHaveBeenCalledWith(new Date(now.getTime() - 7 * DAY_MS), RetentionSweeper.BATCH_SIZE);
      expect(lateResults.purgeOlderThan).toHaveBeenCalledWith(new Date(now.getTime() - 90 * DAY_MS), RetentionSweeper.BATCH_SIZE);
    });

    it('goes on while batches come back full, at most MAX_BATCHES statements per table', async () => {
      const { events, lateResults, sweeper } = setup();
      events.purgeOlderThan.mockResolvedValue(RetentionSweeper.BATCH_SIZE);
      lateResults.purgeOlderThan.mockResolvedValueOnce(RetentionSweeper.BATCH_SIZE).mockResolvedValueOnce(3);

      const swept = await sweeper.sweep();

      expect(events.purgeOlderThan).toHaveBeenCalledTimes(RetentionSweeper.MAX_BATCHES);
      expect(swept.events).toBe(RetentionSweeper.BATCH_SIZE * RetentionSweeper.MAX_BATCHES);
      expect(lateResults.purgeOlderThan).toHaveBeenCalledTimes(2);
      expect(swept.lateResults).toBe(RetentionSweeper.BATCH_SIZE + 3);
    });

    it('never rejects: a failing step is logged and the others still run', async () => {
      const { files, events, lateResults, sweeper } = setup();
      files.sweep.mockRejectedValue(new Error('database down'));
      events.purgeOlderThan.mockRejectedValue(new Error('database down'));
      lateResults.purgeOlderThan.mockResolvedValue(4);

      expect(await sweeper.sweep()).toEqual({ jobFiles: 0, events: 0, lateResults: 4 });
    });
  });

  describe('tick', () => {
    it('runs one sweep at a time', async () => {
      const { files, sweeper } = setup();
      let finish: (count: number) => void = () => undefined;
      files.sweep.mockReturnValueOnce(new Promise<number>((resolve) => (finish = resolve)));

      const first = sweeper.tick();
      expect(sweeper.tick()).toBe(first);
      finish(1);
      expect((await first).jobFiles).toBe(1);
      expect(files.sweep).toHaveBeenCalledTimes(1);
    });
  });

  describe('beforeApplicationShutdown', () => {
    it('waits for the sweep in progress and stops its batches', async () => {
      const { files, events, sweeper } = setup();
      let finish: (count: number) => void = () => undefined;
      files.sweep.mockReturnValueOnce(new Promise<number>((resolve) => (finish = resolve)));
      events.purgeOlderThan.mockResolvedValue(RetentionSweeper.BATCH_SIZE);

      const sweep = sweeper.tick();
      const stopped = sweeper.beforeApplicationShutdown();
      const stopping = (files.sweep.mock.calls[0] as [Date, () => boolean])[1];
      expect(stopping()).toBe(true);
      finish(0);
      await stopped;

      expect((await sweep).events).toBe(0);
      expect(events.purgeOlderThan).not.toHaveBeenCalled();
    });
  });
});
