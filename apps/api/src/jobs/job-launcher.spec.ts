import { type ObjectStore, type QueuePublisher } from '@app/aws';
import { ExclusiveJobConflict, type JobLedger } from '@app/job-events';
import { ApiEnvironment } from '../config/api.environment';
import { ApiException } from '../http/api.exception';
import { type BodyInCheck, type JobLaunch, JobLauncher } from './job-launcher';

describe(JobLauncher.name, () => {
  const launch: JobLaunch = {
    taskId: 'task_u1_01',
    userId: 'u1',
    kind: 'GRAPH_GENERATION',
    inputKey: 'graph-generation/task_u1_01/input.json',
    options: {},
    objects: [{ key: 'graph-generation/task_u1_01/input.json', body: '[]' }],
    envelope: '{}',
    exclusive: true,
  };

  it('opens the job with a deadline JOB_TIMEOUT_SECONDS from now', async () => {
    const open = jest.fn().mockResolvedValue({});
    const store = { put: jest.fn().mockResolvedValue(undefined), delete: jest.fn() } as unknown as ObjectStore;
    const queue = { send: jest.fn().mockResolvedValue(undefined) } as unknown as QueuePublisher;
    const api = Object.assign(new ApiEnvironment(), { SQS_REQUEST_QUEUE_URL: 'http://localhost/requests', JOB_TIMEOUT_SECONDS: 120 });
    const liveJobOf = jest.fn().mockResolvedValue(undefined);
    const launcher = new JobLauncher(store, queue, { open, liveJobOf } as unknown as JobLedger, api);
    const before = Date.now();

    await launcher.launch(launch, 'queued');

    const [job] = open.mock.calls[0] as [{ status: string; deadlineAt: Date }];
    expect(job.status).toBe('QUEUED');
    expect(job.deadlineAt.getTime()).toBeGreaterThanOrEqual(before + 120_000);
    expect(job.deadlineAt.getTime()).toBeLessThanOrEqual(Date.now() + 120_000);
  });

  it('defaults JOB_TIMEOUT_SECONDS to 900', () => {
    expect(new ApiEnvironment().JOB_TIMEOUT_SECONDS).toBe(900);
  });

  describe('a body stored while it is checked (BodyInCheck)', () => {
    const key = 'graph-generation/task_u1_01/input.json';
    const api = Object.assign(new ApiEnvironment(), { SQS_REQUEST_QUEUE_URL: 'http://localhost/requests', JOB_TIMEOUT_SECONDS: 120 });

    /** What happened, in order: the store, the ledger (which awaits `ready` before it commits) and the queue. */
    function harness(options: { conflict?: boolean } = {}) {
      const steps: string[] = [];
      const stored = new Map<string, Buffer | string>();
      const store = {
        put: jest.fn(async (at: string, body: Buffer | string) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          stored.set(at, body);
          steps.push(`put ${String(body)}`);
        }),
        delete: jest.fn((at: string) => {
          stored.delete(at);
          steps.push('delete');
          return Promise.resolve();
        }),
      } as unknown as ObjectStore;
      const open = jest.fn(async (_job: unknown, _event: unknown, _exclusive: unknown, ready?: Promise<unknown>) => {
        steps.push('row written');
        if (options.conflict) throw new ExclusiveJobConflict('task_u1_00');
        await ready;
        steps.push('committed');
        return {};
      });
      const queue = { send: jest.fn(() => Promise.resolve(void steps.push('sent'))) } as unknown as QueuePublisher;
      const launcher = new JobLauncher(store, queue, { open } as unknown as JobLedger, api);
      return { steps, stored, launcher };
    }

    /** `checked` gets the bytes and gives what to store (the same buffer when nothing changed). */
    function inCheck(text: string, check: (bytes: Buffer) => Promise<Buffer>): BodyInCheck {
      const bytes = Buffer.from(text);
      const checked = check(bytes);
      checked.catch(() => undefined);
      return { bytes, checked };
    }

    const unchanged = (bytes: Buffer) => Promise.resolve(bytes);

    const launchOf = (body: BodyInCheck): JobLaunch => ({ ...launch, objects: [{ key, body }], exclusive: false });

    it('writes the job row while the body is stored, and commits only once it is stored and checked', async () => {
      const { steps, stored, launcher } = harness();
      const body = inCheck('[1]', (bytes) => new Promise<Buffer>((resolve) => setTimeout(() => resolve(bytes), 20)));

      await launcher.launch(launchOf(body), 'queued');

      expect(steps).toEqual(['row written', 'put [1]', 'committed', 'sent']);
      expect(stored.get(key)).toBe(body.bytes);
    });

    it('stores the rewrite when the check changed the bytes', async () => {
      const { steps, stored, launcher } = harness();

      await launcher.launch(launchOf(inCheck('[1]', () => Promise.resolve(Buffer.from('[2]')))), 'queued');

      expect(steps).toEqual(['row written', 'put [1]', 'put [2]', 'committed', 'sent']);
      expect(String(stored.get(key))).toBe('[2]');
    });

    it('answers the refusal once the object is stored and removed again: nothing committed, nothing sent', async () => {
      const { steps, stored, launcher } = harness();
      const refusal = new ApiException(400, 'INVALID_JSON', 'bad byte');

      await expect(launcher.launch(launchOf(inCheck('[1', () => Promise.reject(refusal))), 'queued')).rejects.toBe(refusal);

      expect(steps).toEqual(['row written', 'put [1', 'delete']);
      expect(stored.size).toBe(0);
    });

    it('answers 409 after the store has settled, and removes what it stored', async () => {
      const { steps, stored, launcher } = harness({ conflict: true });

      await expect(launcher.launch(launchOf(inCheck('[1]', unchanged)), 'queued')).rejects.toMatchObject({ code: 'JOB_ALREADY_RUNNING' });

      expect(steps).toEqual(['row written', 'put [1]', 'delete']);
      expect(stored.size).toBe(0);
    });
  });
});
