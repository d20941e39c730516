import { JOB_KINDS, type JobKind } from '@app/database';
import { REQUEST_TASK_TYPES, TaskType } from '@app/queue-contracts';
import { NotificationType } from './job-event';
import { isFinalResultType, JOB_FOLDERS, JOB_KIND_OF_RESULT, JOB_KIND_SPECS, type JobKindSpec } from './job-kinds';

describe('JOB_KIND_SPECS', () => {
  it('has one entry per job kind, and a table without one does not compile', () => {
    expect(Object.keys(JOB_KIND_SPECS).sort()).toEqual([...JOB_KINDS].sort());
    // @ts-expect-error GRAPH_SUMMARY is missing: every JobKind needs its entry
    const incomplete: Readonly<Record<JobKind, JobKindSpec>> = { GRAPH_GENERATION: JOB_KIND_SPECS.GRAPH_GENERATION, ADD_NODE: JOB_KIND_SPECS.ADD_NODE };
    expect(Object.keys(incomplete)).toHaveLength(2);
  });

  it('gives every kind its own request, result and events', () => {
    const specs = Object.values(JOB_KIND_SPECS);
    for (const field of ['taskIdPrefix', 'requestType', 'resultType', 'requested', 'requestFailed', 'failed'] as const) {
      expect(new Set(specs.map((spec) => spec[field])).size).toBe(JOB_KINDS.length);
    }
    expect(specs.map((spec) => spec.requestType).sort()).toEqual([...REQUEST_TASK_TYPES].sort());
    for (const spec of specs) expect(spec.requestFailed).toBe(`${spec.requested.replace(/_REQUESTED$/, '')}_REQUEST_FAILED`);
  });

  it('maps each final result back to its kind, and nothing else', () => {
    for (const kind of JOB_KINDS) expect(JOB_KIND_OF_RESULT[JOB_KIND_SPECS[kind].resultType]).toBe(kind);
    expect(isFinalResultType(TaskType.ADD_NODE_RESULT)).toBe(true);
    expect(isFinalResultType(TaskType.GRAPH_GENERATION_PROGRESS)).toBe(false);
    expect(isFinalResultType(TaskType.GRAPH_GENERATION_REQUEST)).toBe(false);
    expect(isFinalResultType('toString')).toBe(false);
  });

  it('keeps the rules the web client relies on: graph writers exclude each other, a summary only another summary', () => {
    expect(JOB_KIND_SPECS.GRAPH_GENERATION.excludedBy).toEqual(['GRAPH_GENERATION', 'ADD_NODE']);
    expect(JOB_KIND_SPECS.ADD_NODE.excludedBy).toEqual(['GRAPH_GENERATION', 'ADD_NODE']);
    expect(JOB_KIND_SPECS.GRAPH_SUMMARY.excludedBy).toEqual(['GRAPH_SUMMARY']);
    expect(JOB_KIND_SPECS.ADD_NODE.failed).toBe(NotificationType.AddConversationFailed);
  });

  it('gives each kind its own input folder, and folders that never contain one another', () => {
    const specs = Object.values(JOB_KIND_SPECS);
    expect(new Set(specs.map((spec) => spec.inputFolder)).size).toBe(JOB_KINDS.length);
    expect(JOB_FOLDERS).toEqual(['graph-generation/', 'graph-results/', 'add-node/', 'add-node-results/', 'graph-summary/']);
    for (const folder of JOB_FOLDERS) {
      expect(folder).toMatch(/^[a-z-]+\/$/);
      for (const other of JOB_FOLDERS) if (other !== folder) expect(other.startsWith(folder)).toBe(false);
    }
  });
});
