import { type GraphReadFacts, type GraphReadState, type GraphSnapshotJson, type GraphSnapshotRead } from '@app/database';
import { generatedAtOf, graphStatsMetadataOf, graphStatusOf, type GraphStatus, storedGraphStatusOf, visibleGraph } from './graph-status';
import { macroIdOf } from './macro-id';

/** GraphStatsDto of SDK 0.2.29 (GET /v1/graph/stats). */
export interface GraphStatsView {
  readonly userId: string;
  readonly nodes: number;
  readonly edges: number;
  readonly clusters: number;
  readonly status: GraphStatus;
  readonly generatedAt?: string;
  readonly updatedAt?: string;
  readonly metadata?: Record<string, unknown>;
}

/** GraphMetadataDto of SDK 0.2.29 (GET /v1/graph/graphs[/:macroId]). */
export interface GraphMetadataView {
  readonly macroId: string;
  readonly userId: string;
  /** title, description and scopeFilter as the client sent them to the generation that made the graph. */
  readonly title?: string;
  readonly description?: string;
  readonly scopeFilter?: Record<string, unknown>;
  readonly status: string;
  readonly nodeCount: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deletedAt?: string;
}

/** Counts and timestamps of the visible graph; zeros and none without one. */
export function toStatsView(userId: string, facts: GraphReadFacts): GraphStatsView {
  const graph = visibleGraph(facts);
  const generatedAt = graph && generatedAtOf(graph);
  const metadata = graphStatsMetadataOf(facts);
  return {
    userId,
    nodes: graph?.nodes ?? 0,
    edges: graph?.edges ?? 0,
    clusters: graph?.clusters ?? 0,
    status: graphStatusOf(facts),
    ...(generatedAt ? { generatedAt: generatedAt.toISOString() } : {}),
    ...(graph ? { updatedAt: graph.updatedAt.toISOString() } : {}),
    ...(metadata ? { metadata } : {}),
  };
}

/**
 * The visible graph with its ledger status, or the deleted one with the
 * status it had. `createdAt` is when the current graph was generated (the row
 * keeps no creation time of its own), else its last write.
 */
export function toMetadataView(userId: string, facts: GraphReadFacts, graph: GraphReadState): GraphMetadataView {
  const createdAt = generatedAtOf(graph) ?? graph.updatedAt;
  const { title, description, scopeFilter } = facts.generatedWith ?? {};
  return {
    macroId: macroIdOf(userId),
    userId,
    ...(typeof title === 'string' ? { title } : {}),
    ...(typeof description === 'string' ? { description } : {}),
    ...(isRecord(scopeFilter) ? { scopeFilter } : {}),
    status: graph.deletedAt === null ? graphStatusOf(facts) : storedGraphStatusOf(graph),
    nodeCount: graph.nodes,
    createdAt: createdAt.toISOString(),
    updatedAt: graph.updatedAt.toISOString(),
    ...(graph.deletedAt ? { deletedAt: graph.deletedAt.toISOString() } : {}),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const NO_GRAPH: GraphSnapshotJson = { nodes: '[]', edges: '[]', clusters: '[]', subclusters: '[]' };

/**
 * GraphSnapshotDto as JSON text: the arrays exactly as Postgres built them
 * (never parsed here), and the stats (counted in the same transaction) without userId.
 */
export function toSnapshotJson(userId: string, read: GraphSnapshotRead): string {
  const { userId: _owner, ...stats } = toStatsView(userId, read.facts);
  const { nodes, edges, clusters, subclusters } = read.json ?? NO_GRAPH;
  return `{"nodes":${nodes},"edges":${edges},"clusters":${clusters},"subclusters":${subclusters},"stats":${JSON.stringify(stats)}}`;
}
