import { JOB_KINDS } from '@app/database';
import { isTaskId, MAX_TASK_ID_LENGTH, newTaskId } from './task-id';

describe(isTaskId.name, () => {
  it('accepts every id newTaskId makes, up to the longest user id', () => {
    for (const kind of JOB_KINDS) {
      for (const userId of ['alice', 'user.name@example.com', 'a-b_c', 'u'.repeat(128)]) {
        expect(isTaskId(newTaskId(kind, userId))).toBe(true);
      }
    }
    expect(newTaskId('ADD_NODE', 'u'.repeat(128))).toHaveLength(MAX_TASK_ID_LENGTH);
  });

  it('makes the task ids the AI server has always seen', () => {
    expect(newTaskId('GRAPH_GENERATION', 'ann')).toMatch(/^task_ann_[0-9A-Z]{26}$/);
    expect(newTaskId('ADD_NODE', 'ann')).toMatch(/^task_add_node_ann_[0-9A-Z]{26}$/);
    expect(newTaskId('GRAPH_SUMMARY', 'ann')).toMatch(/^summary_ann_[0-9A-Z]{26}$/);
  });

  it.each([
    ['empty', ''],
    ['a NUL', 'task_ann\u0000'],
    ['a control character', 'task\u0001ann'],
    ['a newline', 'task_ann\n'],
    ['a slash', 'task/ann'],
    ['a space', 'task ann'],
    ['non-ASCII', 'task_änn'],
    ['a lone surrogate', 'task_\ud800'],
    ['one character too many', 'a'.repeat(MAX_TASK_ID_LENGTH + 1)],
  ])('refuses %s', (_label, value) => {
    expect(isTaskId(value)).toBe(false);
  });
});
