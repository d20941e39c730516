import { type ObjectStore, type QueuePublisher } from '@app/aws';
import { type JobLedger } from '@app/job-events';
import { ApiEnvironment } from '../config/api.environment';
import { type JobLaunch, JobLauncher } from './job-launcher';

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
    const launcher = new JobLauncher(store, queue, { open } as unknown as JobLedger, api);
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
});
