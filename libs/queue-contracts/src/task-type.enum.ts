/** The task types of CONTRACT.md that this system sends or handles. The wire key is `taskType`. */
export enum TaskType {
  GRAPH_GENERATION_REQUEST = 'GRAPH_GENERATION_REQUEST',
  GRAPH_GENERATION_PROGRESS = 'GRAPH_GENERATION_PROGRESS',
  GRAPH_GENERATION_RESULT = 'GRAPH_GENERATION_RESULT',
  ADD_NODE_REQUEST = 'ADD_NODE_REQUEST',
  ADD_NODE_RESULT = 'ADD_NODE_RESULT',
  GRAPH_SUMMARY_REQUEST = 'GRAPH_SUMMARY_REQUEST',
  GRAPH_SUMMARY_RESULT = 'GRAPH_SUMMARY_RESULT',
}

/** API -> AI, on the request queue. */
export type RequestTaskType = TaskType.GRAPH_GENERATION_REQUEST | TaskType.ADD_NODE_REQUEST | TaskType.GRAPH_SUMMARY_REQUEST;

/** AI -> worker, on the result queue (progress included). */
export type ResultTaskType = Exclude<TaskType, RequestTaskType>;

export const REQUEST_TASK_TYPES: readonly RequestTaskType[] = [
  TaskType.GRAPH_GENERATION_REQUEST,
  TaskType.ADD_NODE_REQUEST,
  TaskType.GRAPH_SUMMARY_REQUEST,
];

export const RESULT_TASK_TYPES: readonly ResultTaskType[] = [
  TaskType.GRAPH_GENERATION_PROGRESS,
  TaskType.GRAPH_GENERATION_RESULT,
  TaskType.ADD_NODE_RESULT,
  TaskType.GRAPH_SUMMARY_RESULT,
];

const ALL_TASK_TYPES: ReadonlySet<string> = new Set(Object.values(TaskType));

export function isTaskType(value: unknown): value is TaskType {
  return typeof value === 'string' && ALL_TASK_TYPES.has(value);
}

export function isRequestTaskType(value: unknown): value is RequestTaskType {
  return (REQUEST_TASK_TYPES as readonly unknown[]).includes(value);
}
