import { GOLDEN_FILLS, listGolden, readGoldenEnvelope, readGoldenText } from '../test/golden-contract';
import { AddNodeResultPayload } from './dto/add-node-result-payload.dto';
import { GraphGenerationProgressPayload } from './dto/graph-generation-progress-payload.dto';
import { GraphGenerationResultPayload } from './dto/graph-generation-result-payload.dto';
import { GraphSummaryResultPayload } from './dto/graph-summary-result-payload.dto';
import { type AnyEnvelope } from './envelope.types';
import { InvalidMessageError } from './invalid-message.error';
import { parseEnvelope, type ParseResult } from './parse-envelope';
import { TaskType } from './task-type.enum';

const { taskId, userId } = GOLDEN_FILLS;

function expectOk(result: ParseResult): AnyEnvelope {
  if (!result.ok) throw new Error(`expected a valid envelope, got ${result.error.code}: ${result.error.message}`);
  return result.envelope;
}

function expectInvalid(result: ParseResult): InvalidMessageError {
  if (result.ok) throw new Error(`expected an invalid message, got a ${result.envelope.taskType} envelope`);
  expect(result.error).toBeInstanceOf(InvalidMessageError);
  return result.error;
}

/** The golden progress message with envelope fields replaced (undefined removes one). */
function progressWith(overrides: Record<string, unknown>): string {
  const envelope: Record<string, unknown> = { ...readGoldenEnvelope('results/graph-generation-progress.json'), ...overrides };
  return JSON.stringify(Object.fromEntries(Object.entries(envelope).filter(([, value]) => value !== undefined)));
}

interface GoldenExpectation {
  taskType: TaskType;
  payloadClass: new () => object;
  payload: Record<string, unknown>;
  taskId: string | null;
  timestamp: string | null;
}

const resultFields = { resultS3Key: null, featuresS3Key: null, summaryS3Key: null, summaryIncluded: false, error: null, errorCode: null, chatId: null };

