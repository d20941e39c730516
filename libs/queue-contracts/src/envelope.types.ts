import { type TaskPayloads } from './task-payload.map';
import { type TaskType } from './task-type.enum';

/** A validated envelope; `payload` is the DTO instance of its task type. */
export interface Envelope<T extends TaskType> {
  /** Absent and null both read as null (Python marks it optional); "unknown" is kept as sent. */
  taskId: string | null;
  taskType: T;
  payload: TaskPayloads[T];
  /** Naive AI timestamps are read as UTC. */
  timestamp: Date | null;
}

/** Any envelope; narrow it with `switch (envelope.taskType)`. */
export type AnyEnvelope = { [K in TaskType]: Envelope<K> }[TaskType];
