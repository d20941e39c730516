import { Injectable } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { DatabaseService } from './database.service';
import { type Db } from './open-database';
import { type JobStatus } from './schema';

/** The user's graphs row (deleted or not) with its row counts, counted in SQL. */
export interface GraphReadState {
  version: number;
  /** The version the last generation wrote; greater `version` means add-node merged since. */
  generationVersion: number;
  /** As the AI reported it; null when it did not. */
  generatedAt: Date | null;
  /** When the graph was last written (generation or merge). */
  updatedAt: Date;
  deletedAt: Date | null;
  nodes: number;
  edges: number;
  clusters: number;
}

/** The newest job of one kind. */
export interface LatestGraphJob {
  taskId: string;
  status: JobStatus;
  /** The user-facing sentence; never the raw AI error. */
  errorMessage: string | null;
  /** finished_at, else the last update of the row. */
  endedAt: Date;
}

/** What stats, snapshot and graph metadata are decided from: the graph row and the job ledger, read at one instant. */
export interface GraphReadFacts {
  graph?: GraphReadState;
  generationLive: boolean;
  addNodeLive: boolean;
  lastGeneration?: LatestGraphJob;
  lastAddNode?: LatestGraphJob;
  /** Options of the newest generation that succeeded (the web client's title, description, scopeFilter among them). */
  generatedWith?: Record<string, unknown>;
}

/** The graph's rows as JSON array texts in the web client's shapes (built by Postgres, sent as they are). */
export interface GraphSnapshotJson {
  nodes: string;
  edges: string;
  clusters: string;
  subclusters: string;
}

export interface GraphSnapshotRead {
  facts: GraphReadFacts;
  /** Undefined when the user has no graph or it is deleted. */
  json?: GraphSnapshotJson;
}

interface RawFactsRow {
  version: number | null;
  generation_version: number | null;
  generated_at: Date | string | null;
  updated_at: Date | string | null;
  deleted_at: Date | string | null;
  nodes: number | string;
  edges: number | string;
  clusters: number | string;
  generation_live: boolean;
  add_node_live: boolean;
  gen_task_id: string | null;
  gen_status: JobStatus | null;
  gen_error: string | null;
  gen_ended_at: Date | string | null;
  add_task_id: string | null;
  add_status: JobStatus | null;
  add_error: string | null;
  add_ended_at: Date | string | null;
  generated_with: Record<string, unknown> | null;
}

/** What the web client reads of the user's graph: stats (status from the job ledger) and the snapshot. */
@Injectable()
export class GraphReadsRepository {
  constructor(protected readonly database: DatabaseService) {}

  /** The graph row, its counts and the newest graph-writing jobs, in one statement (so one consistent instant). */
  async facts(userId: string, tx?: Db): Promise<GraphReadFacts> {
    const result: unknown = await (tx ?? this.database.db).execute(factsQuery(userId));
    const [row] = (result as { rows: RawFactsRow[] }).rows; // node-postgres and PGlite both answer with rows
    return toFacts(row);
  }

