import { Body, Controller, HttpCode, HttpStatus, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { type AuthenticatedUser } from '../auth/authenticated-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ApiEnvironment } from '../config/api.environment';
import { readJsonUpload } from '../http/json-body';
import { type LaunchedJob } from '../jobs/job-launcher';
import { AddNodeService } from './add-node.service';
import { GenerateGraphDto } from './generate-graph.dto';
import { GraphGenerationOptionsDto } from './graph-generation-options.dto';
import { GraphGenerationService } from './graph-generation.service';
import { GraphSummaryService } from './graph-summary.service';
import { type SkippedJob } from './skipped-job';

export const GENERATE_JSON_PATH = '/v1/graph-ai/test/generate-json';

/** 202 when a job was queued, 200 when there was nothing to do. */
function answer(response: Response, result: LaunchedJob | SkippedJob): LaunchedJob | SkippedJob {
  response.status(result.status === 'queued' ? HttpStatus.ACCEPTED : HttpStatus.OK);
  return result;
}

@Controller('v1/graph-ai')
@UseGuards(JwtAuthGuard)
export class GraphAiController {
  constructor(
    private readonly generation: GraphGenerationService,
    private readonly addNode: AddNodeService,
    private readonly summary: GraphSummaryService,
    private readonly api: ApiEnvironment,
  ) {}

  /** A graph of every imported source; 200 skipped without sources, 409 while a graph job runs. */
  @Post('generate')
  async generate(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: GenerateGraphDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LaunchedJob | SkippedJob> {
    return answer(response, await this.generation.generateFromSources(user.id, body.includeSummary));
  }

  /** The export travels with the request; the body is read raw (after authentication) so its size is bounded and the bytes the gate checked are the bytes stored. */
  @Post('test/generate-json')
  @HttpCode(HttpStatus.ACCEPTED)
  async generateJson(
    @CurrentUser() user: AuthenticatedUser,
    @Req() request: Request,
    @Query() options: GraphGenerationOptionsDto,
  ): Promise<LaunchedJob> {
    const upload = await readJsonUpload(request, this.api.MAX_UPLOAD_BYTES);
    return this.generation.generateFromExport(user.id, upload, options.includeSummary);
  }

  /** Adds sources imported since the last graph; 404 without a graph, 200 skipped with nothing new. */
  @Post('add-node')
  async addNodes(@CurrentUser() user: AuthenticatedUser, @Res({ passthrough: true }) response: Response): Promise<LaunchedJob | SkippedJob> {
    return answer(response, await this.addNode.addPendingSources(user.id));
  }

  /** 404 without a graph. */
  @Post('summary')
  @HttpCode(HttpStatus.ACCEPTED)
  requestSummary(@CurrentUser() user: AuthenticatedUser): Promise<LaunchedJob> {
    return this.summary.summarize(user.id);
  }
}
