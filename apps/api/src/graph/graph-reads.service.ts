import { HttpStatus, Injectable } from '@nestjs/common';
import { GraphReadsRepository } from '@app/database';
import { ApiException } from '../http/api.exception';
import { visibleGraph } from './graph-status';
import { type GraphMetadataView, type GraphStatsView, toMetadataView, toSnapshotJson, toStatsView } from './graph.views';
import { type ListGraphsQueryDto } from './list-graphs-query.dto';
import { assertOwnMacroId } from './macro-id';

/** The web client's reads of the user's one graph: stats, snapshot and graph metadata. */
@Injectable()
export class GraphReadsService {
  constructor(private readonly reads: GraphReadsRepository) {}

  async stats(userId: string, macroId: string | undefined): Promise<GraphStatsView> {
    assertOwnMacroId(userId, macroId);
    return toStatsView(userId, await this.reads.facts(userId));
  }

  /** GraphSnapshotDto as JSON text, built in Postgres from one repeatable-read snapshot. */
  async snapshotJson(userId: string, macroId: string | undefined): Promise<string> {
    assertOwnMacroId(userId, macroId);
    return toSnapshotJson(userId, await this.reads.snapshot(userId));
  }

  /**
   * The user's graph, or with onlyDeleted the deleted one: at most one, so
   * every sort order is already satisfied.
   */
  async list(userId: string, query: ListGraphsQueryDto): Promise<GraphMetadataView[]> {
    const facts = await this.reads.facts(userId);
    const graph = facts.graph;
    if (!graph || (graph.deletedAt !== null) !== (query.onlyDeleted ?? false)) return [];
    return [toMetadataView(userId, facts, graph)];
  }

  /** 404 GRAPH_NOT_FOUND for another user's macroId and while the user has no graph (a deleted one is none). */
  async metadata(userId: string, macroId: string): Promise<GraphMetadataView> {
    assertOwnMacroId(userId, macroId);
    const facts = await this.reads.facts(userId);
    const graph = visibleGraph(facts);
    if (!graph) throw new ApiException(HttpStatus.NOT_FOUND, 'GRAPH_NOT_FOUND', `No graph ${macroId}`);
    return toMetadataView(userId, facts, graph);
  }
}
