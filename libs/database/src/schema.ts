import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

export const JOB_KINDS = ['GRAPH_GENERATION', 'ADD_NODE', 'GRAPH_SUMMARY'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const JOB_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Keyword of a graph node as the AI scores it. */
export interface GraphKeyword {
  term: string;
  score: number;
}

/** `'A', 'B'` for an IN list; the values are our own constants, never user input. */
const sqlList = (values: readonly string[]) => sql.raw(values.map((value) => `'${value}'`).join(', '));

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** The job ledger: one row per job; `status` only moves forward (see JobsRepository.transition). */
export const jobs = pgTable(
  'jobs',
  {
    taskId: text('task_id').primaryKey(),
    userId: text('user_id').notNull(),
    kind: text('kind', { enum: JOB_KINDS }).notNull(),
    status: text('status', { enum: JOB_STATUSES }).notNull(),
    progressStage: text('progress_stage'),
    progressPercent: integer('progress_percent'),
    etaSeconds: integer('eta_seconds'),
    inputKey: text('input_key').notNull(),
    resultKey: text('result_key'),
    /** Request options as the user sent them (includeSummary, language, cluster bounds...). */
    options: jsonb('options').$type<Record<string, unknown>>().notNull().default({}),
    errorCode: text('error_code'),
    /** Plain sentence for users. */
    errorMessage: text('error_message'),
    /** Raw AI/provider error for operators; never shown to users. */
    errorDetail: text('error_detail'),
    /** Partial failure on a successful job (e.g. the summary failed). */
    warning: text('warning'),
    attempt: integer('attempt').notNull().default(1),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    startedAt: timestamptz('started_at'),
    finishedAt: timestamptz('finished_at'),
    deadlineAt: timestamptz('deadline_at'),
    /** When the worker deleted the job's S3 files (input bundle and results); null while they may still exist. */
    filesDeletedAt: timestamptz('files_deleted_at'),
  },
  (t) => [
    check('jobs_kind_check', sql`${t.kind} IN (${sqlList(JOB_KINDS)})`),
    check('jobs_status_check', sql`${t.status} IN (${sqlList(JOB_STATUSES)})`),
    index('jobs_user_created_idx').on(t.userId, t.createdAt.desc()),
    // Only live jobs are swept for deadlines; terminal rows stay out of the index.
    index('jobs_active_idx')
      .on(t.status, t.deadlineAt)
      .where(sql`${t.status} IN ('QUEUED', 'RUNNING')`),
    // Ended jobs whose files are still to delete (JobFilesCleaner's sweep); cleaned rows leave the index.
    index('jobs_files_pending_idx')
      .on(t.finishedAt)
      .where(sql`${t.filesDeletedAt} IS NULL AND ${t.status} NOT IN ('QUEUED', 'RUNNING')`),
  ],
);

/** Append-only event log; `id` is the SSE event id, strictly increasing. */
export const jobEvents = pgTable(
  'job_events',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    taskId: text('task_id')
      .notNull()
      .references(() => jobs.taskId, { onDelete: 'cascade' }),
    userId: text('user_id').notNull(),
    type: text('type').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('job_events_user_id_idx').on(t.userId, t.id),
    index('job_events_task_id_idx').on(t.taskId, t.id),
    // The retention purge deletes the oldest events first.
    index('job_events_created_at_idx').on(t.createdAt),
  ],
);

/** One current graph per user; `version` grows by one on every replace. */
export const graphs = pgTable('graphs', {
  userId: text('user_id').primaryKey(),
  version: integer('version').notNull(),
  /** The version the last replace (a generation) wrote; add-node merges keep it. Node ids are stable from it on. */
  generationVersion: integer('generation_version').notNull(),
  taskId: text('task_id').notNull(),
  generatedAt: timestamptz('generated_at'),
  metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  /** Set by a (restorable) delete: the graph reads as absent until restored; a new generation replaces it. */
  deletedAt: timestamptz('deleted_at'),
});

const graphOwner = () =>
  text('user_id')
    .notNull()
    .references(() => graphs.userId, { onDelete: 'cascade' });

export const graphNodes = pgTable(
  'graph_nodes',
  {
    userId: graphOwner(),
    id: integer('id').notNull(),
    origId: text('orig_id').notNull(),
    clusterId: text('cluster_id').notNull(),
    clusterName: text('cluster_name').notNull(),
    clusterConfidence: real('cluster_confidence'),
    keywords: jsonb('keywords').$type<GraphKeyword[]>().notNull(),
    topKeywords: jsonb('top_keywords').$type<string[]>().notNull(),
    timestamp: text('timestamp'),
    numSections: integer('num_sections').notNull(),
    sourceType: text('source_type').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.id] })],
);

