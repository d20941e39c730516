import { Controller, Get, HttpStatus, UseGuards } from '@nestjs/common';
import { GraphRepository, type StoredGraph, type StoredGraphSummary } from '@app/database';
import { type AuthenticatedUser } from '../auth/authenticated-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ApiException } from '../http/api.exception';

@Controller('v1/graph')
@UseGuards(JwtAuthGuard)
export class GraphController {
  constructor(private readonly graphs: GraphRepository) {}

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
}
