import { randomUUID } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { Test, type TestingModule } from '@nestjs/testing';
import { SqsService } from '@ssut/nestjs-sqs';
import { AwsEnvironment, AwsModule, ObjectStoreError, QueueAdmin, type QueueMessage, toAwsOptions } from '@app/aws';
import { loadConfig, TypedConfigModule } from '@app/config';
import { DatabaseModule, JobEventsRepository, JobsRepository } from '@app/database';
import { JobEventsModule } from '@app/job-events';
import { createTestAwsResources, type TestAwsResources } from '../../../../test/support/test-aws';
import { createTestDatabase, type TestDatabase } from '../../../../libs/database/test/test-database';
import { readGoldenEnvelope } from '../../../../libs/queue-contracts/test/golden-contract';
import { WorkerEnvironment } from '../config/worker.environment';
import { DeadLetterService } from '../dead-letters/dead-letter.service';
import { GraphSummaryResultHandler } from '../results/graph-summary-result.handler';
import { ResultDispatcher } from '../results/result-dispatcher';
import { WorkerModule } from '../worker.module';
import { type Outcome } from './outcome';
import { ResultQueueConsumer } from './result-queue.consumer';
import { pollerName } from './result-queue.pollers';

jest.setTimeout(60_000);

const USER = 'u1';

interface RunningWorker {
  readonly moduleRef: TestingModule;
  readonly jobs: JobsRepository;
  readonly dispatcher: ResultDispatcher;
  readonly admin: QueueAdmin;
  readonly deadLetters: DeadLetterService;
  close(): Promise<void>;
}

/** The worker as main.ts wires it (config, database, AWS, events, WorkerModule) against the emulator and PGlite. */
async function startWorker(aws: TestAwsResources, visibilitySeconds = 5): Promise<RunningWorker> {
  const config = loadConfig(
    { aws: AwsEnvironment, worker: WorkerEnvironment },
    {
      AWS_ENDPOINT_URL: aws.endpoint,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_MAX_ATTEMPTS: '1',
      S3_PAYLOAD_BUCKET: aws.bucket,
      SQS_RESULT_QUEUE_URL: aws.resultQueueUrl,
      WORKER_WAIT_TIME_SECONDS: '1',
      WORKER_RETRY_DELAY_MS: '200',
      WORKER_RETRY_MAX_DELAY_MS: '400',
    },
  );
  config.worker.WORKER_VISIBILITY_TIMEOUT_SECONDS = visibilitySeconds; // below the validated minimum of 5 only in tests
  const database: TestDatabase = await createTestDatabase('pglite');
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypedConfigModule.forRoot(config),
      DatabaseModule.forRoot(database.options),
      AwsModule.forRoot(toAwsOptions(config.aws)),
      JobEventsModule.forRoot({}),
      WorkerModule,
    ],
  }).compile();
  await moduleRef.init();
  return {
    moduleRef,
    jobs: moduleRef.get(JobsRepository),
    dispatcher: moduleRef.get(ResultDispatcher),
    admin: moduleRef.get(QueueAdmin),
    deadLetters: moduleRef.get(DeadLetterService),
    async close() {
      await moduleRef.close();
      await database.drop();
    },
  };
}

async function openJob(worker: RunningWorker, userId = USER): Promise<string> {
  const taskId = `task-${randomUUID()}`;
  await worker.jobs.create({ taskId, userId, kind: 'GRAPH_GENERATION', status: 'QUEUED', inputKey: `graph-generation/${taskId}/` });
  return taskId;
}

function progress(aws: TestAwsResources, taskId: string, edit: (envelope: Record<string, unknown>) => void = () => undefined): string {
  const envelope = readGoldenEnvelope('results/graph-generation-progress.json', { taskId, userId: USER, payloadBucket: aws.bucket });
  edit(envelope);
  return JSON.stringify(envelope);
}

async function send(aws: TestAwsResources, body: string): Promise<string> {
  const { MessageId } = await aws.sqs.send(new SendMessageCommand({ QueueUrl: aws.resultQueueUrl, MessageBody: body }));
  return MessageId as string;
}

async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(100);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Makes every receive's dispatch take `delayMs` longer; records how many started and what they decided. */
function slowDispatch(worker: RunningWorker, delayMs: number): { outcomes: Outcome[]; started: () => number } {
  const dispatchBatch = worker.dispatcher.dispatchBatch.bind(worker.dispatcher);
  const outcomes: Outcome[] = [];
  let started = 0;
  jest.spyOn(worker.dispatcher, 'dispatchBatch').mockImplementation(async (messages) => {
    started++;
    await sleep(delayMs);
    const decided = await dispatchBatch(messages);
    outcomes.push(...decided);
    return decided;
  });
  return { outcomes, started: () => started };
}

/** Nothing left on the queue: no visible message, and none comes back after `waitSeconds`. */
async function receiveNothing(worker: RunningWorker, queueUrl: string, waitSeconds: number): Promise<void> {
  expect(await worker.admin.receive(queueUrl, { max: 10, waitSeconds, visibilityTimeout: 1 })).toEqual([]);
}

