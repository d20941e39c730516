import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type TestingModule } from '@nestjs/testing';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GraphRepository, type Job, JobEventsRepository, type JobKind, JobsRepository, type NewJob, type StoredGraph } from '@app/database';
import { type TestAwsResources } from '../../../../test/support/test-aws';
import { TEST_DRIVERS } from '../../../../libs/database/test/test-database';
import { FIXTURES_DIR, type GoldenEnvelope, readGoldenEnvelope, readGoldenText } from '../../../../libs/queue-contracts/test/golden-contract';
import { type Outcome, type ReceivedMessage } from '../consumer/outcome';
import { ResultDispatcher } from './result-dispatcher';
import { bootResultHandling, type ResultHandlingTestContext } from '../../test/result-handling-test-module';

/**
 * Property-style: a job's messages, duplicated and shuffled (sequentially or in
 * concurrent batches like the consumer's), always end in the same final state.
 * Replay a failing run with RESULT_ORDERING_SEED=<seed named in the failure>.
 */
const BASE_SEED = Number(process.env.RESULT_ORDERING_SEED ?? Math.floor(Math.random() * 2 ** 31)) >>> 0;
const GRAPH_RESULT = readFileSync(path.join(FIXTURES_DIR, 'files/graph-result.json'), 'utf8');
const SUMMARY = readFileSync(path.join(FIXTURES_DIR, 'files/summary.json'), 'utf8');
/** graph-result.json without node 2 (and the edge and subcluster that name it). */
const GRAPH_WITHOUT_NODE_2 = ((): string => {
  const graph = JSON.parse(GRAPH_RESULT) as {
    nodes: { id: number }[];
    edges: { source: number; target: number }[];
    subclusters: unknown[];
    metadata: { total_nodes: number; total_edges: number; clusters: Record<string, { size: number }> };
  };
  graph.nodes = graph.nodes.filter((node) => node.id !== 2);
  graph.edges = graph.edges.filter((edge) => edge.source !== 2 && edge.target !== 2);
  graph.subclusters = [];
  Object.assign(graph.metadata, { total_nodes: 2, total_edges: 1 });
  graph.metadata.clusters.cluster_1.size = 1;
  return JSON.stringify(graph);
})();
const ADD_NODE_SOURCES = [
  { kind: 'conversation', id: '67a5f3d2-1e4b-800b-9a7c-4d2e8f6b1c03' },
  { kind: 'note', id: 'note-9d03' },
] as const;

interface Rng {
  int(min: number, max: number): number;
  shuffle<T>(items: readonly T[]): T[];
}

function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    int,
    shuffle(items) {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = int(0, i);
        [copy[i], copy[j]] = [copy[j], copy[i]];
      }
      return copy;
    },
  };
}

/** Each message 2-4 times (duplicated 1-3 times), all shuffled together. */
function duplicateAndShuffle(rng: Rng, messages: readonly string[]): string[] {
  return rng.shuffle(messages.flatMap((message) => Array.from({ length: 1 + rng.int(1, 3) }, () => message)));
}

/** `runs` seeded runs in one test; a failure names the run's seed. */
function property(name: string, runs: number, body: (rng: Rng) => Promise<void>): void {
  it(`${name} (${runs} runs from seed ${BASE_SEED})`, async () => {
    for (let run = 0; run < runs; run++) {
      const seed = (BASE_SEED + run) >>> 0;
      try {
        await body(mulberry32(seed));
      } catch (error) {
        const prefix = `[seed ${seed}: replay with RESULT_ORDERING_SEED=${seed}] `;
        if (error instanceof Error) {
          error.message = prefix + error.message;
          // V8 may format the stack lazily (then it already has the new message).
          if (!error.stack?.includes(prefix)) error.stack = prefix + (error.stack ?? '');
        }
        throw error;
      }
    }
  });
}

const shapeOf = (graph: StoredGraph | undefined) => graph && { nodes: graph.nodes, edges: graph.edges, clusters: graph.clusters, subclusters: graph.subclusters };

