import { randomUUID } from 'node:crypto';
import { type NewJob } from '@app/database';

export const jobFactory = {
  create(overrides: Partial<NewJob> = {}): NewJob {
    const taskId = overrides.taskId ?? `task-${randomUUID()}`;
    return {
      taskId,
      userId: 'user-1',
      kind: 'GRAPH_GENERATION',
      status: 'QUEUED',
      inputKey: `graph-generation/${taskId}/`,
      options: { includeSummary: true, language: 'en' },
      ...overrides,
    };
  },
};
