import { type JobKind } from '@app/database';
import { type RequestTaskType, TaskType } from '@app/queue-contracts';
import { NotificationType } from './job-event';
import { type FailureType } from './notification-payloads';

/** Everything the api, the worker and the sweeper need to know of one kind of job. */
export interface JobKindSpec {
  /** Task ids are `<taskIdPrefix>_<userId>_<ULID>`, as the AI server has always seen them. */
  readonly taskIdPrefix: string;
  /** The request envelope the api sends, and the final result that ends the job. */
  readonly requestType: RequestTaskType;
  readonly resultType: TaskType.GRAPH_GENERATION_RESULT | TaskType.ADD_NODE_RESULT | TaskType.GRAPH_SUMMARY_RESULT;
  /** The web client's events: logged with the job, when its request could not be queued, when it fails. */
  readonly requested: NotificationType.GraphGenerationRequested | NotificationType.AddConversationRequested | NotificationType.GraphSummaryRequested;
  readonly requestFailed: FailureType &
    (NotificationType.GraphGenerationRequestFailed | NotificationType.AddConversationRequestFailed | NotificationType.GraphSummaryRequestFailed);
  readonly failed: FailureType;
  /** A new job of this kind is refused (409) while the user has a live job of one of these kinds. */
  readonly excludedBy: readonly JobKind[];
  /** Where the api puts the job's request bundle: `<inputFolder><taskId>/...`. */
  readonly inputFolder: string;
  /** Where the AI writes the job's results: `<resultFolder><taskId>/...` (a summary's are next to its input). */
  readonly resultFolder: string;
}

/** Generation and add-node both rewrite the user's graph: one at a time. */
const GRAPH_WRITERS: readonly JobKind[] = ['GRAPH_GENERATION', 'ADD_NODE'];

/**
 * The one table of job kinds. `satisfies Record<JobKind, …>`: a kind added to
 * JOB_KINDS without its entry here (or an entry missing a field) does not
 * compile, and every reader (job launcher, task ids, result matching, failure
 * and timeout events, file folders and their cleanup) takes the kind's facts from here.
 */
export const JOB_KIND_SPECS = {
  GRAPH_GENERATION: {
    taskIdPrefix: 'task',
    requestType: TaskType.GRAPH_GENERATION_REQUEST,
    resultType: TaskType.GRAPH_GENERATION_RESULT,
    requested: NotificationType.GraphGenerationRequested,
    requestFailed: NotificationType.GraphGenerationRequestFailed,
    failed: NotificationType.GraphGenerationFailed,
    excludedBy: GRAPH_WRITERS,
    inputFolder: 'graph-generation/',
    resultFolder: 'graph-results/',
  },
  ADD_NODE: {
    taskIdPrefix: 'task_add_node',
    requestType: TaskType.ADD_NODE_REQUEST,
    resultType: TaskType.ADD_NODE_RESULT,
    requested: NotificationType.AddConversationRequested,
    requestFailed: NotificationType.AddConversationRequestFailed,
    failed: NotificationType.AddConversationFailed,
    excludedBy: GRAPH_WRITERS,
    inputFolder: 'add-node/',
    resultFolder: 'add-node-results/',
  },
  GRAPH_SUMMARY: {
    taskIdPrefix: 'summary',
    requestType: TaskType.GRAPH_SUMMARY_REQUEST,
    resultType: TaskType.GRAPH_SUMMARY_RESULT,
    requested: NotificationType.GraphSummaryRequested,
    requestFailed: NotificationType.GraphSummaryRequestFailed,
    failed: NotificationType.GraphSummaryFailed,
    excludedBy: ['GRAPH_SUMMARY'],
    inputFolder: 'graph-summary/',
    resultFolder: 'graph-summary/',
  },
} as const satisfies Readonly<Record<JobKind, JobKindSpec>>;

/** A final result type: what ends a job of some kind. */
export type FinalResultType = (typeof JOB_KIND_SPECS)[JobKind]['resultType'];

/** The job kind each final result answers; a result for a job of another kind is not that job's. */
export const JOB_KIND_OF_RESULT = Object.fromEntries(
  (Object.entries(JOB_KIND_SPECS) as [JobKind, JobKindSpec][]).map(([kind, spec]) => [spec.resultType, kind]),
) as Readonly<Record<FinalResultType, JobKind>>;

/** Every folder a job's files are written in (inputs and results of all kinds), each once. */
export const JOB_FOLDERS: readonly string[] = [...new Set(Object.values(JOB_KIND_SPECS).flatMap((spec) => [spec.inputFolder, spec.resultFolder]))];

export function isFinalResultType(value: unknown): value is FinalResultType {
  return typeof value === 'string' && Object.hasOwn(JOB_KIND_OF_RESULT, value);
}