describe(`${ResultQueueConsumer.name} (emulator, PGlite)`, () => {
  describe('poison messages', () => {
    let aws: TestAwsResources;
    let worker: RunningWorker;

    beforeAll(async () => {
      aws = await createTestAwsResources('consumer-poison');
      worker = await startWorker(aws);
    });

    afterAll(async () => {
      await worker?.close();
      aws?.destroy();
    });

    it('dead-letters each kind once with its reason while the valid messages around them are applied', async () => {
      const valid = [await openJob(worker), await openJob(worker)];
      const foreign = await openJob(worker, 'someone-else');
      const unknownTask = `task-${randomUUID()}`;
      const PROGRESS = 'GRAPH_GENERATION_PROGRESS';
      const poison: Record<string, { body: string; reason: RegExp; taskId?: string; taskType?: string }> = {
        badJson: { body: '{"taskId": "t", ', reason: /./ },
        unknownType: { body: progress(aws, valid[0], (e) => (e.taskType = 'MICROSCOPE_INGEST_RESULT')), reason: /MICROSCOPE_INGEST_RESULT/, taskId: valid[0], taskType: 'MICROSCOPE_INGEST_RESULT' },
        invalidPayload: { body: progress(aws, valid[0], (e) => (e.payload = { userId: USER, progressPercent: 'lots' })), reason: /^INVALID_PAYLOAD: /, taskId: valid[0], taskType: PROGRESS },
        noSuchJob: { body: progress(aws, unknownTask), reason: new RegExp(`^no job ${unknownTask}$`), taskId: unknownTask, taskType: PROGRESS },
        ownerMismatch: { body: progress(aws, foreign), reason: new RegExp(`^owner mismatch for ${foreign}$`), taskId: foreign, taskType: PROGRESS },
      };

      await send(aws, progress(aws, valid[0]));
      const sentIds: Record<string, string> = {};
      for (const [name, { body }] of Object.entries(poison)) sentIds[name] = await send(aws, body);
      await send(aws, progress(aws, valid[1]));

      await until(async () => (await worker.admin.approximateCount(aws.resultDlqUrl)) === 5);
      await until(async () => (await Promise.all(valid.map((id) => worker.jobs.findById(id)))).every((job) => job?.status === 'RUNNING'));

      const held = await worker.admin.receive(aws.resultDlqUrl, { max: 10, waitSeconds: 1, visibilityTimeout: 30 });
      expect(held).toHaveLength(5);
      for (const [name, { body, reason, taskId, taskType }] of Object.entries(poison)) {
        const letter = held.find((message) => message.attributes.originalMessageId === sentIds[name]);
        expect(letter?.body).toBe(body);
        expect(letter?.attributes).toMatchObject({ sourceQueue: aws.resultQueueUrl, receiveCount: '1' });
        expect([letter?.attributes.taskId, letter?.attributes.taskType]).toEqual([taskId, taskType]);
        expect(letter?.attributes.reason).toMatch(reason);
        expect(Date.parse(letter?.attributes.deadLetteredAt ?? '')).not.toBeNaN();
      }
      expect((await worker.jobs.findById(foreign))?.status).toBe('QUEUED');
      await receiveNothing(worker, aws.resultQueueUrl, 1);
    });

    it('fails the jobs of authentic results that cannot be used at once and dead-letters the results with reason, task id and type', async () => {
      const foreignKey = await openJob(worker);
      const broken = await openJob(worker);
      const foreignKeyResult = readGoldenEnvelope('results/graph-generation-completed.json', { taskId: foreignKey, userId: USER, payloadBucket: aws.bucket });
      foreignKeyResult.payload.resultS3Key = `graph-results/task-of-someone-else/graph_final.json`;
      const brokenResult = readGoldenEnvelope('results/graph-generation-completed.json', { taskId: broken, userId: USER, payloadBucket: aws.bucket });
      brokenResult.payload.status = 'DONE';
      const sent = {
        [foreignKey]: { id: await send(aws, JSON.stringify(foreignKeyResult)), code: 'RESULT_KEY_FOREIGN', reason: /^resultS3Key: result key "graph-results\/task-of-someone-else\/graph_final.json" refused: .*job failed with RESULT_KEY_FOREIGN\)$/ },
        [broken]: { id: await send(aws, JSON.stringify(brokenResult)), code: 'RESULT_MESSAGE_INVALID', reason: /^INVALID_PAYLOAD: .*job failed with RESULT_MESSAGE_INVALID\)$/ },
      };

      await until(async () => (await Promise.all([foreignKey, broken].map((id) => worker.jobs.findById(id)))).every((job) => job?.status === 'FAILED'));
      const letters: QueueMessage[] = [];
      const wanted = new Set(Object.values(sent).map(({ id }) => id));
      await until(async () => {
        const received = await worker.admin.receive(aws.resultDlqUrl, { max: 10, waitSeconds: 1, visibilityTimeout: 30 });
        letters.push(...received.filter((message) => wanted.has(message.attributes.originalMessageId ?? '')));
        return letters.length === wanted.size;
      });

      const events = worker.moduleRef.get(JobEventsRepository);
      for (const [taskId, { id, code, reason }] of Object.entries(sent)) {
        expect(await worker.jobs.findById(taskId)).toMatchObject({ status: 'FAILED', errorCode: code });
        expect((await events.listForJob(taskId)).map((event) => [event.type, event.payload.errorCode])).toEqual([['GRAPH_GENERATION_FAILED', code]]);
        const letter = letters.find((message) => message.attributes.originalMessageId === id);
        expect(letter?.attributes).toMatchObject({ taskId, taskType: 'GRAPH_GENERATION_RESULT', receiveCount: '1' });
        expect(letter?.attributes.reason).toMatch(reason);
      }
      await receiveNothing(worker, aws.resultQueueUrl, 1);
    });

    it('holds a message whose dependency is down, retrying it without spending receives, while other messages keep flowing', async () => {
      const dispatchBatch = worker.dispatcher.dispatchBatch.bind(worker.dispatcher);
      const thrown: number[] = [];
      const receives = jest.spyOn(worker.dispatcher, 'dispatchBatch').mockImplementation((messages) => {
        for (const message of messages) if (message.body.includes('GRAPH_SUMMARY_RESULT')) thrown.push(message.receiveCount);
        return dispatchBatch(messages);
      });
      const spy = jest
        .spyOn(worker.moduleRef.get(GraphSummaryResultHandler), 'handle')
        .mockRejectedValue(new ObjectStoreError('STORAGE_UNAVAILABLE', 'S3 get failed: ECONNREFUSED'));
      try {
        const taskId = await openJob(worker);
        const summaryTask = await openJob(worker);
        await send(aws, JSON.stringify(readGoldenEnvelope('results/graph-summary-completed.json', { taskId: summaryTask, userId: USER, payloadBucket: aws.bucket })));
        await send(aws, progress(aws, taskId));

        await until(async () => (await worker.jobs.findById(taskId))?.status === 'RUNNING');
        await until(() => Promise.resolve(thrown.length >= 3)); // tried again in memory, not dead-lettered
        expect(thrown.slice(0, 3)).toEqual([1, 1, 1]); // still its first receive: SQS's redrive count is untouched
        expect(spy).toHaveBeenCalledTimes(thrown.length);

        const consumer = worker.moduleRef.get(SqsService).consumers.get(pollerName(0))?.instance;
        for (const event of ['error', 'processing_error', 'timeout_error'] as const) {
          expect(consumer?.listenerCount(event)).toBeGreaterThan(0);
          expect(() => consumer?.emit(event, new Error(`synthetic ${event}`), undefined as never)).not.toThrow();
        }
        expect(consumer?.status.isRunning).toBe(true);
      } finally {
        spy.mockRestore();
        receives.mockRestore();
      }
    });
  });

  describe('heartbeat', () => {
    let aws: TestAwsResources;
    let worker: RunningWorker;

    beforeAll(async () => {
      aws = await createTestAwsResources('consumer-heartbeat');
      worker = await startWorker(aws, 3);
    });

    afterAll(async () => {
      await worker?.close();
      aws?.destroy();
    });

    it('keeps a message that takes 7 s invisible (visibility 3 s) and deletes it at the end', async () => {
      const { outcomes, started } = slowDispatch(worker, 7_000);
      const taskId = await openJob(worker);
      await send(aws, progress(aws, taskId));
      await until(() => Promise.resolve(started() === 1));

      const stolen = [];
      while (outcomes.length === 0) stolen.push(...(await worker.admin.receive(aws.resultQueueUrl, { max: 10, waitSeconds: 1, visibilityTimeout: 1 })));

      expect(stolen).toEqual([]);
      expect(outcomes).toEqual([{ kind: 'done', note: undefined }]);
      await receiveNothing(worker, aws.resultQueueUrl, 4); // past the 3 s visibility: deleted, not waiting
      expect(started()).toBe(1);
      expect((await worker.jobs.findById(taskId))?.status).toBe('RUNNING');
    });
  });

  describe('shutdown', () => {
    it('stops receiving, waits for a slow handler and deletes its message before closing clients', async () => {
      const aws = await createTestAwsResources('consumer-shutdown');
      const worker = await startWorker(aws);
      const probe = new QueueAdmin(toAwsOptions(loadConfig({ aws: AwsEnvironment }, { AWS_ENDPOINT_URL: aws.endpoint, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', S3_PAYLOAD_BUCKET: aws.bucket }).aws));
      try {
        const { outcomes, started } = slowDispatch(worker, 3_000);
        const taskId = await openJob(worker);
        await send(aws, progress(aws, taskId));
        await until(() => Promise.resolve(started() === 1));

        const closing = Date.now();
        await worker.close();

        expect(Date.now() - closing).toBeGreaterThanOrEqual(2_000);
        expect(outcomes).toEqual([{ kind: 'done', note: undefined }]);
        expect(await probe.receive(aws.resultQueueUrl, { max: 10, waitSeconds: 6, visibilityTimeout: 1 })).toEqual([]); // past the 5 s visibility
        expect(started()).toBe(1);
      } finally {
        probe.onApplicationShutdown();
        aws.destroy();
      }
    });
  });
});
