import { jobFileLocations } from './job-files';
import { JOB_KIND_SPECS } from './job-kinds';

describe(jobFileLocations.name, () => {
  it('lists each job\'s input and result folders, named by its task id', () => {
    expect(
      jobFileLocations([
        { taskId: 'task_a_1', kind: 'GRAPH_GENERATION', inputKey: 'graph-generation/task_a_1/', resultKey: 'graph-results/task_a_1/graph_final.json' },
        { taskId: 'task_add_node_a_2', kind: 'ADD_NODE', inputKey: 'add-node/task_add_node_a_2/batch.json', resultKey: null },
        { taskId: 'summary_a_3', kind: 'GRAPH_SUMMARY', inputKey: 'graph-summary/summary_a_3/graph.json', resultKey: 'graph-summary/summary_a_3/summary.json' },
      ]),
    ).toEqual({
      prefixes: [
        'graph-generation/task_a_1/',
        'graph-results/task_a_1/',
        'add-node/task_add_node_a_2/',
        'add-node-results/task_add_node_a_2/',
        'graph-summary/summary_a_3/',
      ],
      keys: [],
    });
  });

  it('adds the folder of a recorded key elsewhere (the older AI\'s graphs/<userId>/<taskId>/), up to the task id', () => {
    const { prefixes } = jobFileLocations([{ taskId: 't1', kind: 'GRAPH_GENERATION', inputKey: 'graph-generation/t1/', resultKey: 'graphs/alice/t1/deep/output.json' }]);
    expect(prefixes).toEqual(['graph-generation/t1/', 'graph-results/t1/', 'graphs/alice/t1/']);
  });

  it('deletes a recorded key outside any folder of its task by itself, never by a wider prefix', () => {
    expect(jobFileLocations([{ taskId: 't2', kind: 'ADD_NODE', inputKey: 'uploads/batch-t2.json', resultKey: 't2' }])).toEqual({
      prefixes: ['add-node/t2/', 'add-node-results/t2/'],
      keys: ['uploads/batch-t2.json', 't2'],
    });
  });

  it('takes the folders from JOB_KIND_SPECS and ends every prefix at the task id, so task ids that start alike stay apart', () => {
    const { prefixes } = jobFileLocations([{ taskId: 'task_u1_1', kind: 'GRAPH_GENERATION', inputKey: 'graph-generation/task_u1_1/', resultKey: null }]);
    expect(prefixes).toEqual([`${JOB_KIND_SPECS.GRAPH_GENERATION.inputFolder}task_u1_1/`, `${JOB_KIND_SPECS.GRAPH_GENERATION.resultFolder}task_u1_1/`]);
    for (const prefix of prefixes) expect('graph-results/task_u1_10/graph_final.json'.startsWith(prefix)).toBe(false);
  });
});
