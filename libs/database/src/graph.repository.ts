import { Injectable } from '@nestjs/common';
import { and, asc, desc, eq, getTableColumns, inArray, isNull, max, or, sql } from 'drizzle-orm';
import { type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import { DatabaseService } from './database.service';
import {
  type GraphAppend,
  type GraphHead,
  type GraphMergeBase,
  type GraphWrite,
  type SourceRef,
  type StoredGraph,
  type StoredGraphSummary,
} from './graph.types';
import { type Db } from './open-database';
import {
  graphClusters,
  graphEdges,
  graphNodes,
  graphs,
  graphSubclusters,
  graphSummaries,
  type GraphSummaryRow,
  jobs,
  sources,
} from './schema';

/**
 * Rows per INSERT. Each column travels as one array parameter (insertChunked),
 * so a statement binds one parameter per column (at most 11, far below
 * Postgres' 65535) whatever its rows; the chunk only bounds the memory of one
 * statement's arrays.
 */
const CHUNK = 10_000;

/** Namespace of the per-user graph write lock (two-int advisory key space; the event log uses another). */
const GRAPH_LOCK_CLASS = 0x67726170;

/** The user's stored graph and its summaries. */
@Injectable()
export class GraphRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * Replaces the user's whole graph and returns its new version. Runs in its
   * own transaction, or in a savepoint of `tx`, so a failure leaves the
   * previous graph as it was.
   */
  replace(userId: string, taskId: string, graph: GraphWrite, tx?: Db): Promise<number> {
    return (tx ?? this.database.db).transaction((db) => this.write(db, userId, taskId, graph));
  }

  /**
   * Takes the user's graph write lock until `tx` ends. Every writer of a
   * user's graph (replace, merge, summary) takes it first, so two results for
   * one user never interleave, even before the user has a graphs row to lock.
   */
  async lockUser(userId: string, tx: Db): Promise<void> {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${GRAPH_LOCK_CLASS}, hashtext(${userId}))`);
  }

  /** Version and writer of the user's graph (with the writing job's creation time), or undefined. */
  async head(userId: string, tx?: Db): Promise<GraphHead | undefined> {
    const [row] = await (tx ?? this.database.db)
      .select({ version: graphs.version, taskId: graphs.taskId, jobCreatedAt: jobs.createdAt })
      .from(graphs)
      .leftJoin(jobs, eq(jobs.taskId, graphs.taskId))
      .where(and(eq(graphs.userId, userId), isNull(graphs.deletedAt)));
    return row;
  }

  /**
   * Locks the user's graphs row (FOR UPDATE) and reads what a merge needs:
   * the next free node id and the cluster ids. Undefined when there is no
   * graph (a deleted graph is none: nothing merges into it).
   */
  async lockForMerge(userId: string, tx: Db): Promise<GraphMergeBase | undefined> {
    const [graph] = await tx
      .select({ version: graphs.version, generationVersion: graphs.generationVersion, taskId: graphs.taskId })
      .from(graphs)
      .where(and(eq(graphs.userId, userId), isNull(graphs.deletedAt)))
      .for('update');
    if (!graph) return undefined;
    const [job] = await tx.select({ createdAt: jobs.createdAt }).from(jobs).where(eq(jobs.taskId, graph.taskId));
    const [top] = await tx.select({ maxId: max(graphNodes.id) }).from(graphNodes).where(eq(graphNodes.userId, userId));
    const clusters = await tx.select({ id: graphClusters.id }).from(graphClusters).where(eq(graphClusters.userId, userId));
    return {
      ...graph,
      jobCreatedAt: job?.createdAt ?? null,
      nextNodeId: top?.maxId == null ? 0 : top.maxId + 1,
      clusterIds: clusters.map((cluster) => cluster.id),
    };
  }

  /** Which of `ids` are node ids of the user's graph. */
  async existingNodeIds(userId: string, ids: readonly number[], tx?: Db): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const rows = await (tx ?? this.database.db)
      .select({ id: graphNodes.id })
      .from(graphNodes)
      .where(and(eq(graphNodes.userId, userId), inArray(graphNodes.id, [...new Set(ids)])));
    return new Set(rows.map((row) => row.id));
  }

  /**
   * Appends nodes, edges and clusters to the user's graph, grows existing
   * clusters and bumps the version; returns the new version. The caller holds
   * the graphs row lock (lockForMerge) in `tx`, so node ids it allocated are free.
   */
  append(userId: string, taskId: string, addition: GraphAppend, tx: Db): Promise<number> {
    return tx.transaction(async (db) => {
      const [bumped] = await db
        .update(graphs)
        .set({ version: sql`${graphs.version} + 1`, taskId, updatedAt: sql`now()` })
        .where(eq(graphs.userId, userId))
        .returning({ version: graphs.version });
      if (!bumped) throw new Error(`user ${userId} has no graph to append to`);
      await insertChunked(db, graphNodes, userId, addition.nodes);
      await insertChunked(db, graphEdges, userId, addition.edges);
      await insertChunked(db, graphClusters, userId, addition.newClusters);
      for (const [clusterId, added] of Object.entries(addition.clusterGrowth)) {
        await db
          .update(graphClusters)
          .set({ size: sql`${graphClusters.size} + ${added}` })
          .where(and(eq(graphClusters.userId, userId), eq(graphClusters.id, clusterId)));
      }
      return bumped.version;
    });
  }

  /**
   * Records that graph `version` first included these sources: sets
   * `graph_version` where it is still null. Returns how many rows changed.
   */
  async markSourcesIncluded(userId: string, version: number, sourceIds: readonly SourceRef[], tx?: Db): Promise<number> {
    if (sourceIds.length === 0) return 0;
    const matches = sourceIds.map((source) => and(eq(sources.kind, source.kind), eq(sources.id, source.id)));
    const rows = await (tx ?? this.database.db)
      .update(sources)
      .set({ graphVersion: version })
      .where(and(eq(sources.userId, userId), isNull(sources.graphVersion), or(...matches)))
      .returning({ id: sources.id });
    return rows.length;
  }

  /** One consistent snapshot of the user's graph, or undefined when there is none (or it is deleted). */
  get(userId: string, tx?: Db): Promise<StoredGraph | undefined> {
    const read = (db: Db) => this.read(db, userId);
    return tx ? read(tx) : this.database.db.transaction(read, { isolationLevel: 'repeatable read', accessMode: 'read only' });
  }

  /** Stores the summary of one graph version; a redelivered result overwrites it. */
  async saveSummary(userId: string, graphVersion: number, taskId: string, summary: Record<string, unknown>, tx?: Db): Promise<void> {
    await (tx ?? this.database.db)
      .insert(graphSummaries)
      .values({ userId, graphVersion, taskId, summary })
      .onConflictDoUpdate({
        target: [graphSummaries.userId, graphSummaries.graphVersion],
        set: { taskId, summary, createdAt: sql`now()`, deletedAt: null },
      });
  }

  /** The summary of the newest graph version that has one (neither it nor the graph deleted). */
  async getSummary(userId: string, tx?: Db): Promise<StoredGraphSummary | undefined> {
    const [row] = await (tx ?? this.database.db)
      .select({ summary: graphSummaries })
      .from(graphSummaries)
      .leftJoin(graphs, eq(graphs.userId, graphSummaries.userId))
      .where(and(eq(graphSummaries.userId, userId), isNull(graphSummaries.deletedAt), isNull(graphs.deletedAt)))
      .orderBy(desc(graphSummaries.graphVersion))
      .limit(1);
    return row && toStoredSummary(row.summary);
  }

  /** The summary of one graph version, if it has one. */
  async getSummaryOf(userId: string, graphVersion: number, tx?: Db): Promise<StoredGraphSummary | undefined> {
    const [row] = await (tx ?? this.database.db)
      .select()
      .from(graphSummaries)
      .where(and(eq(graphSummaries.userId, userId), eq(graphSummaries.graphVersion, graphVersion)));
    return row && toStoredSummary(row);
  }

  private async write(db: Db, userId: string, taskId: string, graph: GraphWrite): Promise<number> {
    const generatedAt = graph.generatedAt === null ? null : new Date(graph.generatedAt);
    // Upsert first: the row lock serializes concurrent replaces of one user.
    const [{ version }] = await db
      .insert(graphs)
      .values({ userId, version: 1, generationVersion: 1, taskId, generatedAt, metadata: graph.metadata })
      .onConflictDoUpdate({
        target: graphs.userId,
        set: {
          version: sql`${graphs.version} + 1`,
          generationVersion: sql`${graphs.version} + 1`,
          taskId,
          generatedAt,
          metadata: graph.metadata,
          updatedAt: sql`now()`,
          deletedAt: null,
        },
      })
      .returning({ version: graphs.version });
    for (const table of [graphNodes, graphEdges, graphClusters, graphSubclusters]) {
      await db.delete(table).where(eq(table.userId, userId));
    }
    await insertChunked(db, graphNodes, userId, graph.nodes);
    await insertChunked(db, graphEdges, userId, graph.edges);
    await insertChunked(db, graphClusters, userId, graph.clusters);
    await insertChunked(db, graphSubclusters, userId, graph.subclusters);
    return version;
  }

  private async read(db: Db, userId: string): Promise<StoredGraph | undefined> {
    const [graph] = await db
      .select()
      .from(graphs)
      .where(and(eq(graphs.userId, userId), isNull(graphs.deletedAt)));
    if (!graph) return undefined;
    const nodes = await db.select().from(graphNodes).where(eq(graphNodes.userId, userId)).orderBy(asc(graphNodes.id));
    const edges = await db.select().from(graphEdges).where(eq(graphEdges.userId, userId)).orderBy(asc(graphEdges.id));
    const clusters = await db.select().from(graphClusters).where(eq(graphClusters.userId, userId)).orderBy(asc(graphClusters.id));
    const subclusters = await db
      .select()
      .from(graphSubclusters)
      .where(eq(graphSubclusters.userId, userId))
      .orderBy(asc(graphSubclusters.id));
    return {
      version: graph.version,
      taskId: graph.taskId,
      generatedAt: graph.generatedAt?.toISOString() ?? null,
      metadata: graph.metadata,
      nodes: nodes.map(({ userId: _owner, ...node }) => node),
      edges: edges.map(({ userId: _owner, id: _id, ...edge }) => edge),
      clusters: clusters.map(({ userId: _owner, ...cluster }) => cluster),
      subclusters: subclusters.map(({ userId: _owner, ...subcluster }) => subcluster),
    };
  }
}

function toStoredSummary(row: GraphSummaryRow): StoredGraphSummary {
  return { graphVersion: row.graphVersion, taskId: row.taskId, summary: row.summary, createdAt: row.createdAt.toISOString() };
}

/** A graph table's columns that rows carry (all but the owner and generated ones such as graph_edges.id), in table order. */
function rowColumns(table: PgTable): [string, PgColumn][] {
  return Object.entries(getTableColumns(table)).filter(([key, column]) => key !== 'userId' && !column.hasDefault);
}

/**
 * Inserts the user's rows of one graph table, CHUNK rows per statement:
 * `INSERT ... SELECT $owner, c0, c1, ... FROM unnest($c0::type[], ...) WITH
 * ORDINALITY ... ORDER BY ord`, one array parameter per column. Rows keep their
 * order (graph_edges.id follows it, and reads order by it); nothing is copied
 * per row beyond one chunk's column arrays. jsonb columns travel as text[] of
 * JSON (an array value would otherwise read as another array dimension).
 */
async function insertChunked<T extends PgTable>(db: Db, table: T, userId: string, rows: readonly Omit<T['$inferInsert'], 'userId'>[]): Promise<void> {
  const columns = rowColumns(table);
  const owner = getTableColumns(table).userId;
  const isJson = (column: PgColumn) => column.getSQLType() === 'jsonb';
  const names = sql.join(columns.map(([, column]) => sql.identifier(column.name)), sql`, `);
  const aliases = columns.map((_, index) => sql.identifier(`c${index}`));
  const selected = sql.join(columns.map(([, column], index) => (isJson(column) ? sql`${aliases[index]}::jsonb` : aliases[index])), sql`, `);
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK) as readonly Record<string, unknown>[];
    const arrays = columns.map(([key, column]) => {
      const values = chunk.map((row) => (row[key] === null || row[key] === undefined ? null : column.mapToDriverValue(row[key])));
      return sql`${sql.param(values)}::${sql.raw(isJson(column) ? 'text' : column.getSQLType())}[]`;
    });
    await db.execute(sql`
      INSERT INTO ${table} (${sql.identifier(owner.name)}, ${names})
      SELECT ${userId}::text, ${selected}
      FROM unnest(${sql.join(arrays, sql`, `)}) WITH ORDINALITY AS rows(${sql.join(aliases, sql`, `)}, ord)
      ORDER BY ord`);
  }
}
