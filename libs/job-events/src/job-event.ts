/** Notification types the web client knows (seed system names kept). */
export enum NotificationType {
  GraphGenerationRequested = 'GRAPH_GENERATION_REQUESTED',
  /** The request could not be queued (the job failed before the AI saw it). */
  GraphGenerationRequestFailed = 'GRAPH_GENERATION_REQUEST_FAILED',
  GraphGenerationProgressUpdated = 'GRAPH_GENERATION_PROGRESS_UPDATED',
  GraphGenerationCompleted = 'GRAPH_GENERATION_COMPLETED',
  GraphGenerationFailed = 'GRAPH_GENERATION_FAILED',
  AddConversationRequested = 'ADD_CONVERSATION_REQUESTED',
  AddConversationRequestFailed = 'ADD_CONVERSATION_REQUEST_FAILED',
  AddConversationCompleted = 'ADD_CONVERSATION_COMPLETED',
  AddConversationFailed = 'ADD_CONVERSATION_FAILED',
  GraphSummaryRequested = 'GRAPH_SUMMARY_REQUESTED',
  GraphSummaryRequestFailed = 'GRAPH_SUMMARY_REQUEST_FAILED',
  GraphSummaryCompleted = 'GRAPH_SUMMARY_COMPLETED',
  GraphSummaryFailed = 'GRAPH_SUMMARY_FAILED',
}

/**
 * One entry of the job event log. `id` is the log's sequence number (a bigint
 * as a decimal string), which is also the SSE event id.
 */
export interface JobEvent {
  readonly id: string;
  readonly userId: string;
  readonly taskId: string;
  readonly type: NotificationType | string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly timestamp: string;
}

/**
 * What crosses Redis: "user X has new events, look". No event content travels
 * there; a stream writes only what it reads from the log.
 */
export interface JobEventNotice {
  readonly userId: string;
}

/** The Redis channel of one deployment: `<JOB_EVENTS_NAMESPACE>:job-events`. */
export function jobEventChannel(namespace: string): string {
  return `${namespace}:job-events`;
}

/** A notice as it arrived from Redis, or undefined for anything else (forged, foreign, malformed). */
export function readJobEventNotice(data: unknown): JobEventNotice | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { userId } = data as { userId?: unknown };
  return typeof userId === 'string' && userId.length > 0 && userId.length <= 128 ? { userId } : undefined;
}
