import { randomUUID } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ObjectStore } from '@app/aws';
import { JobEventsRepository, JobsRepository } from '@app/database';
import { readGoldenEnvelope, readGoldenJson } from '../../../../libs/queue-contracts/test/golden-contract';
import { bootResultHandling, type ResultHandlingTestContext } from '../../test/result-handling-test-module';
import { WorkerEnvironment } from '../config/worker.environment';
import { ResultDispatcher } from './result-dispatcher';

const LIMIT = 2 * 1024 * 1024;

/** The golden graph, padded with an unknown metadata field to about `bytes`. */
function graphOfSize(bytes: number): string {
  const graph = readGoldenJson('files/graph-result.json') as { metadata: Record<string, unknown> };
  graph.metadata.padding = 'x'.repeat(bytes);
  return JSON.stringify(graph);
}

describe('result files and memory', () => {
  let context: ResultHandlingTestContext;
  let dispatcher: ResultDispatcher;

  beforeAll(async () => {
    const worker = Object.assign(new WorkerEnvironment(), { WORKER_MAX_RESULT_BYTES: LIMIT });
    context = await bootResultHandling('pglite', 'worker-sizes', [{ provide: WorkerEnvironment, useValue: worker }]);
    dispatcher = context.moduleRef.get(ResultDispatcher);
  });

  afterAll(async () => {
    await context?.close();
  });

  afterEach(() => jest.restoreAllMocks());

  /** A live graph job whose COMPLETED result points at a graph file of about `bytes`. */
  async function jobWithResult(bytes: number) {
    const userId = `user-${randomUUID()}`;
    const taskId = `task-${randomUUID()}`;
    await context.moduleRef.get(JobsRepository).create({ taskId, userId, kind: 'GRAPH_GENERATION', status: 'RUNNING', inputKey: `graph-generation/${taskId}/` });
    const envelope = readGoldenEnvelope('results/graph-generation-partial.json', { taskId, userId, payloadBucket: context.aws.bucket });
    await context.aws.s3.send(new PutObjectCommand({ Bucket: context.aws.bucket, Key: String(envelope.payload.resultS3Key), Body: graphOfSize(bytes) }));
    return { taskId, userId, body: JSON.stringify(envelope) };
  }

  it('fails the job with RESULT_TOO_LARGE and dead-letters a result file over WORKER_MAX_RESULT_BYTES, without reading it', async () => {
    const { taskId, body } = await jobWithResult(LIMIT + 1024);
    const reads = jest.spyOn(context.moduleRef.get(ObjectStore), 'getText');

    const outcome = await dispatcher.dispatch({ messageId: 'm-large', body, receiveCount: 1 });

    expect(outcome).toMatchObject({ kind: 'dead-letter', taskId, reason: expect.stringContaining('RESULT_TOO_LARGE') as unknown });
    expect(await context.moduleRef.get(JobsRepository).findById(taskId)).toMatchObject({ status: 'FAILED', errorCode: 'RESULT_TOO_LARGE' });
    expect((await context.moduleRef.get(JobEventsRepository).listForJob(taskId)).map((event) => event.type)).toEqual(['GRAPH_GENERATION_FAILED']);
    await expect(reads.mock.results[0]?.value).rejects.toMatchObject({ code: 'OBJECT_TOO_LARGE' });
  });

  it('reads large result files one at a time, so a receive of several costs one file of memory', async () => {
    const jobs = await Promise.all([jobWithResult(1.5 * 1024 * 1024), jobWithResult(1.5 * 1024 * 1024), jobWithResult(1.5 * 1024 * 1024)]);
    const store = context.moduleRef.get(ObjectStore);
    const getText = store.getText.bind(store);
    let reading = 0;
    let most = 0;
    jest.spyOn(store, 'getText').mockImplementation(async (...args) => {
      most = Math.max(most, ++reading);
      try {
        return await getText(...args);
      } finally {
        reading--;
      }
    });

    const outcomes = await dispatcher.dispatchBatch(jobs.map(({ body }, index) => ({ messageId: `m-${index}`, body, receiveCount: 1 })));

    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['done', 'done', 'done']);
    expect(most).toBe(1);
  });
});
