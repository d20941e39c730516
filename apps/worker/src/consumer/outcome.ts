/**
 * What a handler decided about a message. Only the consumer turns outcomes
 * into SQS actions: done deletes it, retry makes it visible again later,
 * dead-letter moves it aside with its reason. A message that answers a live
 * job of ours but can never be applied has already failed that job (in the
 * ledger, with its event) when its dead-letter outcome is returned.
 */
export type Outcome =
  | { readonly kind: 'done'; readonly note?: string }
  | { readonly kind: 'retry'; readonly reason: string }
  | DeadLetterOutcome;

/** taskId/taskType are set when the message was parsed far enough to know them; they label the dead letter. */
export interface DeadLetterOutcome {
  readonly kind: 'dead-letter';
  readonly reason: string;
  readonly taskId?: string;
  readonly taskType?: string;
}

/** What a message says about its task, as far as it could be read; null, undefined and '' label nothing. */
export interface TaskLabels {
  readonly taskId?: string | null;
  readonly taskType?: string | null;
}

export const Outcomes = {
  done: (note?: string): Outcome => ({ kind: 'done', note }),
  retry: (reason: string): Outcome => ({ kind: 'retry', reason }),
  deadLetter: (reason: string, task: TaskLabels = {}): DeadLetterOutcome => ({
    kind: 'dead-letter',
    reason,
    ...(task.taskId ? { taskId: task.taskId } : {}),
    ...(task.taskType ? { taskType: task.taskType } : {}),
  }),
};

/** A message as the handlers see it; no SDK types past the consumer. */
export interface ReceivedMessage {
  readonly messageId: string;
  readonly body: string;
  readonly receiveCount: number;
}