export const graphEdges = pgTable(
  'graph_edges',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    userId: graphOwner(),
    source: integer('source').notNull(),
    target: integer('target').notNull(),
    weight: doublePrecision('weight').notNull(),
    type: text('type').notNull(),
    isIntraCluster: boolean('is_intra_cluster').notNull(),
    confidence: text('confidence'),
  },
  (t) => [index('graph_edges_user_id_idx').on(t.userId)],
);

export const graphClusters = pgTable(
  'graph_clusters',
  {
    userId: graphOwner(),
    id: text('id').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull(),
    size: integer('size').notNull(),
    keyThemes: jsonb('key_themes').$type<string[]>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.id] })],
);

export const graphSubclusters = pgTable(
  'graph_subclusters',
  {
    userId: graphOwner(),
    id: text('id').notNull(),
    clusterId: text('cluster_id').notNull(),
    nodeIds: jsonb('node_ids').$type<number[]>().notNull(),
    representativeNodeId: integer('representative_node_id').notNull(),
    size: integer('size').notNull(),
    density: doublePrecision('density').notNull(),
    topKeywords: jsonb('top_keywords').$type<string[]>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.id] })],
);

/** Summaries are kept per graph version; the newest one is the user's summary. */
export const graphSummaries = pgTable(
  'graph_summaries',
  {
    userId: text('user_id').notNull(),
    graphVersion: integer('graph_version').notNull(),
    taskId: text('task_id').notNull(),
    summary: jsonb('summary').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    /** Set by a (restorable) delete of the summary; a new summary of the graph replaces it. */
    deletedAt: timestamptz('deleted_at'),
  },
  (t) => [primaryKey({ columns: [t.userId, t.graphVersion] })],
);

export const SOURCE_KINDS = ['conversation', 'note'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/**
 * The user's imported sources. `graph_version` is the graph version that first
 * included the source; null means "imported since the last graph", which is
 * what an add-node job sends.
 */
export const sources = pgTable(
  'sources',
  {
    userId: text('user_id').notNull(),
    kind: text('kind').$type<SourceKind>().notNull(),
    id: text('id').notNull(),
    title: text('title'),
    content: jsonb('content').$type<unknown>().notNull(),
    /** A note's folder as the web client sent it (not checked: folders live elsewhere); null for conversations. */
    folderId: text('folder_id'),
    graphVersion: integer('graph_version'),
    importedAt: timestamptz('imported_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.kind, t.id] }),
    index('sources_pending_idx').on(t.userId).where(sql`${t.graphVersion} IS NULL`),
    // The pages a bundle streams (SourcesRepository.pageOfKind): one kind of the user's sources by import time.
    index('sources_user_kind_imported_idx').on(t.userId, t.kind, t.importedAt, t.id),
    check('sources_kind_check', sql`${t.kind} IN (${sqlList(SOURCE_KINDS)})`),
  ],
);

/**
 * Results that arrived after their job had already ended (timed out, cancelled,
 * or finished by an earlier result). Kept for operators; they never change the job.
 */
export const lateResults = pgTable(
  'late_results',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    taskId: text('task_id')
      .notNull()
      .references(() => jobs.taskId, { onDelete: 'cascade' }),
    taskType: text('task_type').notNull(),
    jobStatus: text('job_status').notNull(),
    envelope: jsonb('envelope').$type<Record<string, unknown>>().notNull(),
    receivedAt: timestamptz('received_at').notNull().defaultNow(),
  },
  (t) => [index('late_results_task_idx').on(t.taskId), index('late_results_received_at_idx').on(t.receivedAt)],
);

export type Job = typeof jobs.$inferSelect;
export type NewJob = typeof jobs.$inferInsert;
export type JobEventRow = typeof jobEvents.$inferSelect;
export type NewJobEventRow = typeof jobEvents.$inferInsert;
export type GraphRow = typeof graphs.$inferSelect;
export type GraphNodeRow = typeof graphNodes.$inferSelect;
export type GraphEdgeRow = typeof graphEdges.$inferSelect;
export type GraphClusterRow = typeof graphClusters.$inferSelect;
export type GraphSubclusterRow = typeof graphSubclusters.$inferSelect;
export type GraphSummaryRow = typeof graphSummaries.$inferSelect;
export type LateResultRow = typeof lateResults.$inferSelect;
export type SourceRow = typeof sources.$inferSelect;
export type NewSource = typeof sources.$inferInsert;
