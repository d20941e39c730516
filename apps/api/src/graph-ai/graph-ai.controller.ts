import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { type AuthenticatedUser } from '../auth/authenticated-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ApiEnvironment } from '../config/api.environment';
import { openExportUpload, WHOLE_EXPORT_BYTES } from '../http/export-upload';
import { AddNodeService } from './add-node.service';
import { DeleteQueryDto } from './delete-query.dto';
import { GenerateGraphDto } from './generate-graph.dto';
import { GraphGenerationOptionsDto } from './graph-generation-options.dto';
import { GraphGenerationService } from './graph-generation.service';
import { type GraphJobAccepted } from './graph-job-launcher';
import { GraphLifecycleService } from './graph-lifecycle.service';
import { GraphSummaryService } from './graph-summary.service';
import { MacroIdQueryDto } from '../graph/macro-id-query.dto';
import { type SkippedJob } from './skipped-job';
import { type GraphSummaryView } from './summary-view';

export const GENERATE_JSON_PATH = '/v1/graph-ai/test/generate-json';

/** 202 when a job was queued, 200 when there was nothing to do. */
function answer(response: Response, result: GraphJobAccepted | SkippedJob): GraphJobAccepted | SkippedJob {
  response.status(result.status === 'queued' ? HttpStatus.ACCEPTED : HttpStatus.OK);
  return result;
}

/** The SDK's graphAi routes. A `macroId` other than the user's one graph is 404 GRAPH_NOT_FOUND on each. */
@Controller('v1/graph-ai')
@UseGuards(JwtAuthGuard)
export class GraphAiController {
  constructor(
    private readonly generation: GraphGenerationService,
    private readonly addNode: AddNodeService,
    private readonly summary: GraphSummaryService,
    private readonly lifecycle: GraphLifecycleService,
    private readonly api: ApiEnvironment,
  ) {}

  /** A graph of the imported sources (a manual scopeFilter narrows them); 200 skipped without any, 409 (with taskId) while a graph job runs. */
  @Post('generate')
  async generate(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: GenerateGraphDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<GraphJobAccepted | SkippedJob> {
    return answer(response, await this.generation.generateFromSources(user.id, body));
  }

  /**
   * The export travels with the request (a JSON array, or ChatGPT's .zip); the
   * body is read raw, after authentication, and streamed to S3 while it is
   * checked, so memory stays flat and the bytes the gate checked are the bytes stored.
   */
  @Post('test/generate-json')
  @HttpCode(HttpStatus.ACCEPTED)
  async generateJson(
    @CurrentUser() user: AuthenticatedUser,
    @Req() request: Request,
    @Query() options: GraphGenerationOptionsDto,
  ): Promise<GraphJobAccepted> {
    const upload = openExportUpload(request, this.api.MAX_UPLOAD_BYTES);
    try {
      const conversations = await upload.toStore(WHOLE_EXPORT_BYTES);
      return await this.generation.generateFromExport(user.id, conversations, options.includeSummary);
    } finally {
      upload.release();
    }
  }

  /** Adds sources imported since the last graph; 404 without a graph, 200 skipped with nothing new. */
  @Post('add-node')
  async addNodes(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: MacroIdQueryDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<GraphJobAccepted | SkippedJob> {
    return answer(response, await this.addNode.addPendingSources(user.id, query.macroId));
  }

  /** 404 without a graph. */
  @Post('summary')
  @HttpCode(HttpStatus.ACCEPTED)
  requestSummary(@CurrentUser() user: AuthenticatedUser, @Query() query: MacroIdQueryDto): Promise<GraphJobAccepted> {
    return this.summary.summarize(user.id, query.macroId);
  }

  /** The newest summary (SDK GraphSummaryDto), an empty one when there is none. */
  @Get('summary')
  getSummary(@CurrentUser() user: AuthenticatedUser, @Query() query: MacroIdQueryDto): Promise<GraphSummaryView> {
    return this.summary.read(user.id, query.macroId);
  }

  /** 204, also without a graph; restorable unless permanent=true; 409 (with taskId) while a graph-ai job runs. */
  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  deleteGraph(@CurrentUser() user: AuthenticatedUser, @Query() query: DeleteQueryDto): Promise<void> {
    return this.lifecycle.deleteGraph(user.id, query);
  }

  /** 404 when no graph was deleted within GRAPH_RESTORE_WINDOW_SECONDS. */
  @Post('restore')
  @HttpCode(HttpStatus.OK)
  restoreGraph(@CurrentUser() user: AuthenticatedUser, @Query() query: MacroIdQueryDto): Promise<{ message: string }> {
    return this.lifecycle.restoreGraph(user.id, query.macroId);
  }

  /** 204, also without a summary; restorable unless permanent=true. */
  @Delete('summary')
  @HttpCode(HttpStatus.NO_CONTENT)
  deleteSummary(@CurrentUser() user: AuthenticatedUser, @Query() query: DeleteQueryDto): Promise<void> {
    return this.lifecycle.deleteSummary(user.id, query);
  }

  /** 404 when no summary was deleted within GRAPH_RESTORE_WINDOW_SECONDS. */
  @Post('summary/restore')
  @HttpCode(HttpStatus.OK)
  restoreSummary(@CurrentUser() user: AuthenticatedUser, @Query() query: MacroIdQueryDto): Promise<{ message: string }> {
    return this.lifecycle.restoreSummary(user.id, query.macroId);
  }
}
