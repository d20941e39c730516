import { Logger } from '@nestjs/common';
import { type AnyEnvelope, type InvalidMessageError, TaskType } from '@app/queue-contracts';
import { Outcomes } from '../consumer/outcome';
import { CONSUMED_TASK_TYPES, ResultDispatcher } from './result-dispatcher';
import { type ResultHandler } from './result-handler';
import { type ResultSupport } from './result-support';

/** ResultSupport as the dispatcher uses it: a refused message is dead-lettered with its labels. */
function supportStub(refuseInvalid = (error: InvalidMessageError, reason: string) => Promise.resolve(Outcomes.deadLetter(reason, error))) {
  const refuseFault = (envelope: AnyEnvelope, reason: string) => Promise.resolve(Outcomes.deadLetter(reason, envelope));
  return { refuseInvalid: jest.fn(refuseInvalid), refuseFault: jest.fn(refuseFault) } as unknown as ResultSupport & {
    refuseInvalid: jest.Mock<ReturnType<typeof refuseInvalid>, Parameters<typeof refuseInvalid>>;
    refuseFault: jest.Mock<ReturnType<typeof refuseFault>, Parameters<typeof refuseFault>>;
  };
}

/** What node-postgres throws when the server shuts down under it. */
const databaseDown = () => Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });

function handlerFor(taskType: TaskType): ResultHandler {
  return { taskType, handle: () => Promise.resolve(Outcomes.done()) } as ResultHandler;
}

describe(`${ResultDispatcher.name} start-up check`, () => {
  it('consumes the four result types of the contract', () => {
    expect([...CONSUMED_TASK_TYPES].sort()).toEqual(
      [TaskType.ADD_NODE_RESULT, TaskType.GRAPH_GENERATION_PROGRESS, TaskType.GRAPH_GENERATION_RESULT, TaskType.GRAPH_SUMMARY_RESULT].sort(),
    );
  });

  it('starts with exactly one handler per consumed type', () => {
    expect(() => new ResultDispatcher(CONSUMED_TASK_TYPES.map(handlerFor), supportStub())).not.toThrow();
  });

  it.each(CONSUMED_TASK_TYPES)('refuses to start without a handler for %s', (missing) => {
    const handlers = CONSUMED_TASK_TYPES.filter((type) => type !== missing).map(handlerFor);
    expect(() => new ResultDispatcher(handlers, supportStub())).toThrow(`no handler for ${missing}`);
  });

  it('refuses to start with two handlers for one type', () => {
    const handlers = [...CONSUMED_TASK_TYPES.map(handlerFor), handlerFor(TaskType.ADD_NODE_RESULT)];
    expect(() => new ResultDispatcher(handlers, supportStub())).toThrow(`two handlers for ${TaskType.ADD_NODE_RESULT}`);
  });

  it('refuses a handler for a request type', () => {
    const handlers = [...CONSUMED_TASK_TYPES.map(handlerFor), handlerFor(TaskType.ADD_NODE_REQUEST)];
    expect(() => new ResultDispatcher(handlers, supportStub())).toThrow('request type');
  });
});

