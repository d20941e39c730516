import { Injectable } from '@nestjs/common';
import { asc, desc, eq, sql } from 'drizzle-orm';
import { type PgTable } from 'drizzle-orm/pg-core';
import { DatabaseService } from './database.service';
import { type GraphWrite, type StoredGraph, type StoredGraphSummary } from './graph.types';
import { type Db } from './open-database';
import { graphClusters, graphEdges, graphNodes, graphs, graphSubclusters, graphSummaries } from './schema';

/** Rows per INSERT: well below Postgres' 65535 bind parameters for every graph table. */
const CHUNK = 1000;

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

  /** One consistent snapshot of the user's graph, or undefined when there is none. */
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
        set: { taskId, summary, createdAt: sql`now()` },
      });
  }

  /** The summary of the newest graph version that has one. */
  async getSummary(userId: string, tx?: Db): Promise<StoredGraphSummary | undefined> {
    const [row] = await (tx ?? this.database.db)
      .select()
      .from(graphSummaries)
      .where(eq(graphSummaries.userId, userId))
      .orderBy(desc(graphSummaries.graphVersion))
      .limit(1);
    if (!row) return undefined;
    return { graphVersion: row.graphVersion, taskId: row.taskId, summary: row.summary, createdAt: row.createdAt.toISOString() };
  }

  private async write(db: Db, userId: string, taskId: string, graph: GraphWrite): Promise<number> {
    const generatedAt = graph.generatedAt === null ? null : new Date(graph.generatedAt);
    // Upsert first: the row lock serializes concurrent replaces of one user.
    const [{ version }] = await db
      .insert(graphs)
      .values({ userId, version: 1, taskId, generatedAt, metadata: graph.metadata })
      .onConflictDoUpdate({
        target: graphs.userId,
        set: { version: sql`${graphs.version} + 1`, taskId, generatedAt, metadata: graph.metadata, updatedAt: sql`now()` },
      })
      .returning({ version: graphs.version });
    for (const table of [graphNodes, graphEdges, graphClusters, graphSubclusters]) {
      await db.delete(table).where(eq(table.userId, userId));
    }
    await insertChunked(db, graphNodes, graph.nodes.map((node) => ({ ...node, userId })));
    await insertChunked(db, graphEdges, graph.edges.map((edge) => ({ ...edge, userId })));
    await insertChunked(db, graphClusters, graph.clusters.map((cluster) => ({ ...cluster, userId })));
    await insertChunked(db, graphSubclusters, graph.subclusters.map((subcluster) => ({ ...subcluster, userId })));
    return version;
  }

  private async read(db: Db, userId: string): Promise<StoredGraph | undefined> {
    const [graph] = await db.select().from(graphs).where(eq(graphs.userId, userId));
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

async function insertChunked<T extends PgTable>(db: Db, table: T, rows: T['$inferInsert'][]): Promise<void> {
  for (let start = 0; start < rows.length; start += CHUNK) {
    await db.insert(table).values(rows.slice(start, start + CHUNK));
  }
}
