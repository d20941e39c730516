export { type JobEvent, type JobEventNotice, jobEventChannel, NotificationType, readJobEventNotice } from './job-event';
export { JobEventHub } from './job-event.hub';
export { JobEventPublisher } from './job-event.publisher';
export { type EventDraft, ExclusiveJobConflict, JobLedger } from './job-ledger';
export { JobEventsModule, type JobEventsOptions } from './job-events.module';
export { type JobFileKeys, type JobFileLocations, jobFileLocations } from './job-files';
export { type FinalResultType, isFinalResultType, JOB_FOLDERS, JOB_KIND_OF_RESULT, JOB_KIND_SPECS, type JobKindSpec } from './job-kinds';
export { redisTransportOptions } from './redis-options';
export {
  type EmittedNotificationType,
  failureDraft,
  type FailurePayload,
  type FailureType,
  type NotificationDraft,
  notificationDraft,
  type NotificationPayload,
  type NotificationPayloads,
} from './notification-payloads';
