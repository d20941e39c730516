import { parseEnvelope } from '@app/queue-contracts';
import { contractJson } from '../test/contract-files';
import { describeInvalidRequest } from './pydantic-error';

function describeBody(body: string): string {
  const parsed = parseEnvelope(body);
  if (parsed.ok) throw new Error('expected an invalid message');
  return describeInvalidRequest(parsed.error);
}

describe('describeInvalidRequest', () => {
  it('words a missing taskType exactly as the real server does', () => {
    const golden = contractJson('results/unparseable-request-echo.json') as { payload: { error: string } };
    expect(describeBody(JSON.stringify({ taskId: 't', payload: { userId: 'u' } }))).toBe(golden.payload.error);
  });

  it('lists every missing envelope field', () => {
    expect(describeBody('{}')).toBe('2 validation errors for SqsEnvelope\ntaskType\n  Field required\npayload\n  Field required');
  });

  it('names the payload model and field when a request payload is invalid', () => {
    const body = JSON.stringify({ taskId: 't', taskType: 'GRAPH_GENERATION_REQUEST', payload: { s3Key: 'graph-generation/t/', language: 'en' } });
    expect(describeBody(body)).toBe('1 validation error for GraphGenerationRequestPayload\nuserId\n  Field required');
  });

  it('reports bodies that are not JSON or not objects', () => {
    expect(describeBody('not json')).toMatch(/^1 validation error for SqsEnvelope\n {2}Invalid JSON: .+\[type=json_invalid\]$/);
    expect(describeBody('[1]')).toMatch(/^1 validation error for SqsEnvelope\n {2}Input should be a valid dictionary/);
  });
});
