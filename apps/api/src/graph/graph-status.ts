import { type GraphReadFacts, type GraphReadState, type LatestGraphJob } from '@app/database';

/** The web client's GraphStatus (SDK 0.2.29). */
export const GRAPH_STATUSES = ['NOT_CREATED', 'CREATING', 'CREATED', 'UPDATING', 'UPDATED', 'FAILED'] as const;
export type GraphStatus = (typeof GRAPH_STATUSES)[number];

/** A job failure as the client sees it: the user-facing sentence only, never the raw AI text. */
export interface GraphJobFailure {
  readonly taskId: string;
  readonly error: string;
  /** ISO 8601, UTC. */
  readonly at: string;
}

/** Said when the job left no sentence of its own. */
const GENERATION_FAILED = 'The graph could not be generated';
const GENERATION_CANCELLED = 'The graph generation was cancelled';
const ADD_NODE_FAILED = 'The new conversations and notes could not be added to the graph';

/** The graph the client sees: a deleted graph reads as none. */
export function visibleGraph(facts: GraphReadFacts): GraphReadState | undefined {
  return facts.graph && facts.graph.deletedAt === null ? facts.graph : undefined;
}

/**
 * A live generation is CREATING, else a live add-node UPDATING; else a graph
 * is UPDATED once add-node merged into it since its generation, else CREATED;
 * without a graph, FAILED while the newest generation failed (or was
 * cancelled) and nothing happened to the graph since, else NOT_CREATED.
 */
export function graphStatusOf(facts: GraphReadFacts): GraphStatus {
  if (facts.generationLive) return 'CREATING';
  if (facts.addNodeLive) return 'UPDATING';
  const graph = visibleGraph(facts);
  if (graph) return storedGraphStatusOf(graph);
  return generationFailureOf(facts) ? 'FAILED' : 'NOT_CREATED';
}

/** The status of a stored graph on its own (no job running): for a deleted graph in the list, too. */
export function storedGraphStatusOf(graph: GraphReadState): 'CREATED' | 'UPDATED' {
  return graph.version > graph.generationVersion ? 'UPDATED' : 'CREATED';
}

/**
 * When the graph was generated: as the AI reported it, else the write time
 * while no merge has happened since (the row keeps no generation time of its own).
 */
export function generatedAtOf(graph: GraphReadState): Date | undefined {
  return graph.generatedAt ?? (graph.version === graph.generationVersion ? graph.updatedAt : undefined);
}

/** The newest generation, if it failed or was cancelled and the graph has not been written or deleted since. */
export function generationFailureOf(facts: GraphReadFacts): GraphJobFailure | undefined {
  const job = facts.lastGeneration;
  if (job?.status === 'FAILED') return failureOf(job, facts.graph, GENERATION_FAILED);
  return job?.status === 'CANCELLED' ? failureOf(job, facts.graph, GENERATION_CANCELLED) : undefined;
}

/** The newest add-node job, if it failed and the graph has not been written or deleted since. */
export function addNodeFailureOf(facts: GraphReadFacts): GraphJobFailure | undefined {
  const job = facts.lastAddNode;
  return job?.status === 'FAILED' ? failureOf(job, facts.graph, ADD_NODE_FAILED) : undefined;
}

/** `metadata` of the stats: the failures the client may want to show beside the status. */
export function graphStatsMetadataOf(facts: GraphReadFacts): Record<string, unknown> | undefined {
  const lastGenerationFailure = generationFailureOf(facts);
  const lastAddNodeFailure = visibleGraph(facts) ? addNodeFailureOf(facts) : undefined;
  if (!lastGenerationFailure && !lastAddNodeFailure) return undefined;
  return { ...(lastGenerationFailure ? { lastGenerationFailure } : {}), ...(lastAddNodeFailure ? { lastAddNodeFailure } : {}) };
}

/** Undefined when the graph was written or deleted after the job ended: that outcome is no longer news. */
function failureOf(job: LatestGraphJob, graph: GraphReadState | undefined, fallback: string): GraphJobFailure | undefined {
  const lastChange = Math.max(graph?.updatedAt.getTime() ?? 0, graph?.deletedAt?.getTime() ?? 0);
  if (job.endedAt.getTime() <= lastChange) return undefined;
  return { taskId: job.taskId, error: job.errorMessage ?? fallback, at: job.endedAt.toISOString() };
}
