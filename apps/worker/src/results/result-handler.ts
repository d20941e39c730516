import { type AnyEnvelope, type ResultTaskType } from '@app/queue-contracts';
import { type Outcome } from '../consumer/outcome';

export type EnvelopeOf<T extends ResultTaskType> = Extract<AnyEnvelope, { taskType: T }>;

/** Handles one result task type; the dispatcher checks there is exactly one per type. */
export interface ResultHandler<T extends ResultTaskType = ResultTaskType> {
  readonly taskType: T;
  handle(envelope: EnvelopeOf<T>): Promise<Outcome>;
  /** Optional: the envelopes of one receive together, one outcome each in the same order (cheaper than one by one). */
  handleBatch?(envelopes: readonly EnvelopeOf<T>[]): Promise<Outcome[]>;
}

export const RESULT_HANDLERS = Symbol('RESULT_HANDLERS');
