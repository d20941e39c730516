import { ulid } from 'ulid';

/** Task ids as the AI server has always seen them: `<prefix>_<userId>_<ULID>`. */
export function newTaskId(prefix: 'task' | 'task_add_node' | 'summary', userId: string): string {
  return `${prefix}_${userId}_${ulid()}`;
}
