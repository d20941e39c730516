import { type GraphReadFacts, type GraphReadState, type LatestGraphJob } from '@app/database';
import { addNodeFailureOf, generatedAtOf, generationFailureOf, graphStatusOf } from './graph-status';

const at = (iso: string) => new Date(iso);

function graph(overrides: Partial<GraphReadState> = {}): GraphReadState {
  return {
    version: 1,
    generationVersion: 1,
    generatedAt: null,
    updatedAt: at('2026-03-01T00:00:00Z'),
    deletedAt: null,
    nodes: 3,
    edges: 2,
    clusters: 1,
    ...overrides,
  };
}

function job(status: LatestGraphJob['status'], endedAt: string, errorMessage: string | null = null): LatestGraphJob {
  return { taskId: `task-${status}`, status, errorMessage, endedAt: at(endedAt) };
}

const facts = (overrides: Partial<GraphReadFacts> = {}): GraphReadFacts => ({ generationLive: false, addNodeLive: false, ...overrides });

describe(graphStatusOf.name, () => {
  it.each<[string, GraphReadFacts, string]>([
    ['nothing at all', facts(), 'NOT_CREATED'],
    ['a live generation, even beside a live add-node', facts({ generationLive: true, addNodeLive: true, graph: graph() }), 'CREATING'],
    ['a live add-node', facts({ addNodeLive: true, graph: graph() }), 'UPDATING'],
    ['a generated graph', facts({ graph: graph() }), 'CREATED'],
    ['a graph merged into since its generation', facts({ graph: graph({ version: 3, generationVersion: 2 }) }), 'UPDATED'],
    ['a deleted graph', facts({ graph: graph({ deletedAt: at('2026-03-02T00:00:00Z') }) }), 'NOT_CREATED'],
    ['a failed generation and no graph', facts({ lastGeneration: job('FAILED', '2026-03-02T00:00:00Z') }), 'FAILED'],
    ['a cancelled generation and no graph', facts({ lastGeneration: job('CANCELLED', '2026-03-02T00:00:00Z') }), 'FAILED'],
    ['a succeeded generation and no graph', facts({ lastGeneration: job('SUCCEEDED', '2026-03-02T00:00:00Z') }), 'NOT_CREATED'],
    [
      'a failed generation before the graph was deleted',
      facts({ lastGeneration: job('FAILED', '2026-03-02T00:00:00Z'), graph: graph({ deletedAt: at('2026-03-03T00:00:00Z') }) }),
      'NOT_CREATED',
    ],
    [
      'a failed generation after the graph was deleted',
      facts({ lastGeneration: job('FAILED', '2026-03-04T00:00:00Z'), graph: graph({ deletedAt: at('2026-03-03T00:00:00Z') }) }),
      'FAILED',
    ],
    ['a failed regeneration of a graph', facts({ lastGeneration: job('FAILED', '2026-03-04T00:00:00Z'), graph: graph() }), 'CREATED'],
  ])('is right for %s', (_case, given, status) => {
    expect(graphStatusOf(given)).toBe(status);
  });
});

describe(addNodeFailureOf.name, () => {
  it('reports a failure newer than the graph’s last write with the job’s sentence, and none once the graph was written at or after it', () => {
    const failed = job('FAILED', '2026-03-02T00:00:00Z', 'Could not add');
    expect(addNodeFailureOf(facts({ graph: graph(), lastAddNode: failed }))).toEqual({ taskId: 'task-FAILED', error: 'Could not add', at: '2026-03-02T00:00:00.000Z' });
    expect(addNodeFailureOf(facts({ graph: graph({ updatedAt: at('2026-03-02T00:00:00Z') }), lastAddNode: failed }))).toBeUndefined();
    expect(addNodeFailureOf(facts({ graph: graph(), lastAddNode: job('CANCELLED', '2026-03-02T00:00:00Z') }))).toBeUndefined();
  });
});

describe(generationFailureOf.name, () => {
  it('falls back to a sentence of its own when the job left none', () => {
    expect(generationFailureOf(facts({ lastGeneration: job('FAILED', '2026-03-02T00:00:00Z') }))?.error).toBe('The graph could not be generated');
    expect(generationFailureOf(facts({ lastGeneration: job('CANCELLED', '2026-03-02T00:00:00Z') }))?.error).toBe('The graph generation was cancelled');
  });
});

describe(generatedAtOf.name, () => {
  it('is the AI’s time, else the write time until a merge happened, else unknown', () => {
    expect(generatedAtOf(graph({ generatedAt: at('2026-02-01T00:00:00Z'), version: 2 }))).toEqual(at('2026-02-01T00:00:00Z'));
    expect(generatedAtOf(graph())).toEqual(at('2026-03-01T00:00:00Z'));
    expect(generatedAtOf(graph({ version: 2 }))).toBeUndefined();
  });
});
