import { NotificationType } from './job-event';
import { type EmittedNotificationType, failureDraft, type NotificationDraft, notificationDraft } from './notification-payloads';

// Compile-time: every NotificationType has a payload in the map, and the map names no other type.
type Unmapped = Exclude<NotificationType, EmittedNotificationType>;
const everyTypeMapped: [Unmapped] extends [never] ? true : false = true;

/** One event of every type we emit, built the only way producers may build one. */
const SAMPLES = {
  [NotificationType.GraphGenerationRequested]: notificationDraft(NotificationType.GraphGenerationRequested, 't1', { status: 'QUEUED' }),
  [NotificationType.GraphGenerationRequestFailed]: failureDraft(NotificationType.GraphGenerationRequestFailed, 't1', 'QUEUE_UNAVAILABLE', 'Try again.'),
  [NotificationType.GraphGenerationProgressUpdated]: notificationDraft(NotificationType.GraphGenerationProgressUpdated, 't1', {
    status: 'RUNNING',
    currentStage: '[2단계] 클러스터링 중',
    progressPercent: 40,
    etaSeconds: null,
  }),
  [NotificationType.GraphGenerationCompleted]: notificationDraft(NotificationType.GraphGenerationCompleted, 't1', {
    status: 'SUCCEEDED',
    nodes: 3,
    edges: 2,
    partialFailure: false,
    graphReplaced: true,
  }),
  [NotificationType.GraphGenerationFailed]: failureDraft(NotificationType.GraphGenerationFailed, 't1', 'AI_FAILED', 'Try again.'),
  [NotificationType.AddConversationRequested]: notificationDraft(NotificationType.AddConversationRequested, 't2', { status: 'QUEUED' }),
  [NotificationType.AddConversationRequestFailed]: failureDraft(NotificationType.AddConversationRequestFailed, 't2', 'QUEUE_UNAVAILABLE', 'Try again.'),
  [NotificationType.AddConversationCompleted]: notificationDraft(NotificationType.AddConversationCompleted, 't2', {
    status: 'SUCCEEDED',
    nodeCount: 2,
    edgeCount: 1,
    graphVersion: 4,
    partialFailure: false,
  }),
  [NotificationType.AddConversationFailed]: failureDraft(NotificationType.AddConversationFailed, 't2', 'JOB_TIMED_OUT', 'Try again.'),
  [NotificationType.GraphSummaryRequested]: notificationDraft(NotificationType.GraphSummaryRequested, 't3', { status: 'QUEUED' }),
  [NotificationType.GraphSummaryRequestFailed]: failureDraft(NotificationType.GraphSummaryRequestFailed, 't3', 'QUEUE_UNAVAILABLE', 'Try again.'),
  [NotificationType.GraphSummaryCompleted]: notificationDraft(NotificationType.GraphSummaryCompleted, 't3', { status: 'SUCCEEDED', graphVersion: 4, partialFailure: false }),
  [NotificationType.GraphSummaryFailed]: failureDraft(NotificationType.GraphSummaryFailed, 't3', 'AI_FAILED', 'Try again.'),
} satisfies { [K in EmittedNotificationType]: NotificationDraft<K> };

/** The web client's payload fields per type (besides taskId and timestamp), and how it reads each. */
const CLIENT_FIELDS: Record<EmittedNotificationType, Record<string, (value: unknown) => boolean>> = {
  GRAPH_GENERATION_REQUESTED: {},
  GRAPH_GENERATION_REQUEST_FAILED: { error: isString },
  GRAPH_GENERATION_PROGRESS_UPDATED: {
    currentStage: isString,
    progressPercent: (value) => Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 100,
    etaSeconds: (value) => value === null || (Number.isInteger(value) && (value as number) >= 0),
  },
  GRAPH_GENERATION_COMPLETED: {},
  GRAPH_GENERATION_FAILED: { error: isString },
  GRAPH_SUMMARY_REQUESTED: {},
  GRAPH_SUMMARY_REQUEST_FAILED: { error: isString },
  GRAPH_SUMMARY_COMPLETED: {},
  GRAPH_SUMMARY_FAILED: { error: isString },
  ADD_CONVERSATION_REQUESTED: {},
  ADD_CONVERSATION_REQUEST_FAILED: { error: isString },
  ADD_CONVERSATION_COMPLETED: { nodeCount: (value) => typeof value === 'number', edgeCount: (value) => typeof value === 'number' },
  ADD_CONVERSATION_FAILED: { error: isString },
};

function isString(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0;
}

describe('NotificationPayloads', () => {
  it('maps every NotificationType (checked at compile time too)', () => {
    expect(everyTypeMapped).toBe(true);
    expect(Object.keys(SAMPLES).sort()).toEqual(Object.values(NotificationType).sort());
    expect(Object.keys(CLIENT_FIELDS).sort()).toEqual(Object.values(NotificationType).sort());
  });

  it.each(Object.values(NotificationType))('builds %s with taskId and the client’s fields by their exact names', (type) => {
    const draft = SAMPLES[type];
    expect(draft.type).toBe(type);
    expect(typeof draft.payload.taskId).toBe('string');
    for (const [field, valid] of Object.entries(CLIENT_FIELDS[type])) {
      expect([field, valid((draft.payload as Record<string, unknown>)[field])]).toEqual([field, true]);
    }
  });

  it('gives every failure the user sentence as `error` and the stable code as `errorCode`', () => {
    expect(failureDraft(NotificationType.GraphSummaryFailed, 't9', 'AI_FAILED', 'The AI could not finish this job.')).toEqual({
      type: 'GRAPH_SUMMARY_FAILED',
      payload: { taskId: 't9', status: 'FAILED', error: 'The AI could not finish this job.', errorCode: 'AI_FAILED' },
    });
  });
});
