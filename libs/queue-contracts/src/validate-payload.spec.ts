import { GOLDEN_FILLS, readGoldenEnvelope } from '../test/golden-contract';
import { TaskType } from './task-type.enum';
import { validatePayload, type PayloadCheck } from './validate-payload';

const golden = (file: string): Record<string, unknown> => readGoldenEnvelope(`results/${file}`).payload;
const progress = (overrides: Record<string, unknown>) => ({ ...golden('graph-generation-progress.json'), ...overrides });
const result = (overrides: Record<string, unknown>) => ({ ...golden('graph-generation-completed.json'), ...overrides });

function problemsOf<P>(check: PayloadCheck<P>): string[] {
  if (check.ok) throw new Error('expected the payload to be invalid');
  return check.problems;
}

function payloadOf<P>(check: PayloadCheck<P>): P {
  if (!check.ok) throw new Error(`expected a valid payload, got: ${check.problems.join('; ')}`);
  return check.payload;
}

describe(validatePayload.name, () => {
  describe('GRAPH_GENERATION_PROGRESS', () => {
    const check = (payload: object) => validatePayload(TaskType.GRAPH_GENERATION_PROGRESS, payload);

    it.each([
      [101, 'payload.progressPercent must not be greater than 100'],
      [-1, 'payload.progressPercent must not be less than 0'],
      [33.5, 'payload.progressPercent must be an integer number'],
      ['abc', 'payload.progressPercent must be an integer number'],
      [true, 'payload.progressPercent must be an integer number'],
      [null, 'payload.progressPercent is required'],
    ])('rejects progressPercent %p', (value, problem) => {
      expect(problemsOf(check(progress({ progressPercent: value })))).toEqual([problem]);
    });

    it.each([0, 100])('accepts the bound %p', (value) => {
      expect(payloadOf(check(progress({ progressPercent: value }))).progressPercent).toBe(value);
    });

    // pydantic lax mode turns "33" into 33; so do we (see LaxInt).
    it('coerces decimal-integer strings like pydantic lax mode', () => {
      const payload = payloadOf(check(progress({ progressPercent: '33', etaSeconds: '120' })));
      expect(payload.progressPercent).toBe(33);
      expect(payload.etaSeconds).toBe(120);
    });

    it('reads an absent etaSeconds as null and keeps an integer one', () => {
      const { etaSeconds: _, ...withoutEta } = progress({});
      expect(payloadOf(check(withoutEta)).etaSeconds).toBeNull();
      expect(payloadOf(check(progress({ etaSeconds: 42 }))).etaSeconds).toBe(42);
    });

    it('rejects a missing currentStage and a numeric userId', () => {
      const { currentStage: _, ...withoutStage } = progress({ userId: 42 });
      expect(problemsOf(check(withoutStage))).toEqual(['payload.userId must be a string', 'payload.currentStage is required']);
    });
  });

  describe('GRAPH_GENERATION_RESULT', () => {
    const check = (payload: object) => validatePayload(TaskType.GRAPH_GENERATION_RESULT, payload);

    it('accepts optional fields as null or absent, reading both as null', () => {
      const payload = payloadOf(check({ userId: GOLDEN_FILLS.userId, status: 'FAILED', resultS3Key: null, summaryIncluded: null }));
      expect(payload.resultS3Key).toBeNull();
      expect(payload.featuresS3Key).toBeNull();
      expect(payload.errorCode).toBeNull();
      expect(payload.summaryIncluded).toBe(false);
    });

    it.each([
      ['status', 'DONE', 'payload.status must be one of the following values: COMPLETED, FAILED'],
      ['status', 'completed', 'payload.status must be one of the following values: COMPLETED, FAILED'],
      ['resultS3Key', 7, 'payload.resultS3Key must be a string'],
      ['summaryIncluded', 'yes', 'payload.summaryIncluded must be a boolean value'],
      ['userId', null, 'payload.userId is required'],
    ])('rejects %s = %p', (field, value, problem) => {
      expect(problemsOf(check(result({ [field]: value })))).toEqual([problem]);
    });

    it('fails when a required field is missing', () => {
      const { status: _, ...withoutStatus } = result({});
      expect(problemsOf(check(withoutStatus))).toEqual(['payload.status is required']);
    });
  });

  describe('ADD_NODE_RESULT and GRAPH_SUMMARY_RESULT', () => {
    it('reads absent optionals as null', () => {
      const addNode = payloadOf(validatePayload(TaskType.ADD_NODE_RESULT, { userId: 'u', status: 'FAILED' }));
      expect({ ...addNode }).toStrictEqual({ userId: 'u', status: 'FAILED', resultS3Key: null, error: null });
      const summary = payloadOf(validatePayload(TaskType.GRAPH_SUMMARY_RESULT, { userId: 'u', status: 'COMPLETED', extra: 1 }));
      expect({ ...summary }).toStrictEqual({ userId: 'u', status: 'COMPLETED', summaryS3Key: null, chatId: null, error: null, errorCode: null });
    });

    it('rejects a wrong status', () => {
      expect(problemsOf(validatePayload(TaskType.ADD_NODE_RESULT, { userId: 'u', status: 'OK' }))).toHaveLength(1);
    });
  });
});
