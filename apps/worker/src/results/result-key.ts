import { type FinalResultType, JOB_KIND_OF_RESULT, JOB_KIND_SPECS } from '@app/job-events';
import { TaskType } from '@app/queue-contracts';

export type ResultKey = { readonly ok: true; readonly key: string } | { readonly ok: false; readonly reason: string };

/** The final result task types (JOB_KIND_SPECS' resultType; progress aside): their payloads point at files in the payload bucket. */
export type { FinalResultType };

/** The task a result key has to belong to: the result's type and its job's task id and owner. */
export interface KeyOwner {
  readonly taskType: FinalResultType;
  readonly taskId: string;
  readonly userId: string;
}

/** Payload fields that hold keys, per result type (the AI's contract: every one of them carries the task id). */
export const RESULT_KEY_FIELDS: Readonly<Record<FinalResultType, readonly string[]>> = {
  [TaskType.GRAPH_GENERATION_RESULT]: ['resultS3Key', 'featuresS3Key', 'summaryS3Key'],
  [TaskType.ADD_NODE_RESULT]: ['resultS3Key'],
  [TaskType.GRAPH_SUMMARY_RESULT]: ['summaryS3Key'],
};


/**
 * Names under a task's result prefix that are ours, not the AI's: the api puts
 * the summary request's input at `graph-summary/{taskId}/graph.json`
 * (GraphSummaryService), which is never a summary result.
 */
const REQUEST_INPUTS: Readonly<Record<FinalResultType, readonly string[]>> = {
  [TaskType.GRAPH_GENERATION_RESULT]: [],
  [TaskType.ADD_NODE_RESULT]: [],
  [TaskType.GRAPH_SUMMARY_RESULT]: ['graph.json'],
};

const URI_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
const CONTROL = /[\u0000-\u001f\u007f]/;
/** S3's own limit on key length. */
const MAX_KEY_BYTES = 1024;

/**
 * True when `key` (a plain key, no `s3://`) is one the AI wrote for this task:
 * `{the kind's resultFolder (JOB_KIND_SPECS)}{taskId}/{rest}`, or for graph generation the
 * older AI's `graphs/{userId}/{taskId}/{rest}` with the job owner's user id.
 * `rest` is non-empty; the key has no leading `/`, no empty and no `..`
 * segments. The summary request's own input is not a summary result.
 */
export function keyBelongsToTask(key: string, owner: KeyOwner): boolean {
  const segments = key.split('/');
  if (segments.some((segment) => segment === '' || segment === '..')) return false;
  const rest = restAfter(key, `${JOB_KIND_SPECS[JOB_KIND_OF_RESULT[owner.taskType]].resultFolder}${owner.taskId}/`);
  if (rest !== undefined) return !REQUEST_INPUTS[owner.taskType].includes(rest);
  return owner.taskType === TaskType.GRAPH_GENERATION_RESULT && restAfter(key, `graphs/${owner.userId}/${owner.taskId}/`) !== undefined;
}

/**
 * A result key as the AI sent it, checked like any other input: it must name
 * an object inside our payload bucket (`s3://<our bucket>/key` is accepted as
 * `key`; other buckets, other schemes, absolute keys, `..` segments, control
 * characters and empty keys are refused) and one the AI wrote for `owner`'s
 * task (keyBelongsToTask).
 */
export function resolveResultKey(raw: string, bucket: string, owner: KeyOwner): ResultKey {
  const refuse = (why: string): ResultKey => ({ ok: false, reason: `result key ${JSON.stringify(raw)} refused: ${why}` });
  let key = raw;
  if (raw.startsWith('s3://')) {
    const rest = raw.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const named = slash < 0 ? rest : rest.slice(0, slash);
    if (named !== bucket) return refuse(`it is in bucket ${JSON.stringify(named)}, not the payload bucket`);
    key = slash < 0 ? '' : rest.slice(slash + 1);
  } else if (URI_SCHEME.test(raw)) {
    return refuse('it is a URI, not a key in the payload bucket');
  }
  if (key === '') return refuse('it is empty');
  if (key.startsWith('/')) return refuse('it starts with "/"');
  if (key.split('/').includes('..')) return refuse('it has a ".." segment');
  if (CONTROL.test(key)) return refuse('it contains control characters');
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) return refuse(`it is longer than ${MAX_KEY_BYTES} bytes`);
  if (!keyBelongsToTask(key, owner)) {
    return refuse(`it is not a key the AI wrote for ${owner.taskType} task ${owner.taskId} (expected ${JOB_KIND_SPECS[JOB_KIND_OF_RESULT[owner.taskType]].resultFolder}${owner.taskId}/...)`);
  }
  return { ok: true, key };
}

/** What follows `prefix` in `key`, or undefined when `key` does not start with it or nothing follows. */
function restAfter(key: string, prefix: string): string | undefined {
  return key.startsWith(prefix) && key.length > prefix.length ? key.slice(prefix.length) : undefined;
}
