import { Controller, HttpCode, HttpStatus, Post, Query, Req, UseGuards } from '@nestjs/common';
import { type Request } from 'express';
import { type AuthenticatedUser } from '../auth/authenticated-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ApiEnvironment } from '../config/api.environment';
import { readBody } from '../http/read-body';
import { type LaunchedJob } from '../jobs/job-launcher';
import { GraphGenerationOptionsDto } from './graph-generation-options.dto';
import { GraphGenerationService } from './graph-generation.service';

export const GENERATE_JSON_PATH = '/v1/graph-ai/test/generate-json';

@Controller('v1/graph-ai')
@UseGuards(JwtAuthGuard)
export class GraphAiController {
  constructor(
    private readonly generation: GraphGenerationService,
    private readonly api: ApiEnvironment,
  ) {}

  /** The export travels with the request; the body is read raw so its size is bounded and its bytes are stored as sent. */
  @Post('test/generate-json')
  @HttpCode(HttpStatus.ACCEPTED)
  async generateJson(
    @CurrentUser() user: AuthenticatedUser,
    @Req() request: Request,
    @Query() options: GraphGenerationOptionsDto,
  ): Promise<LaunchedJob> {
    const body = await readBody(request, this.api.MAX_UPLOAD_BYTES);
    return this.generation.generateFromExport(user.id, body, options);
  }
}
