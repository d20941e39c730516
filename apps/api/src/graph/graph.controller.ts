import { Controller, Get, Header, HttpStatus, Param, Query, UseGuards } from '@nestjs/common';
import { GraphRepository, type StoredGraph, type StoredGraphSummary } from '@app/database';
import { type AuthenticatedUser } from '../auth/authenticated-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ApiException } from '../http/api.exception';
import { GraphReadsService } from './graph-reads.service';
import { type GraphMetadataView, type GraphStatsView } from './graph.views';
import { ListGraphsQueryDto } from './list-graphs-query.dto';
import { MacroIdQueryDto } from './macro-id-query.dto';

@Controller('v1/graph')
@UseGuards(JwtAuthGuard)
export class GraphController {
  constructor(
    private readonly graphs: GraphRepository,
    private readonly reads: GraphReadsService,
  ) {}

  @Get()
  async get(@CurrentUser() user: AuthenticatedUser): Promise<StoredGraph> {
    const graph = await this.graphs.get(user.id);
    if (!graph) throw new ApiException(HttpStatus.NOT_FOUND, 'GRAPH_NOT_FOUND', 'No graph has been generated yet');
    return graph;
  }

  /** The newest summary of the user's graph. */
  @Get('summary')
  async summary(@CurrentUser() user: AuthenticatedUser): Promise<StoredGraphSummary> {
    const summary = await this.graphs.getSummary(user.id);
    if (!summary) throw new ApiException(HttpStatus.NOT_FOUND, 'SUMMARY_NOT_FOUND', 'No summary has been generated yet');
    return summary;
  }

  /** GraphStatsDto: counts and the status the job ledger and the graph row give. */
  @Get('stats')
  stats(@CurrentUser() user: AuthenticatedUser, @Query() query: MacroIdQueryDto): Promise<GraphStatsView> {
    return this.reads.stats(user.id, query.macroId);
  }

  /** GraphSnapshotDto, sent as the JSON text Postgres built (an error still leaves as problem+json). */
  @Get('snapshot')
  @Header('Content-Type', 'application/json; charset=utf-8')
  snapshot(@CurrentUser() user: AuthenticatedUser, @Query() query: MacroIdQueryDto): Promise<string> {
    return this.reads.snapshotJson(user.id, query.macroId);
  }

  @Get('graphs')
  async listGraphs(@CurrentUser() user: AuthenticatedUser, @Query() query: ListGraphsQueryDto): Promise<{ graphs: GraphMetadataView[] }> {
    return { graphs: await this.reads.list(user.id, query) };
  }

  @Get('graphs/:macroId')
  async graphMetadata(@CurrentUser() user: AuthenticatedUser, @Param('macroId') macroId: string): Promise<{ graph: GraphMetadataView }> {
    return { graph: await this.reads.metadata(user.id, macroId) };
  }
}
