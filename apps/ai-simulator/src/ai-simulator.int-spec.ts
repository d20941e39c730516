import { loadEnvironment } from '@app/config';
import { buildEnvelope, parseAddNodeResult, parseEnvelope, parseGraphResult, parseSummaryResult, TaskType, type AnyEnvelope } from '@app/queue-contracts';
import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { contractJson, conversationsFile } from '../test/contract-files';
import { EmulatorResources } from '../test/emulator-resources';
import { AiSimulatorModule } from './ai-simulator.module';
import { AiSimulatorConfig } from './config/ai-simulator.config';

const NAIVE_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;
const FINAL = new Set<string>([TaskType.GRAPH_GENERATION_RESULT, TaskType.ADD_NODE_RESULT, TaskType.GRAPH_SUMMARY_RESULT]);

async function startSimulator(resources: EmulatorResources, extra: Record<string, string> = {}): Promise<TestingModule> {
  const config = loadEnvironment(AiSimulatorConfig, resources.environment(extra));
  const app = await Test.createTestingModule({ imports: [AiSimulatorModule.forRoot(config)] }).compile();
  await app.init();
  return app;
}

/** Sends one request and returns every envelope up to its final result, each checked by the contract parser. */
async function exchange(resources: EmulatorResources, body: string, taskId: string): Promise<AnyEnvelope[]> {
  await resources.sendRequest(body);
  const isFinal = (raw: string) => {
    const parsed = JSON.parse(raw) as { taskId?: string; taskType?: string };
    return parsed.taskId === taskId && FINAL.has(parsed.taskType ?? '');
  };
  const bodies = await resources.receiveResultsUntil(isFinal);
  return bodies.map((raw) => {
    expect((JSON.parse(raw) as { timestamp: string }).timestamp).toMatch(NAIVE_TIMESTAMP);
    const parsed = parseEnvelope(raw);
    if (!parsed.ok) throw new Error(`the simulator sent an invalid envelope: ${parsed.error.message}\n${raw}`);
    return parsed.envelope;
  });
}

function graphRequest(taskId: string, userId: string): string {
  return buildEnvelope(TaskType.GRAPH_GENERATION_REQUEST, taskId, { userId, s3Key: `graph-generation/${taskId}/`, language: 'en', includeSummary: true });
}

beforeAll(() => {
  Logger.overrideLogger(['error']);
});

