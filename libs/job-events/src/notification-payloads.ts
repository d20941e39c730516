import { NotificationType } from './job-event';

/** (A type alias: payloads must stay assignable to the ledger's Record<string, unknown>.) What every failure event carries: the client's `error` (a plain sentence for users, never the AI's raw text) and our stable code. */
export type FailurePayload = {
  readonly status: 'FAILED';
  readonly error: string;
  readonly errorCode: string;
};

/**
 * The payload of every event type we log, besides `taskId` (added by
 * notificationDraft) and `timestamp` (added where the SSE frame is written, from
 * the event's created_at). The web client's fields (its live-status handlers) carry
 * exactly its names and types; `status`, `errorCode` and the counts after them
 * are ours.
 */
export interface NotificationPayloads {
  [NotificationType.GraphGenerationRequested]: { readonly status: 'QUEUED' };
  [NotificationType.GraphGenerationRequestFailed]: FailurePayload;
  [NotificationType.GraphGenerationProgressUpdated]: {
    readonly status: 'RUNNING';
    readonly currentStage: string;
    readonly progressPercent: number;
    readonly etaSeconds: number | null;
  };
  [NotificationType.GraphGenerationCompleted]: {
    readonly status: 'SUCCEEDED';
    readonly nodes: number;
    readonly edges: number;
    readonly partialFailure: boolean;
    readonly graphReplaced: boolean;
  };
  [NotificationType.GraphGenerationFailed]: FailurePayload;
  [NotificationType.AddConversationRequested]: { readonly status: 'QUEUED' };
  [NotificationType.AddConversationRequestFailed]: FailurePayload;
  [NotificationType.AddConversationCompleted]: {
    readonly status: 'SUCCEEDED';
    /** Nodes and edges this job added to the graph. */
    readonly nodeCount: number;
    readonly edgeCount: number;
    readonly graphVersion: number;
    readonly partialFailure: boolean;
  };
  [NotificationType.AddConversationFailed]: FailurePayload;
  [NotificationType.GraphSummaryRequested]: { readonly status: 'QUEUED' };
  [NotificationType.GraphSummaryRequestFailed]: FailurePayload;
  [NotificationType.GraphSummaryCompleted]: { readonly status: 'SUCCEEDED'; readonly graphVersion: number; readonly partialFailure: boolean };
  [NotificationType.GraphSummaryFailed]: FailurePayload;
}

/** The event types we emit (every key of NotificationPayloads). */
export type EmittedNotificationType = keyof NotificationPayloads;

/** The payload as it is logged: the type's fields plus `taskId`. */
export type NotificationPayload<T extends EmittedNotificationType> = { readonly taskId: string } & NotificationPayloads[T];

/** A typed event for the ledger. */
export interface NotificationDraft<T extends EmittedNotificationType = EmittedNotificationType> {
  readonly type: T;
  readonly payload: NotificationPayload<T>;
}

/**
 * The one way to build an event to log: the fields are checked against
 * NotificationPayloads at compile time (a misspelt or missing field does not
 * compile).
 */
export function notificationDraft<T extends EmittedNotificationType>(type: T, taskId: string, fields: NotificationPayloads[T]): NotificationDraft<T> {
  return { type, payload: { taskId, ...fields } };
}

/** The failure event of a type: `error` is the user's sentence, `errorCode` the stable code. */
export function failureDraft<T extends EmittedNotificationType & FailureType>(type: T, taskId: string, errorCode: string, error: string): NotificationDraft<T> {
  return notificationDraft<T>(type, taskId, { status: 'FAILED', error, errorCode });
}

/** Types whose payload is a failure. */
export type FailureType = {
  [K in EmittedNotificationType]: NotificationPayloads[K] extends FailurePayload ? K : never;
}[EmittedNotificationType];