  /** Facts and the graph's JSON from one repeatable-read, read-only transaction. */
  snapshot(userId: string): Promise<GraphSnapshotRead> {
    return this.database.db.transaction(
      async (tx) => {
        const facts = await this.facts(userId, tx);
        if (!facts.graph || facts.graph.deletedAt !== null) return { facts };
        const result: unknown = await tx.execute(snapshotQuery(userId));
        const [json] = (result as { rows: GraphSnapshotJson[] }).rows;
        return { facts, json };
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
  }
}

const LIVE = sql.raw(`('QUEUED', 'RUNNING')`);

/** Newest job of a kind by creation: graph-writing jobs of a user never overlap, so that is also the newest outcome. */
const newestJob = (userId: string, kind: 'GRAPH_GENERATION' | 'ADD_NODE') => sql`
  SELECT task_id, status, error_message, coalesce(finished_at, updated_at) AS ended_at FROM jobs
  WHERE user_id = ${userId} AND kind = ${kind} ORDER BY created_at DESC, task_id DESC LIMIT 1`;

const countOf = (table: string, userId: string) => sql`(SELECT count(*) FROM ${sql.raw(table)} WHERE user_id = ${userId})::int`;

function factsQuery(userId: string) {
  return sql`
    SELECT g.version, g.generation_version, g.generated_at, g.updated_at, g.deleted_at,
      CASE WHEN g.user_id IS NULL THEN 0 ELSE ${countOf('graph_nodes', userId)} END AS nodes,
      CASE WHEN g.user_id IS NULL THEN 0 ELSE ${countOf('graph_edges', userId)} END AS edges,
      CASE WHEN g.user_id IS NULL THEN 0 ELSE ${countOf('graph_clusters', userId)} END AS clusters,
      EXISTS (SELECT 1 FROM jobs WHERE user_id = ${userId} AND kind = 'GRAPH_GENERATION' AND status IN ${LIVE}) AS generation_live,
      EXISTS (SELECT 1 FROM jobs WHERE user_id = ${userId} AND kind = 'ADD_NODE' AND status IN ${LIVE}) AS add_node_live,
      gen.task_id AS gen_task_id, gen.status AS gen_status, gen.error_message AS gen_error, gen.ended_at AS gen_ended_at,
      addn.task_id AS add_task_id, addn.status AS add_status, addn.error_message AS add_error, addn.ended_at AS add_ended_at,
      (SELECT options FROM jobs WHERE user_id = ${userId} AND kind = 'GRAPH_GENERATION' AND status = 'SUCCEEDED'
        ORDER BY created_at DESC, task_id DESC LIMIT 1) AS generated_with
    FROM (VALUES (1)) AS one (x)
    LEFT JOIN graphs g ON g.user_id = ${userId}
    LEFT JOIN LATERAL (${newestJob(userId, 'GRAPH_GENERATION')}) gen ON true
    LEFT JOIN LATERAL (${newestJob(userId, 'ADD_NODE')}) addn ON true`;
}

/**
 * The four arrays in the SDK's shapes (GraphNodeDto, GraphEdgeDto, GraphClusterDto,
 * GraphSubclusterDto), each ordered by id.
 *
 * Edges, by far the most rows, are concatenated as text: every field is a
 * number, a boolean, a constant or the user id (escaped once by to_json), so
 * nothing needs escaping, and it takes about half the time of json_agg.
 * Edge `type`: the AI writes 'semantic' (similarity it inferred); the client
 * knows only 'hard' | 'insight', so 'hard' stays 'hard' and any other value
 * is an AI-inferred link, 'insight'. The stored value stays on GET /v1/graph.
 *
 * Nodes carry free text, so they go through jsonb: optional fields the client
 * types as absent-or-string (sourceType, nodeTitle) are left out rather than
 * sent as null, while `timestamp` is sent as null when unknown.
 * `nodeTitle` is the title of the imported source the node stands for.
 */
function snapshotQuery(userId: string) {
  return sql`
    SELECT
      (SELECT coalesce(json_agg(n.doc ORDER BY n.id), '[]')::text FROM (
        SELECT n.id,
          jsonb_build_object('id', n.id, 'userId', n.user_id, 'origId', n.orig_id, 'clusterId', n.cluster_id,
            'clusterName', n.cluster_name, 'timestamp', n.timestamp, 'numMessages', n.num_sections, 'keywords', n.keywords)
          || jsonb_strip_nulls(jsonb_build_object(
            'sourceType', CASE
              WHEN n.source_type IN ('chat', 'markdown', 'notion', 'file') THEN n.source_type
              WHEN n.source_type = 'conversation' THEN 'chat'
              WHEN n.source_type = 'note' THEN 'markdown'
            END,
            'nodeTitle', nullif(s.title, ''))) AS doc
        FROM graph_nodes n
        LEFT JOIN sources s ON s.user_id = n.user_id AND s.id = n.orig_id
          AND s.kind = CASE WHEN n.source_type IN ('chat', 'conversation') THEN 'conversation' ELSE 'note' END
        WHERE n.user_id = ${userId}) n) AS nodes,
      (SELECT '[' || coalesce(string_agg(
          '{"id":"' || e.id || '","userId":' || owner.json || ',"source":' || e.source || ',"target":' || e.target
          || ',"weight":' || e.weight || ',"type":"' || CASE WHEN e.type = 'hard' THEN 'hard' ELSE 'insight' END
          || '","intraCluster":' || e.is_intra_cluster || '}', ',' ORDER BY e.id), '') || ']'
        FROM graph_edges e, (SELECT to_json(${userId}::text)::text AS json) owner
        WHERE e.user_id = ${userId}) AS edges,
      (SELECT coalesce(json_agg(json_build_object('id', c.id, 'userId', c.user_id, 'name', c.name,
          'description', c.description, 'size', c.size, 'themes', c.key_themes) ORDER BY c.id), '[]')::text
        FROM graph_clusters c WHERE c.user_id = ${userId}) AS clusters,
      (SELECT coalesce(json_agg(json_build_object('id', s.id, 'userId', s.user_id, 'clusterId', s.cluster_id,
          'nodeIds', s.node_ids, 'representativeNodeId', s.representative_node_id, 'size', s.size,
          'density', s.density, 'topKeywords', s.top_keywords) ORDER BY s.id), '[]')::text
        FROM graph_subclusters s WHERE s.user_id = ${userId}) AS subclusters`;
}

function toFacts(row: RawFactsRow): GraphReadFacts {
  return {
    graph:
      row.version === null
        ? undefined
        : {
            version: row.version,
            generationVersion: row.generation_version ?? row.version,
            generatedAt: toDate(row.generated_at),
            updatedAt: toDate(row.updated_at) ?? new Date(0),
            deletedAt: toDate(row.deleted_at),
            nodes: Number(row.nodes),
            edges: Number(row.edges),
            clusters: Number(row.clusters),
          },
    generationLive: row.generation_live,
    addNodeLive: row.add_node_live,
    lastGeneration: latestJob(row.gen_task_id, row.gen_status, row.gen_error, row.gen_ended_at),
    lastAddNode: latestJob(row.add_task_id, row.add_status, row.add_error, row.add_ended_at),
    generatedWith: row.generated_with ?? undefined,
  };
}

function latestJob(taskId: string | null, status: JobStatus | null, errorMessage: string | null, endedAt: Date | string | null): LatestGraphJob | undefined {
  if (taskId === null || status === null) return undefined;
  return { taskId, status, errorMessage, endedAt: toDate(endedAt) ?? new Date(0) };
}

/** node-postgres and PGlite both parse timestamptz to Date; a string is accepted all the same. */
function toDate(value: Date | string | null): Date | null {
  if (value === null) return null;
  return value instanceof Date ? value : new Date(value);
}