describe('AI simulator on the emulator', () => {
  const endpoint = process.env.TEST_AWS_ENDPOINT ?? '';
  let resources: EmulatorResources;
  let app: TestingModule;

  beforeAll(async () => {
    resources = await new EmulatorResources(endpoint).create();
    app = await startSimulator(resources);
  });

  afterAll(async () => {
    await app?.close();
    resources?.destroy();
  });

  it('answers a graph request with progress, then COMPLETED and files the worker can parse', async () => {
    const taskId = 'task_u1_graph';
    await resources.putJson(`graph-generation/${taskId}/input.json`, contractJson('files/conversations.json'));
    const envelopes = await exchange(resources, graphRequest(taskId, 'u1'), taskId);
    const result = envelopes[envelopes.length - 1];
    expect(envelopes.filter((envelope) => envelope.taskType === TaskType.GRAPH_GENERATION_PROGRESS).length).toBeGreaterThanOrEqual(1);
    expect(envelopes.every((envelope) => envelope.taskId === taskId && envelope.payload.userId === 'u1')).toBe(true);
    if (result.taskType !== TaskType.GRAPH_GENERATION_RESULT) throw new Error(`final was ${result.taskType}`);
    expect(result.payload).toMatchObject({ status: 'COMPLETED', summaryIncluded: true, error: null, resultS3Key: `graph-results/${taskId}/graph_final.json` });
    const graph = parseGraphResult(await resources.getJson(result.payload.resultS3Key ?? ''));
    if (!graph.ok) throw new Error(graph.problems.join('; '));
    expect(graph.graph.nodes.map((node) => node.origId)).toEqual(['67a4e0b1-6c3d-800b-8f2e-1d9a5b7c3e01', '67a4e7c9-2f80-800b-a4d1-8b3c6e2f9a52']);
    expect(parseSummaryResult(await resources.getJson(result.payload.summaryS3Key ?? '')).ok).toBe(true);
    await expect(resources.getJson(result.payload.featuresS3Key ?? '')).resolves.toMatchObject({ nodes: expect.any(Array) as unknown });
    expect(await resources.requestsLeft()).toBe(0);
  });

  it('counts conversations and notes.json of the bundle as nodes', async () => {
    const taskId = 'task_u1_notes';
    await resources.putJson(`graph-generation/${taskId}/input.json`, conversationsFile(3));
    await resources.putJson(`graph-generation/${taskId}/notes.json`, { source_nodes: [{ id: 'n1', title: 'Note', sections: [], source_type: 'markdown' }] });
    const result = (await exchange(resources, graphRequest(taskId, 'u1'), taskId)).pop();
    const key = result?.taskType === TaskType.GRAPH_GENERATION_RESULT ? result.payload.resultS3Key : null;
    const graph = parseGraphResult(await resources.getJson(key ?? ''));
    expect(graph.ok && graph.graph.nodes.map((node) => node.origId)).toEqual(['conv-1', 'conv-2', 'conv-3', 'n1']);
  });

  it('answers an unparseable request with the real server\'s "unknown" echo and deletes it', async () => {
    const echo = contractJson('results/unparseable-request-echo.json') as { payload: object };
    const [result] = await exchange(resources, JSON.stringify({ taskId: 'x', payload: { userId: 'u1' } }), 'unknown');
    expect(result).toMatchObject({ taskId: 'unknown', taskType: TaskType.GRAPH_GENERATION_RESULT, payload: echo.payload });
    expect(await resources.requestsLeft()).toBe(0);
  });

  it('answers ADD_NODE_REQUEST with a result file', async () => {
    const taskId = 'task_add_node_u1';
    const notes = [{ noteId: 'note-1', title: 'Gardening', content: '# Tomatoes' }];
    await resources.putJson(`add-node/${taskId}/batch.json`, { userId: 'u1', existingClusters: [], conversations: conversationsFile(2), notes });
    const body = buildEnvelope(TaskType.ADD_NODE_REQUEST, taskId, { userId: 'u1', s3Key: `add-node/${taskId}/batch.json`, language: 'en' });
    const [result] = await exchange(resources, body, taskId);
    if (result.taskType !== TaskType.ADD_NODE_RESULT) throw new Error(`got ${result.taskType}`);
    expect(result.payload).toMatchObject({ status: 'COMPLETED', resultS3Key: `add-node-results/${taskId}/result.json` });
    const file = parseAddNodeResult(await resources.getJson(result.payload.resultS3Key ?? ''));
    expect(file.ok && file.result.processedCount).toBe(3);
  });

  it('answers GRAPH_SUMMARY_REQUEST with a summary file', async () => {
    const taskId = 'summary_u1';
    await resources.putJson(`graph-summary/${taskId}/graph.json`, contractJson('files/graph-result.json'));
    const body = buildEnvelope(TaskType.GRAPH_SUMMARY_REQUEST, taskId, { userId: 'u1', graphS3Key: `graph-summary/${taskId}/graph.json`, language: 'en' });
    const [result] = await exchange(resources, body, taskId);
    if (result.taskType !== TaskType.GRAPH_SUMMARY_RESULT) throw new Error(`got ${result.taskType}`);
    expect(result.payload).toMatchObject({ status: 'COMPLETED', summaryS3Key: `graph-summary/${taskId}/summary.json`, chatId: null });
    expect(parseSummaryResult(await resources.getJson(result.payload.summaryS3Key ?? ''))).toMatchObject({ ok: true });
  });
});

describe('AI simulator with AI_SIMULATOR_FAILURE=LLM_AUTH_FAILED', () => {
  let resources: EmulatorResources;
  let app: TestingModule;

  beforeAll(async () => {
    resources = await new EmulatorResources(process.env.TEST_AWS_ENDPOINT ?? '').create();
    app = await startSimulator(resources, { AI_SIMULATOR_FAILURE: 'LLM_AUTH_FAILED' });
  });

  afterAll(async () => {
    await app?.close();
    resources?.destroy();
  });

  it('fails graph jobs the way the real server does, with errorCode and the raw provider error', async () => {
    const golden = contractJson('results/graph-generation-failed.json') as { payload: object };
    const taskId = 'task_u2_fail';
    await resources.putJson(`graph-generation/${taskId}/input.json`, contractJson('files/conversations.json'));
    const result = (await exchange(resources, graphRequest(taskId, '<userId>'), taskId)).pop();
    expect(result).toMatchObject({ taskId, taskType: TaskType.GRAPH_GENERATION_RESULT, payload: { ...golden.payload, resultS3Key: null } });
    expect(await resources.requestsLeft()).toBe(0);
  });

  it('stops within a second while long-polling', async () => {
    const started = Date.now();
    await app.close();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
