/** Notification types the web client knows (seed system names kept). */
export enum NotificationType {
  GraphGenerationRequested = 'GRAPH_GENERATION_REQUESTED',
  GraphGenerationProgressUpdated = 'GRAPH_GENERATION_PROGRESS_UPDATED',
  GraphGenerationCompleted = 'GRAPH_GENERATION_COMPLETED',
  GraphGenerationFailed = 'GRAPH_GENERATION_FAILED',
  AddConversationRequested = 'ADD_CONVERSATION_REQUESTED',
  AddConversationCompleted = 'ADD_CONVERSATION_COMPLETED',
  AddConversationFailed = 'ADD_CONVERSATION_FAILED',
  GraphSummaryRequested = 'GRAPH_SUMMARY_REQUESTED',
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

/** The channel name on the Redis transport. */
export const JOB_EVENT_PATTERN = 'job-event';