describe.each(TEST_DRIVERS)('result ordering (%s)', (driver) => {
  const runs = (pglite: number, postgres: number): number => (driver === 'postgres' ? postgres : pglite);
  let aws: TestAwsResources;
  let context: ResultHandlingTestContext;
  let moduleRef: TestingModule;
  let dispatcher: ResultDispatcher;
  let jobs: JobsRepository;
  let events: JobEventsRepository;
  let graphs: GraphRepository;
  /** What one clean delivery stores: the reference every shuffled delivery must reproduce. */
  const expected: Record<'full' | 'withoutNode2' | 'afterAddNode', ReturnType<typeof shapeOf>> = { full: undefined, withoutNode2: undefined, afterAddNode: undefined };

  beforeAll(async () => {
    context = await bootResultHandling(driver, 'worker-ordering');
    ({ aws, moduleRef } = context);
    dispatcher = moduleRef.get(ResultDispatcher);
    jobs = moduleRef.get(JobsRepository);
    events = moduleRef.get(JobEventsRepository);
    graphs = moduleRef.get(GraphRepository);

    for (const [name, graph] of [['full', GRAPH_RESULT], ['withoutNode2', GRAPH_WITHOUT_NODE_2]] as const) {
      const userId = newUser();
      const { taskId } = await openJob(userId);
      await deliver(mulberry32(0), [await graphCompleted(taskId, userId, graph)], false);
      expected[name] = shapeOf(await graphs.get(userId));
    }
    expect(expected.full?.nodes).toHaveLength(3);
    expect(expected.withoutNode2?.nodes).toHaveLength(2);
    const userId = await userWithGraph();
    await deliver(mulberry32(0), [await addNodeCompleted(userId)], false);
    expected.afterAddNode = shapeOf(await graphs.get(userId));
    expect(expected.afterAddNode?.nodes).toHaveLength(5);
  });

  afterAll(async () => {
    await context?.close();
  });

  const newUser = (): string => `user-${randomUUID()}`;

  async function openJob(userId: string, kind: JobKind = 'GRAPH_GENERATION', extra: Partial<NewJob> = {}): Promise<Job> {
    const taskId = `task-${randomUUID()}`;
    return jobs.create({ taskId, userId, kind, status: 'QUEUED', inputKey: `jobs/${taskId}/`, ...extra });
  }

  async function job(taskId: string): Promise<Job> {
    const row = await jobs.findById(taskId);
    if (!row) throw new Error(`job ${taskId} is gone`);
    return row;
  }

  async function putObject(key: unknown, body: string): Promise<void> {
    if (typeof key !== 'string') throw new Error('golden has no key there');
    await aws.s3.send(new PutObjectCommand({ Bucket: aws.bucket, Key: key, Body: body, ContentType: 'application/json' }));
  }

  function golden(name: string, taskId: string, userId: string): GoldenEnvelope {
    return readGoldenEnvelope(`results/${name}.json`, { taskId, userId, payloadBucket: aws.bucket });
  }

  /** The COMPLETED golden for `taskId`, with its graph and summary uploaded where it points. */
  async function graphCompleted(taskId: string, userId: string, graph = GRAPH_RESULT): Promise<string> {
    const envelope = golden('graph-generation-completed', taskId, userId);
    await putObject(envelope.payload.resultS3Key, graph);
    await putObject(envelope.payload.summaryS3Key, SUMMARY);
    return JSON.stringify(envelope);
  }

  /** 3-5 progress messages with distinct stages and percents. */
  function progress(rng: Rng, taskId: string, userId: string): string[] {
    const count = rng.int(3, 5);
    return Array.from({ length: count }, (_, i) => {
      const envelope = golden('graph-generation-progress', taskId, userId);
      Object.assign(envelope.payload, { currentStage: `[${i + 1}단계] stage ${i + 1}`, progressPercent: Math.round(((i + 1) * 95) / count) });
      return JSON.stringify(envelope);
    });
  }

  async function userWithGraph(): Promise<string> {
    const userId = newUser();
    const { taskId } = await openJob(userId);
    await deliver(mulberry32(0), [await graphCompleted(taskId, userId)], false);
    return userId;
  }

  async function addNodeCompleted(userId: string): Promise<string> {
    const created = await openJob(userId, 'ADD_NODE', { options: { sourceIds: ADD_NODE_SOURCES } });
    const envelope = golden('add-node-completed', created.taskId, userId);
    await putObject(envelope.payload.resultS3Key, readGoldenText('files/add-node-result.json', { taskId: created.taskId, userId, payloadBucket: aws.bucket }));
    return JSON.stringify(envelope);
  }

  /** Sequentially, or like the consumer: receives of up to 10 dispatched as one batch, two at once (two pollers). Every outcome must be `done`. */
  async function deliver(rng: Rng, bodies: readonly string[], concurrent: boolean): Promise<void> {
    const receives: ReceivedMessage[][] = [];
    for (let start = 0; start < bodies.length; ) {
      const batch = bodies.slice(start, start + (concurrent ? rng.int(1, 10) : 1));
      receives.push(batch.map((body, i) => ({ messageId: `m${start + i}`, body, receiveCount: 1 })));
      start += batch.length;
    }
    const outcomes: Outcome[] = [];
    for (let next = 0; next < receives.length; next += concurrent ? 2 : 1) {
      const inFlight = receives.slice(next, next + (concurrent ? 2 : 1));
      for (const decided of await Promise.all(inFlight.map((messages) => dispatcher.dispatchBatch(messages)))) outcomes.push(...decided);
    }
    expect(outcomes.filter((outcome) => outcome.kind !== 'done')).toEqual([]);
  }

  async function eventTypes(taskId: string): Promise<string[]> {
    return (await events.listForJob(taskId)).map((event) => event.type);
  }

  /** SUCCEEDED at 100 %, progress events only before the single COMPLETED event, which is last. */
  async function expectGenerationSucceeded(taskId: string): Promise<Job> {
    const row = await job(taskId);
    expect(row).toMatchObject({ status: 'SUCCEEDED', progressPercent: 100, errorCode: null });
    const types = await eventTypes(taskId);
    expect(types.at(-1)).toBe('GRAPH_GENERATION_COMPLETED');
    expect(types.slice(0, -1).filter((type) => type !== 'GRAPH_GENERATION_PROGRESS_UPDATED')).toEqual([]);
    return row;
  }

  describe.each([
    ['sequential', false],
    ['concurrent batches', true],
  ] as const)('%s delivery', (_mode, concurrent) => {
    property('a COMPLETED generation with progress always succeeds with the same graph', runs(30, 10), async (rng) => {
      const userId = newUser();
      const { taskId } = await openJob(userId);
      const messages = [...progress(rng, taskId, userId), await graphCompleted(taskId, userId)];

      await deliver(rng, duplicateAndShuffle(rng, messages), concurrent);

      expect(await expectGenerationSucceeded(taskId)).toMatchObject({ warning: null });
      const graph = await graphs.get(userId);
      expect(graph?.taskId).toBe(taskId);
      expect(shapeOf(graph)).toEqual(expected.full);
    });
  });

  describe('sequential or concurrent delivery, chosen per run', () => {
    property('a FAILED generation with progress always fails once with the AI error code', runs(16, 6), async (rng) => {
      const concurrent = rng.int(0, 1) === 1;
      const userId = newUser();
      const { taskId } = await openJob(userId);
      const messages = [...progress(rng, taskId, userId), JSON.stringify(golden('graph-generation-failed', taskId, userId))];

      await deliver(rng, duplicateAndShuffle(rng, messages), concurrent);

      expect(await job(taskId)).toMatchObject({ status: 'FAILED', errorCode: 'LLM_AUTH_FAILED' });
      const types = await eventTypes(taskId);
      expect(types.at(-1)).toBe('GRAPH_GENERATION_FAILED');
      expect(types.slice(0, -1).filter((type) => type !== 'GRAPH_GENERATION_PROGRESS_UPDATED')).toEqual([]);
      expect(await graphs.get(userId)).toBeUndefined();
    });

    property('of two generations of one user the newer job always owns the graph', runs(16, 6), async (rng) => {
      const concurrent = rng.int(0, 1) === 1;
      const userId = newUser();
      const older = await openJob(userId, 'GRAPH_GENERATION', { createdAt: new Date('2026-01-01T00:00:00Z') });
      const newer = await openJob(userId, 'GRAPH_GENERATION', { createdAt: new Date('2026-01-01T00:05:00Z') });
      const olderResult = await graphCompleted(older.taskId, userId, GRAPH_RESULT);
      const newerResult = await graphCompleted(newer.taskId, userId, GRAPH_WITHOUT_NODE_2);
      const order = duplicateAndShuffle(rng, [olderResult, newerResult]);

      await deliver(rng, order, concurrent);

      const graph = await graphs.get(userId);
      expect(graph?.taskId).toBe(newer.taskId);
      expect(shapeOf(graph)).toEqual(expected.withoutNode2);
      expect((await expectGenerationSucceeded(newer.taskId)).warning).toBeNull();
      const olderRow = await expectGenerationSucceeded(older.taskId);
      // The older graph was applied (then replaced: version 2) or skipped (version 1) with a warning naming the newer job.
      const newerFirst = graph?.version === 1;
      if (!concurrent) expect(newerFirst).toBe(order[0] === newerResult);
      if (newerFirst) expect(olderRow.warning).toContain(`graph not replaced: the stored graph (version 1) comes from the newer job ${newer.taskId}`);
      else expect({ version: graph?.version, warning: olderRow.warning }).toEqual({ version: 2, warning: null });
    });

    property('a duplicated add-node result always merges exactly once', runs(16, 6), async (rng) => {
      const concurrent = rng.int(0, 1) === 1;
      const userId = await userWithGraph();
      const base = await graphs.get(userId);
      const result = await addNodeCompleted(userId);
      const { taskId } = JSON.parse(result) as { taskId: string };

      await deliver(rng, duplicateAndShuffle(rng, [result]), concurrent);

      expect(await job(taskId)).toMatchObject({ status: 'SUCCEEDED', warning: null, errorCode: null });
      expect(await eventTypes(taskId)).toEqual(['ADD_CONVERSATION_COMPLETED']);
      const graph = await graphs.get(userId);
      const ids = graph?.nodes.map((node) => node.id) ?? [];
      expect(ids).toHaveLength((base?.nodes.length ?? 0) + 2);
      expect(new Set(ids).size).toBe(ids.length);
      expect(graph?.version).toBe((base?.version ?? 0) + 1);
      expect(shapeOf(graph)).toEqual(expected.afterAddNode);
    });
  });
});
