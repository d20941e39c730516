import { type GraphMergeBase } from '@app/database';
import { type AddNodeItemResult, type AddNodeResult } from '@app/queue-contracts';
import { planMerge, referencedNodeIds } from './add-node-merge';

const BASE: GraphMergeBase = { version: 4, generationVersion: 4, taskId: 'task-g', jobCreatedAt: null, nextNodeId: 10, clusterIds: ['c1'] };

function item(overrides: Partial<AddNodeItemResult>): AddNodeItemResult {
  return { conversationId: 'conv-1', noteId: null, nodes: [], edges: [], assignedCluster: null, skipped: false, error: null, ...overrides };
}

function node(id: string, clusterId = 'c1') {
  return { id, origId: `orig-${id}`, clusterId, clusterName: `name-${clusterId}`, numSections: 2, timestamp: null };
}

function edge(source: string | number, target: string | number) {
  return { source, target, weight: 0.5, type: 'semantic', intraCluster: true };
}

const result = (results: AddNodeItemResult[]): AddNodeResult => ({ userId: 'u', processedCount: results.length, results });

describe(planMerge.name, () => {
  it('allocates ids after the stored maximum and maps batch ids in edges', () => {
    const plan = planMerge(
      result([item({ nodes: [node('batch_0')], edges: [edge('batch_0', 3)] }), item({ conversationId: null, noteId: 'n1', nodes: [node('batch_1')], edges: [edge('batch_1', 'batch_0')] })]),
      BASE,
      new Set([3]),
    );

    expect(plan.append.nodes.map((n) => [n.id, n.origId, n.sourceType])).toEqual([
      [10, 'orig-batch_0', 'chat'],
      [11, 'orig-batch_1', 'markdown'],
    ]);
    expect(plan.append.edges.map((e) => [e.source, e.target])).toEqual([
      [10, 3],
      [11, 10],
    ]);
    expect(plan.append.clusterGrowth).toEqual({ c1: 2 });
    expect(plan.append.newClusters).toEqual([]);
    expect(plan.notes).toEqual([]);
    expect(plan.danglingEdges).toBe(0);
  });

  it('skips and counts edges to nodes that do not exist', () => {
    const plan = planMerge(result([item({ nodes: [node('batch_0')], edges: [edge('batch_0', 99), edge('batch_9', 'batch_0'), edge('batch_0', 3)] })]), BASE, new Set([3]));

    expect(plan.append.edges).toHaveLength(1);
    expect(plan.danglingEdges).toBe(2);
    expect(plan.notes).toEqual([]);
  });

  it('derives intraCluster when the AI left it out: true only between new nodes of one cluster', () => {
    const open = (source: string | number, target: string | number) => ({ ...edge(source, target), intraCluster: null });
    const plan = planMerge(
      result([item({ nodes: [node('batch_0'), node('batch_1'), node('batch_2', 'c2')], edges: [open('batch_1', 'batch_0'), open('batch_2', 'batch_0'), open('batch_0', 3)] })]),
      BASE,
      new Set([3]),
    );

    expect(plan.append.edges.map((e) => [e.source, e.target, e.isIntraCluster])).toEqual([
      [11, 10, true],
      [12, 10, false],
      [10, 3, false],
    ]);
  });

  it('inserts a new cluster from assignedCluster with the nodes it gets', () => {
    const assignedCluster = { clusterId: 'c9', isNewCluster: true, confidence: 0.7, reasoning: 'r', name: 'Gardening', themes: ['plants'] };
    const plan = planMerge(result([item({ nodes: [node('batch_0', 'c9'), node('batch_1', 'c9')], assignedCluster })]), BASE, new Set());

    expect(plan.append.newClusters).toEqual([{ id: 'c9', name: 'Gardening', description: '', size: 2, keyThemes: ['plants'] }]);
    expect(plan.append.nodes[0]?.clusterConfidence).toBe(0.7);
    expect(plan.append.clusterGrowth).toEqual({});
  });

  it('names skipped and failed items and adds nothing from them', () => {
    const plan = planMerge(
      result([item({ skipped: true, nodes: [node('batch_0')] }), item({ conversationId: null, noteId: 'n2', error: 'boom', nodes: [node('batch_1')] })]),
      BASE,
      new Set(),
    );

    expect(plan.append.nodes).toEqual([]);
    expect(plan.notes).toEqual(['conversation conv-1 was skipped', 'note n2 could not be added']);
    expect(plan.failedItems.map((failed) => failed.noteId)).toEqual(['n2']);
  });

  it('lists the numeric edge ends to check against the stored graph', () => {
    expect(referencedNodeIds(result([item({ edges: [edge('batch_0', 3), edge(7, 3)] })])).sort()).toEqual([3, 7]);
  });
});
