import { OUR_PAYLOAD_FIELDS, sdkEventTypeErrors, sdkTypeErrors } from './sdk-types';

const at = '2026-12-02T10:00:00.000Z';
const progress = {
  id: '0000000000000000042',
  type: 'GRAPH_GENERATION_PROGRESS_UPDATED',
  payload: { taskId: 'task_u_1', currentStage: '[1단계] 임베딩 중', progressPercent: 40, etaSeconds: null, timestamp: at },
  timestamp: at,
};

/** The checker the web-client spec relies on: it must pass the client's shapes and fail anything else. */
describe(sdkEventTypeErrors.name, () => {
  it('passes events in the SDK shapes, with our documented fields beside them', () => {
    const failed = { id: '0000000000000000043', type: 'GRAPH_GENERATION_FAILED', payload: { taskId: 't', error: 'x', status: 'FAILED', errorCode: 'E', timestamp: at }, timestamp: at };
    const added = { id: '44', type: 'ADD_CONVERSATION_COMPLETED', payload: { taskId: 't', nodeCount: 1, edgeCount: 0, timestamp: at, graphVersion: 2 }, timestamp: at };
    expect(sdkEventTypeErrors([progress, failed, added])).toEqual([]);
    expect(OUR_PAYLOAD_FIELDS).toContain('errorCode');
  });

  it.each([
    ['a misspelt field', { ...progress, payload: { ...progress.payload, progressPercent: undefined, percent: 40 } }, /percent/],
    ['a missing field', { ...progress, payload: { taskId: 't', currentStage: 's', progressPercent: 1, timestamp: at } }, /etaSeconds/],
    ['a field of the wrong type', { ...progress, payload: { ...progress.payload, progressPercent: '40' } }, /string.*number|number/],
    ['a field the SDK does not know', { ...progress, payload: { ...progress.payload, stage: 'x' } }, /stage/],
    ['an envelope field the SDK does not know', { ...progress, event: 'progress' }, /event/],
    ['a type the SDK does not know', { ...progress, type: 'TEST_NOTIFICATION' }, /TEST_NOTIFICATION/],
    ['no envelope timestamp', { id: progress.id, type: progress.type, payload: progress.payload }, /timestamp/],
  ])('fails %s, naming the event', (_label, event, pattern) => {
    const errors = sdkEventTypeErrors([progress, event]);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((error) => error.startsWith('value 1: '))).toBe(true);
    expect(errors.join('\n')).toMatch(pattern);
  });
});

describe(sdkTypeErrors.name, () => {
  it('checks any value against a type expression over the SDK exports', () => {
    const stats = { userId: 'u', nodes: 1, edges: 0, clusters: 1, status: 'CREATED' };
    expect(sdkTypeErrors([['Sdk.GraphStatsDto', stats]])).toEqual([]);
    const errors = sdkTypeErrors([
      ['Sdk.GraphStatsDto', stats],
      ['Sdk.GraphStatsDto', { ...stats, nodes: '1' }],
    ]);
    expect(errors).toEqual([expect.stringMatching(/^value 1: .*string.*number/)]);
  });
});
