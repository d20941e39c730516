import { isTaskId, MAX_TASK_ID_LENGTH, newTaskId } from './task-id';

describe(isTaskId.name, () => {
  it('accepts every id newTaskId makes, up to the longest user id', () => {
    for (const prefix of ['task', 'task_add_node', 'summary'] as const) {
      for (const userId of ['alice', 'user.name@example.com', 'a-b_c', 'u'.repeat(128)]) {
        expect(isTaskId(newTaskId(prefix, userId))).toBe(true);
      }
    }
    expect(newTaskId('task_add_node', 'u'.repeat(128))).toHaveLength(MAX_TASK_ID_LENGTH);
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