const GOLDEN_RESULTS: Record<string, GoldenExpectation> = {
  'add-node-completed.json': {
    taskType: TaskType.ADD_NODE_RESULT,
    payloadClass: AddNodeResultPayload,
    payload: { userId, status: 'COMPLETED', resultS3Key: `add-node-results/${taskId}/result.json`, error: null },
    taskId,
    timestamp: '2026-12-01T09:13:52.400Z',
  },
  'add-node-failed.json': {
    taskType: TaskType.ADD_NODE_RESULT,
    payloadClass: AddNodeResultPayload,
    payload: {
      userId,
      status: 'FAILED',
      resultS3Key: null,
      error: 'Failed to download add-node/batch.json: An error occurred (NoSuchKey) when calling the GetObject operation',
    },
    taskId,
    timestamp: '2026-12-01T09:12:31.950Z',
  },
  'graph-generation-completed-legacy-key.json': {
    taskType: TaskType.GRAPH_GENERATION_RESULT,
    payloadClass: GraphGenerationResultPayload,
    payload: { ...resultFields, userId, status: 'COMPLETED', resultS3Key: `graphs/${userId}/${taskId}/output.json` },
    taskId,
    timestamp: null,
  },
  'graph-generation-completed-without-key.json': {
    taskType: TaskType.GRAPH_GENERATION_RESULT,
    payloadClass: GraphGenerationResultPayload,
    payload: { ...resultFields, userId, status: 'COMPLETED' },
    taskId,
    timestamp: '2026-12-01T09:03:41.000Z',
  },
  'graph-generation-completed.json': {
    taskType: TaskType.GRAPH_GENERATION_RESULT,
    payloadClass: GraphGenerationResultPayload,
    payload: {
      ...resultFields,
      userId,
      status: 'COMPLETED',
      resultS3Key: `graph-results/${taskId}/graph_final.json`,
      featuresS3Key: `graph-results/${taskId}/features.json`,
      summaryS3Key: `graph-results/${taskId}/summary.json`,
      summaryIncluded: true,
    },
    taskId,
    timestamp: '2026-12-01T09:03:41.827Z',
  },
  'graph-generation-failed-without-code.json': {
    taskType: TaskType.GRAPH_GENERATION_RESULT,
    payloadClass: GraphGenerationResultPayload,
    payload: { ...resultFields, userId, status: 'FAILED', error: "KeyError: 'mapping'" },
    taskId,
    timestamp: '2026-12-01T09:00:01.002Z',
  },
  'graph-generation-failed.json': {
    taskType: TaskType.GRAPH_GENERATION_RESULT,
    payloadClass: GraphGenerationResultPayload,
    payload: {
      ...resultFields,
      userId,
      status: 'FAILED',
      error:
        "Error code: 401 - {'error': {'message': 'Incorrect API key provided: sk-proj-****Xq2a.', 'type': 'invalid_request_error', 'param': None, 'code': 'invalid_api_key'}}",
      errorCode: 'LLM_AUTH_FAILED',
    },
    taskId,
    timestamp: '2026-12-01T09:00:03.118Z',
  },
  'graph-generation-partial.json': {
    taskType: TaskType.GRAPH_GENERATION_RESULT,
    payloadClass: GraphGenerationResultPayload,
    payload: {
      ...resultFields,
      userId,
      status: 'COMPLETED',
      resultS3Key: `graph-results/${taskId}/graph_final.json`,
      error: 'summary generation failed: Request timed out.',
    },
    taskId,
    timestamp: '2026-12-01T09:03:41.827Z',
  },
  'graph-generation-progress-with-eta.json': {
    taskType: TaskType.GRAPH_GENERATION_PROGRESS,
    payloadClass: GraphGenerationProgressPayload,
    payload: { userId, currentStage: '[1단계] 임베딩 생성 중', progressPercent: 100, etaSeconds: 95 },
    taskId,
    timestamp: '2026-12-01T09:00:58.000Z',
  },
  'graph-generation-progress.json': {
    taskType: TaskType.GRAPH_GENERATION_PROGRESS,
    payloadClass: GraphGenerationProgressPayload,
    payload: { userId, currentStage: '[2단계] 클러스터링 중', progressPercent: 40, etaSeconds: null },
    taskId,
    timestamp: '2026-12-01T09:01:12.604Z',
  },
  'graph-summary-completed.json': {
    taskType: TaskType.GRAPH_SUMMARY_RESULT,
    payloadClass: GraphSummaryResultPayload,
    payload: { userId, status: 'COMPLETED', summaryS3Key: `graph-summary/${taskId}/summary.json`, chatId: null, error: null, errorCode: null },
    taskId,
    timestamp: '2026-12-01T09:26:07.075Z',
  },
  'graph-summary-failed.json': {
    taskType: TaskType.GRAPH_SUMMARY_RESULT,
    payloadClass: GraphSummaryResultPayload,
    payload: {
      userId,
      status: 'FAILED',
      summaryS3Key: null,
      chatId: null,
      error:
        "Error code: 429 - {'error': {'message': 'Rate limit reached for gpt-4o-mini on tokens per min (TPM): Limit 200000, Used 199811, Requested 2410.', 'type': 'tokens', 'code': 'rate_limit_exceeded'}}",
      errorCode: 'LLM_RATE_LIMITED',
    },
    taskId,
    timestamp: '2026-12-01T09:25:09.514Z',
  },
  'unparseable-request-echo.json': {
    taskType: TaskType.GRAPH_GENERATION_RESULT,
    payloadClass: GraphGenerationResultPayload,
    payload: {
      ...resultFields,
      userId: '',
      status: 'FAILED',
      error: "1 validation error for SqsEnvelope\ntaskType\n  Field required",
    },
    taskId: 'unknown',
    timestamp: '2026-12-01T09:00:00.731Z',
  },
  'unparseable-request-without-task-id.json': {
    taskType: TaskType.GRAPH_GENERATION_RESULT,
    payloadClass: GraphGenerationResultPayload,
    payload: { ...resultFields, userId: '', status: 'FAILED', error: 'Expecting value: line 1 column 1 (char 0)' },
    taskId: null,
    timestamp: null,
  },
};

