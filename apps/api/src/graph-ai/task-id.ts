import { type JobKind } from '@app/database';
import { JOB_KIND_SPECS } from '@app/job-events';
import { ulid } from 'ulid';

/** Task ids as the AI server has always seen them: `<kind's taskIdPrefix>_<userId>_<ULID>`. */
export function newTaskId(kind: JobKind, userId: string): string {
  return `${JOB_KIND_SPECS[kind].taskIdPrefix}_${userId}_${ulid()}`;
}

const LONGEST_PREFIX = Math.max(...Object.values(JOB_KIND_SPECS).map((spec) => spec.taskIdPrefix.length));

/**
 * Longest task id newTaskId can make: the longest prefix, a user id of at most
 * 128 characters (JwtAuthGuard's USER_ID_PATTERN), a ULID (26) and two `_`.
 */
export const MAX_TASK_ID_LENGTH = LONGEST_PREFIX + 1 + 128 + 1 + 26;

/**
 * The task-id alphabet: what prefixes, user ids (letters, digits, `_ . @ -`)
 * and ULIDs are made of. Anything else (a NUL, a control character, a `/`,
 * non-ASCII) cannot name a job, so it is refused before any query.
 */
const TASK_ID_PATTERN = new RegExp(`^[A-Za-z0-9_.@-]{1,${MAX_TASK_ID_LENGTH}}$`);

export function isTaskId(value: string): boolean {
  return TASK_ID_PATTERN.test(value);
}
