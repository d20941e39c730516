import { parseEnvelope, TaskType } from '@app/queue-contracts';
import { contractJson } from '../test/contract-files';
import { naiveTimestamp } from './naive-timestamp';
import { buildResultEnvelope, failedGraphResult, graphResult } from './result-envelope';

const NAIVE_MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;
const AT = Date.UTC(2026, 10, 22, 6, 0, 1, 123) + 0.456;

describe('naiveTimestamp', () => {
  it('writes UTC without offset and with microseconds, like Python isoformat()', () => {
    expect(naiveTimestamp(AT)).toBe('2026-11-22T06:00:01.123456');
    expect(naiveTimestamp(Date.UTC(2026, 0, 2, 3, 4, 5, 6))).toBe('2026-01-02T03:04:05.006000');
  });
});

describe('buildResultEnvelope', () => {
  it('sends a progress message the contract parser accepts', () => {
    const body = buildResultEnvelope(TaskType.GRAPH_GENERATION_PROGRESS, 't-1', {
      userId: 'u-1',
      currentStage: '[1단계] 임베딩 생성 중',
      progressPercent: 33,
      etaSeconds: null,
    }, AT);
    const parsed = parseEnvelope(body);
    expect(parsed).toMatchObject({ ok: true, envelope: { taskId: 't-1', taskType: TaskType.GRAPH_GENERATION_PROGRESS } });
    expect((JSON.parse(body) as { timestamp: string }).timestamp).toMatch(NAIVE_MICROS);
  });

  it('matches the golden FAILED graph result field for field', () => {
    const golden = contractJson('results/graph-generation-failed.json') as { payload: { error: string } };
    const body = buildResultEnvelope(TaskType.GRAPH_GENERATION_RESULT, '<taskId>', failedGraphResult('<userId>', golden.payload.error, 'LLM_AUTH_FAILED'));
    const sent = JSON.parse(body) as Record<string, unknown>;
    expect(sent).toMatchObject({ ...golden, timestamp: expect.stringMatching(NAIVE_MICROS) as unknown });
    expect(parseEnvelope(body)).toMatchObject({ ok: true, envelope: { payload: { status: 'FAILED', errorCode: 'LLM_AUTH_FAILED' } } });
  });

  it('writes every graph result field, null when unset, as pydantic serialises the model', () => {
    const payload = graphResult('u', 'COMPLETED', { resultS3Key: 'graph-results/t/graph_final.json' });
    expect(Object.keys(payload).sort()).toEqual(
      ['chatId', 'error', 'errorCode', 'featuresS3Key', 'resultS3Key', 'status', 'summaryIncluded', 'summaryS3Key', 'userId'].sort(),
    );
    expect(payload).toMatchObject({ featuresS3Key: null, summaryIncluded: false, error: null });
  });
});