describe(`${ResultDispatcher.name} dispatchBatch`, () => {
  const envelope = (taskType: TaskType, taskId: string) =>
    JSON.stringify({ taskId, taskType, timestamp: '2026-11-22T06:00:01.123456', payload: { userId: 'u1', currentStage: 's', progressPercent: 1, status: 'FAILED' } });
  const message = (body: string, index: number) => ({ messageId: `m${index}`, body, receiveCount: 1 });

  it('hands one type its messages together, others one by one, and answers in message order', async () => {
    const progress = { ...handlerFor(TaskType.GRAPH_GENERATION_PROGRESS), handleBatch: jest.fn((envelopes: unknown[]) => Promise.resolve(envelopes.map(() => Outcomes.done('batched')))) };
    const summary = { ...handlerFor(TaskType.GRAPH_SUMMARY_RESULT), handle: jest.fn(() => Promise.resolve(Outcomes.done('single'))) };
    const others = CONSUMED_TASK_TYPES.filter((type) => type !== TaskType.GRAPH_GENERATION_PROGRESS && type !== TaskType.GRAPH_SUMMARY_RESULT).map(handlerFor);
    const dispatcher = new ResultDispatcher([progress as ResultHandler, summary, ...others], supportStub());

    const bodies = [envelope(TaskType.GRAPH_GENERATION_PROGRESS, 't1'), 'not json', envelope(TaskType.GRAPH_SUMMARY_RESULT, 't2'), envelope(TaskType.GRAPH_GENERATION_PROGRESS, 't3')];
    const outcomes = await dispatcher.dispatchBatch(bodies.map(message));

    expect(outcomes.map((outcome) => (outcome.kind === 'done' ? outcome.note : outcome.kind))).toEqual(['batched', 'dead-letter', 'single', 'batched']);
    expect(progress.handleBatch).toHaveBeenCalledTimes(1);
    expect((progress.handleBatch.mock.calls[0][0] as { taskId: string }[]).map(({ taskId }) => taskId)).toEqual(['t1', 't3']);
    expect(summary.handle).toHaveBeenCalledTimes(1);
  });

  it('retries only the messages of a handler whose dependency is down', async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const progress = { ...handlerFor(TaskType.GRAPH_GENERATION_PROGRESS), handleBatch: () => Promise.reject(databaseDown()) };
    const others = CONSUMED_TASK_TYPES.filter((type) => type !== TaskType.GRAPH_GENERATION_PROGRESS).map(handlerFor);
    const dispatcher = new ResultDispatcher([progress, ...others], supportStub());

    const outcomes = await dispatcher.dispatchBatch(
      [envelope(TaskType.GRAPH_GENERATION_PROGRESS, 't1'), envelope(TaskType.GRAPH_SUMMARY_RESULT, 't2'), envelope(TaskType.GRAPH_GENERATION_PROGRESS, 't3')].map(message),
    );

    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['retry', 'done', 'retry']);
    expect(outcomes[0]).toEqual(Outcomes.retry('database unavailable: Error [57P01]: terminating connection due to administrator command'));
    jest.restoreAllMocks();
  });

  it('refuses (dead-letter, job failed by ResultSupport.refuseFault) only the message a bug breaks, running a failed batch one by one', async () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const bug = new TypeError("Cannot read properties of undefined (reading 'nodes')");
    const progress = {
      ...handlerFor(TaskType.GRAPH_GENERATION_PROGRESS),
      handleBatch: () => Promise.reject(bug),
      handle: (envelope: AnyEnvelope) => (envelope.taskId === 't3' ? Promise.reject(bug) : Promise.resolve(Outcomes.done())),
    } as ResultHandler;
    const support = supportStub();
    const others = CONSUMED_TASK_TYPES.filter((type) => type !== TaskType.GRAPH_GENERATION_PROGRESS).map(handlerFor);
    const dispatcher = new ResultDispatcher([progress, ...others], support);

    const outcomes = await dispatcher.dispatchBatch([envelope(TaskType.GRAPH_GENERATION_PROGRESS, 't1'), envelope(TaskType.GRAPH_GENERATION_PROGRESS, 't3')].map(message));

    expect(outcomes[0]).toEqual(Outcomes.done());
    expect(outcomes[1]).toMatchObject({ kind: 'dead-letter', taskId: 't3', taskType: TaskType.GRAPH_GENERATION_PROGRESS });
    expect(support.refuseFault).toHaveBeenCalledTimes(1);
    expect(support.refuseFault.mock.calls[0][1]).toBe("PROCESSING_FAILED: TypeError: Cannot read properties of undefined (reading 'nodes')");
    jest.restoreAllMocks();
  });

  it('hands a message that breaks the contract to ResultSupport.refuseInvalid with its error and reason, and keeps its answer', async () => {
    const support = supportStub();
    const dispatcher = new ResultDispatcher(CONSUMED_TASK_TYPES.map(handlerFor), support);
    const invalid = JSON.stringify({ taskId: 't9', taskType: TaskType.GRAPH_SUMMARY_RESULT, payload: { userId: 'u1', status: 'DONE' } });

    const outcomes = await dispatcher.dispatchBatch([envelope(TaskType.GRAPH_SUMMARY_RESULT, 't1'), invalid].map(message));

    expect(outcomes[0]).toEqual(Outcomes.done());
    expect(outcomes[1]).toEqual({ kind: 'dead-letter', reason: expect.stringMatching(/^INVALID_PAYLOAD: The GRAPH_SUMMARY_RESULT payload is invalid\. \(payload\.status/) as unknown, taskId: 't9', taskType: TaskType.GRAPH_SUMMARY_RESULT });
    expect(support.refuseInvalid).toHaveBeenCalledTimes(1);
    expect(support.refuseInvalid.mock.calls[0][0]).toMatchObject({ code: 'INVALID_PAYLOAD', taskId: 't9', taskType: TaskType.GRAPH_SUMMARY_RESULT, userId: 'u1' });
  });

  it('labels a message without a handler with its task id and type', async () => {
    const dispatcher = new ResultDispatcher(CONSUMED_TASK_TYPES.map(handlerFor), supportStub());
    const request = JSON.stringify({ taskId: 't4', taskType: TaskType.ADD_NODE_REQUEST, payload: { userId: 'u1', s3Key: 'add-node/t4/batch.json', bucket: 'b', language: 'en' } });

    expect(await dispatcher.dispatch(message(request, 0))).toEqual({
      kind: 'dead-letter',
      reason: `no handler for task type ${TaskType.ADD_NODE_REQUEST}`,
      taskId: 't4',
      taskType: TaskType.ADD_NODE_REQUEST,
    });
  });

  it('retries a message that breaks the contract when failing its job meets a database that is down', async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const dispatcher = new ResultDispatcher(CONSUMED_TASK_TYPES.map(handlerFor), supportStub(() => Promise.reject(databaseDown())));

    expect(await dispatcher.dispatch(message('not json', 0))).toMatchObject({ kind: 'retry', reason: expect.stringContaining('database unavailable') as unknown });
    jest.restoreAllMocks();
  });

  it('dead-letters a message that breaks the contract when failing its job hits a bug', async () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const dispatcher = new ResultDispatcher(CONSUMED_TASK_TYPES.map(handlerFor), supportStub(() => Promise.reject(new RangeError('bug'))));

    expect(await dispatcher.dispatch(message('not json', 0))).toMatchObject({ kind: 'dead-letter' });
    jest.restoreAllMocks();
  });
});
