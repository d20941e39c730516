import { type JobKind } from '@app/database';
import { type FailureType, NotificationType } from '@app/job-events';
import { TaskType } from '@app/queue-contracts';
import { type FinalResultType } from './result-key';

/** The job kind each final result answers; a result for a job of another kind is not that job's. */
export const JOB_KIND_OF_RESULT: Readonly<Record<FinalResultType, JobKind>> = {
  [TaskType.GRAPH_GENERATION_RESULT]: 'GRAPH_GENERATION',
  [TaskType.ADD_NODE_RESULT]: 'ADD_NODE',
  [TaskType.GRAPH_SUMMARY_RESULT]: 'GRAPH_SUMMARY',
};

/** The notification a job of each kind logs when it fails. */
export const FAILED_EVENT = {
  GRAPH_GENERATION: NotificationType.GraphGenerationFailed,
  ADD_NODE: NotificationType.AddConversationFailed,
  GRAPH_SUMMARY: NotificationType.GraphSummaryFailed,
} as const satisfies Readonly<Record<JobKind, FailureType>>;

export function isFinalResultType(value: unknown): value is FinalResultType {
  return typeof value === 'string' && Object.hasOwn(JOB_KIND_OF_RESULT, value);
}