describe(parseEnvelope.name, () => {
  describe('golden results', () => {
    it('has an expectation for every golden result file', () => {
      expect(listGolden('results')).toEqual(Object.keys(GOLDEN_RESULTS).sort());
    });

    it.each(Object.entries(GOLDEN_RESULTS))('parses %s with the expected typed fields', (file, expected) => {
      const envelope = expectOk(parseEnvelope(readGoldenText(`results/${file}`)));
      expect(envelope.taskType).toBe(expected.taskType);
      expect(envelope.taskId).toBe(expected.taskId);
      expect(envelope.timestamp?.toISOString() ?? null).toBe(expected.timestamp);
      expect(envelope.payload).toBeInstanceOf(expected.payloadClass);
      expect({ ...envelope.payload }).toStrictEqual(expected.payload);
    });

    it('narrows the payload type by taskType', () => {
      const envelope = expectOk(parseEnvelope(readGoldenText('results/graph-generation-progress.json')));
      const percent = envelope.taskType === TaskType.GRAPH_GENERATION_PROGRESS ? envelope.payload.progressPercent : -1;
      expect(percent).toBe(40);
    });

    it('accepts an already-parsed object as well as JSON text', () => {
      const envelope = expectOk(parseEnvelope(readGoldenEnvelope('results/add-node-completed.json')));
      expect(envelope.taskType).toBe(TaskType.ADD_NODE_RESULT);
    });
  });

  describe('taskId', () => {
    it.each([
      ['absent', undefined],
      ['null', null],
    ])('reads a taskId that is %s as null', (_, value) => {
      expect(expectOk(parseEnvelope(progressWith({ taskId: value }))).taskId).toBeNull();
    });

    it('rejects a taskId that is not a string', () => {
      const error = expectInvalid(parseEnvelope(progressWith({ taskId: 42 })));
      expect(error.code).toBe('INVALID_ENVELOPE');
      expect(error.details).toEqual(['taskId must be a string or null']);
      expect(error.taskType).toBe(TaskType.GRAPH_GENERATION_PROGRESS);
    });
  });

  describe('timestamp', () => {
    it.each([
      ['naive (AI) as UTC', '2026-11-22T06:00:01.123456', '2026-11-22T06:00:01.123Z'],
      ['naive without fraction', '2026-11-22T06:00:01', '2026-11-22T06:00:01.000Z'],
      ['Z', '2026-11-22T06:00:01.123Z', '2026-11-22T06:00:01.123Z'],
      ['+09:00 offset', '2026-11-22T15:00:01.123+09:00', '2026-11-22T06:00:01.123Z'],
    ])('reads a %s timestamp', (_, text, iso) => {
      expect(expectOk(parseEnvelope(progressWith({ timestamp: text }))).timestamp?.toISOString()).toBe(iso);
    });

    it.each([
      ['absent', undefined],
      ['null', null],
    ])('reads a timestamp that is %s as null', (_, value) => {
      expect(expectOk(parseEnvelope(progressWith({ timestamp: value }))).timestamp).toBeNull();
    });

    it.each(['yesterday', '2026-02-30T00:00:00', '2026-11-22T25:00:00', ''])('rejects the timestamp %j', (text) => {
      const error = expectInvalid(parseEnvelope(progressWith({ timestamp: text })));
      expect(error.code).toBe('INVALID_ENVELOPE');
      expect(error.details[0]).toMatch(/^timestamp must be an ISO 8601 date-time/);
      expect(error.taskId).toBe(taskId);
    });

    it('rejects a numeric timestamp', () => {
      expect(expectInvalid(parseEnvelope(progressWith({ timestamp: 1732250000 }))).code).toBe('INVALID_ENVELOPE');
    });
  });

  describe('unknown fields', () => {
    it('strips the unknown payload field of progress-with-eta.json', () => {
      const envelope = expectOk(parseEnvelope(readGoldenText('results/graph-generation-progress-with-eta.json')));
      expect(readGoldenEnvelope('results/graph-generation-progress-with-eta.json').payload).toHaveProperty('stageIndex', 1);
      expect(envelope.payload).not.toHaveProperty('stageIndex');
    });

    it('strips unknown envelope and payload fields instead of rejecting them', () => {
      const golden = readGoldenEnvelope('results/graph-generation-progress.json');
      const raw = JSON.stringify({ ...golden, traceId: 't-1', payload: { ...golden.payload, stageIndex: 1, internalServiceToken: 'x' } });
      const envelope = expectOk(parseEnvelope(raw));
      expect(Object.keys(envelope).sort()).toEqual(['payload', 'taskId', 'taskType', 'timestamp']);
      expect(Object.keys(envelope.payload).sort()).toEqual(['currentStage', 'etaSeconds', 'progressPercent', 'userId']);
    });
  });

  describe('rejections', () => {
    it('reports text that is not JSON as INVALID_JSON', () => {
      const error = expectInvalid(parseEnvelope('{"taskId": "t1", '));
      expect(error.code).toBe('INVALID_JSON');
      expect(error.reason).toBe('The message body is not valid JSON.');
      expect(error.details).toHaveLength(1);
    });

    it.each([
      ['an array', '[1, 2]'],
      ['a number', '42'],
      ['null', 'null'],
      ['a string', '"GRAPH_GENERATION_RESULT"'],
    ])('reports JSON that is %s as NOT_AN_OBJECT', (what, raw) => {
      const error = expectInvalid(parseEnvelope(raw));
      expect(error.code).toBe('NOT_AN_OBJECT');
      expect(error.reason).toBe(`The message body is ${what}, not a JSON object.`);
    });

    it('reports `type` instead of `taskType` as INVALID_ENVELOPE naming taskType', () => {
      const raw = progressWith({ taskType: undefined, type: TaskType.GRAPH_GENERATION_PROGRESS });
      const error = expectInvalid(parseEnvelope(raw));
      expect(error.code).toBe('INVALID_ENVELOPE');
      expect(error.reason).toContain('"taskType"');
      expect(error.details).toEqual(['taskType is required (the message has "type" instead; the key is "taskType")']);
      expect(error.taskId).toBe(taskId);
    });

    it('reports a missing taskType as INVALID_ENVELOPE', () => {
      const error = expectInvalid(parseEnvelope(progressWith({ taskType: undefined })));
      expect(error.code).toBe('INVALID_ENVELOPE');
      expect(error.details).toEqual(['taskType is required']);
    });

    it('reports a task type we do not handle as UNKNOWN_TASK_TYPE with the type captured', () => {
      const error = expectInvalid(parseEnvelope(progressWith({ taskType: 'MICROSCOPE_INGEST_RESULT' })));
      expect(error.code).toBe('UNKNOWN_TASK_TYPE');
      expect(error.taskType).toBe('MICROSCOPE_INGEST_RESULT');
      expect(error.taskId).toBe(taskId);
      expect(error.reason).toContain('MICROSCOPE_INGEST_RESULT');
    });

    it.each([
      ['missing', undefined, 'payload is required'],
      ['an array', [], 'payload must be an object'],
      ['a string', '{}', 'payload must be an object'],
    ])('reports a payload that is %s as INVALID_ENVELOPE', (_, payload, detail) => {
      const error = expectInvalid(parseEnvelope(progressWith({ payload })));
      expect(error.code).toBe('INVALID_ENVELOPE');
      expect(error.details).toEqual([detail]);
    });

    it('lists every envelope problem at once', () => {
      const error = expectInvalid(parseEnvelope(JSON.stringify({ taskId: 1, timestamp: 'x' })));
      expect(error.details).toHaveLength(4);
    });

    it('reports an invalid payload as INVALID_PAYLOAD with per-field details and ids', () => {
      const golden = readGoldenEnvelope('results/graph-generation-progress.json');
      const error = expectInvalid(parseEnvelope({ ...golden, payload: { ...golden.payload, progressPercent: 101 } }));
      expect(error.code).toBe('INVALID_PAYLOAD');
      expect(error.reason).toBe('The GRAPH_GENERATION_PROGRESS payload is invalid.');
      expect(error.details).toEqual(['payload.progressPercent must not be greater than 100']);
      expect(error.taskId).toBe(taskId);
      expect(error.taskType).toBe(TaskType.GRAPH_GENERATION_PROGRESS);
      expect(error.userId).toBe(userId);
      expect(error.message).toContain('payload.progressPercent must not be greater than 100');
    });

    it('captures the payload userId of a result that breaks the contract, for the job it names', () => {
      const golden = readGoldenEnvelope('results/graph-generation-completed.json');
      const badPayload = expectInvalid(parseEnvelope({ ...golden, payload: { ...golden.payload, status: 'DONE' } }));
      const badTimestamp = expectInvalid(parseEnvelope({ ...golden, timestamp: 'yesterday' }));
      for (const error of [badPayload, badTimestamp]) {
        expect(error).toMatchObject({ taskId, taskType: TaskType.GRAPH_GENERATION_RESULT, userId });
      }
      expect([badPayload.code, badTimestamp.code]).toEqual(['INVALID_PAYLOAD', 'INVALID_ENVELOPE']);
    });

    it.each([
      ['missing', {}],
      ['not a string', { userId: 42 }],
    ])('leaves userId unset when the payload userId is %s', (_, payload) => {
      const error = expectInvalid(parseEnvelope(progressWith({ payload })));
      expect(error.code).toBe('INVALID_PAYLOAD');
      expect(error.userId).toBeUndefined();
    });

    it.each([undefined, 42, true, Symbol('raw'), () => 'x'])('never throws, even for %p', (raw) => {
      expect(expectInvalid(parseEnvelope(raw)).code).toBe('NOT_AN_OBJECT');
    });

    it('never throws when reading the input throws', () => {
      const hostile = Object.defineProperty({}, 'taskType', {
        enumerable: true,
        get: () => {
          throw new Error('boom');
        },
      });
      expect(expectInvalid(parseEnvelope(hostile)).details).toEqual(['boom']);
    });
  });
});
