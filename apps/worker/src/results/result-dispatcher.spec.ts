import { TaskType } from '@app/queue-contracts';
import { Outcomes } from '../consumer/outcome';
import { CONSUMED_TASK_TYPES, ResultDispatcher } from './result-dispatcher';
import { type ResultHandler } from './result-handler';

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
    expect(() => new ResultDispatcher(CONSUMED_TASK_TYPES.map(handlerFor))).not.toThrow();
  });

  it.each(CONSUMED_TASK_TYPES)('refuses to start without a handler for %s', (missing) => {
    const handlers = CONSUMED_TASK_TYPES.filter((type) => type !== missing).map(handlerFor);
    expect(() => new ResultDispatcher(handlers)).toThrow(`no handler for ${missing}`);
  });

  it('refuses to start with two handlers for one type', () => {
    const handlers = [...CONSUMED_TASK_TYPES.map(handlerFor), handlerFor(TaskType.ADD_NODE_RESULT)];
    expect(() => new ResultDispatcher(handlers)).toThrow(`two handlers for ${TaskType.ADD_NODE_RESULT}`);
  });

  it('refuses a handler for a request type', () => {
    const handlers = [...CONSUMED_TASK_TYPES.map(handlerFor), handlerFor(TaskType.ADD_NODE_REQUEST)];
    expect(() => new ResultDispatcher(handlers)).toThrow('request type');
  });
});
