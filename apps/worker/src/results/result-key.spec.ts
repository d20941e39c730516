import { TaskType } from '@app/queue-contracts';
import { GOLDEN_FILLS, listGolden, readGoldenEnvelope } from '../../../../libs/queue-contracts/test/golden-contract';
import { keyBelongsToTask, type FinalResultType, type KeyOwner, RESULT_KEY_FIELDS, resolveResultKey } from './result-key';

const BUCKET = 'payloads';
const TASK = 'task_u1_01JFB3M8Q2W7X5Z9C4V6N1R0TA';
const OTHER_TASK = 'task_u2_01JFB3M8Q2W7X5Z9C4V6N1R0TB';
const graph: KeyOwner = { taskType: TaskType.GRAPH_GENERATION_RESULT, taskId: TASK, userId: 'u1' };
const addNode: KeyOwner = { taskType: TaskType.ADD_NODE_RESULT, taskId: 'task_add_node_u1_01', userId: 'u1' };
const summary: KeyOwner = { taskType: TaskType.GRAPH_SUMMARY_RESULT, taskId: 'summary_u1_01', userId: 'u1' };

describe(keyBelongsToTask.name, () => {
  it.each([
    [graph, `graph-results/${TASK}/graph_final.json`],
    [graph, `graph-results/${TASK}/features.json`],
    [graph, `graph-results/${TASK}/nested/summary.json`],
    [graph, `graphs/u1/${TASK}/output.json`],
    [addNode, 'add-node-results/task_add_node_u1_01/result.json'],
    [addNode, 'add-node-results/task_add_node_u1_01/..result.json'],
    [summary, 'graph-summary/summary_u1_01/summary.json'],
    [summary, 'graph-summary/summary_u1_01/v2/graph.json'],
  ])('%j owns %s', (owner, key) => {
    expect(keyBelongsToTask(key, owner)).toBe(true);
  });

  it.each([
    ['another task of the same type', graph, `graph-results/${OTHER_TASK}/graph_final.json`],
    ['a task id that only starts with this one', graph, `graph-results/${TASK}0/graph_final.json`],
    ['the task id without the slash', graph, `graph-results/${TASK}graph_final.json`],
    ['the task folder itself', graph, `graph-results/${TASK}/`],
    ['the task id as the last segment', graph, `graph-results/${TASK}`],
    ["another user's upload", graph, `graph-generation/${OTHER_TASK}/input.json`],
    ["this task's own upload", graph, `graph-generation/${TASK}/input.json`],
    ['another type\'s prefix', graph, `add-node-results/${TASK}/result.json`],
    ['the summary request input', summary, 'graph-summary/summary_u1_01/graph.json'],
    ['a graph-results key for a summary', summary, 'graph-results/summary_u1_01/summary.json'],
    ['a ".." segment after the task id', graph, `graph-results/${TASK}/../${OTHER_TASK}/graph_final.json`],
    ['a ".." segment at the end', graph, `graph-results/${TASK}/..`],
    ['an empty segment', graph, `graph-results/${TASK}//graph_final.json`],
    ['a trailing slash', graph, `graph-results/${TASK}/results/`],
    ['a leading slash', graph, `/graph-results/${TASK}/graph_final.json`],
    ['the legacy form with another user id', graph, `graphs/u2/${TASK}/output.json`],
    ['the legacy form with another task id', graph, `graphs/u1/${OTHER_TASK}/output.json`],
    ['the legacy form without a file', graph, `graphs/u1/${TASK}/`],
    ['the legacy form for add-node', addNode, 'graphs/u1/task_add_node_u1_01/output.json'],
    ['the legacy form for a summary', summary, 'graphs/u1/summary_u1_01/summary.json'],
  ])('refuses %s', (_, owner, key) => {
    expect(keyBelongsToTask(key, owner)).toBe(false);
  });

  it('refuses every key for an empty task id or, in the legacy form, an empty user id', () => {
    expect(keyBelongsToTask('graph-results//graph_final.json', { ...graph, taskId: '' })).toBe(false);
    expect(keyBelongsToTask(`graphs//${TASK}/output.json`, { ...graph, userId: '' })).toBe(false);
  });

  describe('the golden results', () => {
    const keyed = listGolden('results')
      .map((name) => readGoldenEnvelope(`results/${name}`))
      .filter((envelope) => envelope.taskType in RESULT_KEY_FIELDS);

    it.each(keyed.map((envelope) => [envelope.taskType, envelope] as const))('every key of a golden %s belongs to its task', (_, envelope) => {
      const owner: KeyOwner = { taskType: envelope.taskType as FinalResultType, taskId: GOLDEN_FILLS.taskId, userId: GOLDEN_FILLS.userId };
      const keys = RESULT_KEY_FIELDS[owner.taskType].map((field) => envelope.payload[field]).filter((key): key is string => typeof key === 'string');
      for (const key of keys) expect(keyBelongsToTask(key, owner)).toBe(true);
    });

    it('cover a key of each type, the legacy form included', () => {
      const keys = keyed.flatMap((envelope) => Object.values(envelope.payload).filter((value) => typeof value === 'string' && value.includes('/')));
      expect(keys.length).toBeGreaterThanOrEqual(6);
      for (const prefix of ['graph-results/', 'graphs/', 'add-node-results/', 'graph-summary/']) expect(keys.some((key) => String(key).startsWith(prefix))).toBe(true);
    });
  });
});

describe(resolveResultKey.name, () => {
  it.each([
    [`graph-results/${TASK}/graph_final.json`, `graph-results/${TASK}/graph_final.json`],
    [`s3://payloads/graph-results/${TASK}/graph_final.json`, `graph-results/${TASK}/graph_final.json`],
    [`s3://payloads/graphs/u1/${TASK}/output.json`, `graphs/u1/${TASK}/output.json`],
  ])('accepts %s as %s', (raw, key) => {
    expect(resolveResultKey(raw, BUCKET, graph)).toEqual({ ok: true, key });
  });

  it.each([
    ['s3://other-bucket/graph-results/t1/graph_final.json', 'not the payload bucket'],
    ['s3://payloads', 'empty'],
    ['s3://payloads/', 'empty'],
    ['https://evil.example/graph.json', 'URI'],
    ['/etc/passwd', 'starts with "/"'],
    ['graph-results/../../secrets.json', '".." segment'],
    ['..', '".." segment'],
    ['', 'empty'],
    ['graph\nresults', 'control characters'],
    ['k'.repeat(1025), 'longer than'],
    [`graph-results/${OTHER_TASK}/graph_final.json`, `not a key the AI wrote for GRAPH_GENERATION_RESULT task ${TASK} (expected graph-results/${TASK}/...)`],
    [`s3://payloads/graph-results/${OTHER_TASK}/graph_final.json`, 'not a key the AI wrote'],
    [`graph-generation/${OTHER_TASK}/input.json`, 'not a key the AI wrote'],
  ])('refuses %j', (raw, why) => {
    const resolved = resolveResultKey(raw, BUCKET, graph);
    expect(resolved.ok).toBe(false);
    expect(!resolved.ok && resolved.reason).toContain(why);
    expect(!resolved.ok && resolved.reason).toContain(JSON.stringify(raw).slice(0, 20));
  });

  it('refuses the summary request input as a summary result, in either form', () => {
    for (const raw of ['graph-summary/summary_u1_01/graph.json', `s3://${BUCKET}/graph-summary/summary_u1_01/graph.json`]) {
      expect(resolveResultKey(raw, BUCKET, summary).ok).toBe(false);
    }
  });
});
