import { type JobKind } from '@app/database';
import { JOB_KIND_SPECS } from './job-kinds';

/** A finished job's recorded keys (GraphLifecycleRepository.finishedJobFiles, JobsRepository's file cleanup). */
export interface JobFileKeys {
  readonly taskId: string;
  readonly kind: JobKind;
  readonly inputKey: string;
  readonly resultKey: string | null;
}

/** Where to find every file of these jobs: prefixes to list (each ends in `<taskId>/`) and single keys. */
export interface JobFileLocations {
  readonly prefixes: readonly string[];
  readonly keys: readonly string[];
}

/**
 * The job's folders (JOB_KIND_SPECS' inputFolder and resultFolder, each as
 * `<folder><taskId>/`), plus the folder of each recorded key (the older AI
 * wrote results under `graphs/<userId>/<taskId>/`). A recorded key outside any
 * `<taskId>/` folder is deleted by itself, never by a prefix, so no prefix
 * reaches beyond the job's own files.
 */
export function jobFileLocations(jobs: readonly JobFileKeys[]): JobFileLocations {
  const prefixes = new Set<string>();
  const keys = new Set<string>();
  for (const job of jobs) {
    const { inputFolder, resultFolder } = JOB_KIND_SPECS[job.kind];
    for (const folder of [inputFolder, resultFolder]) prefixes.add(`${folder}${job.taskId}/`);
    for (const key of [job.inputKey, job.resultKey]) {
      if (!key) continue;
      const folder = taskFolderOf(key, job.taskId);
      if (folder) prefixes.add(folder);
      else keys.add(key);
    }
  }
  return { prefixes: [...prefixes], keys: [...keys] };
}

/** `a/<taskId>/b/c` → `a/<taskId>/`; undefined when no folder of the key is named by the task id. */
function taskFolderOf(key: string, taskId: string): string | undefined {
  const segments = key.split('/');
  const at = segments.slice(0, -1).indexOf(taskId);
  return at < 0 ? undefined : `${segments.slice(0, at + 1).join('/')}/`;
}
