import { Body, Controller, Get, Post, Req, UseGuards } from '@nestjs/common';
import { SourcesRepository } from '@app/database';
import { type Request } from 'express';
import { type AuthenticatedUser } from '../auth/authenticated-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ApiEnvironment } from '../config/api.environment';
import { openExportUpload } from '../http/export-upload';
import { ImportNotesDto } from './import-notes.dto';
import { type ImportResult, SourcesService } from './sources.service';

interface SourceView {
  kind: string;
  id: string;
  title: string | null;
  importedAt: string;
  inGraph: boolean;
}

@Controller('v1/sources')
@UseGuards(JwtAuthGuard)
export class SourcesController {
  constructor(
    private readonly imports: SourcesService,
    private readonly sources: SourcesRepository,
    private readonly api: ApiEnvironment,
  ) {}

  @Get()
  async list(@CurrentUser() user: AuthenticatedUser): Promise<{ sources: SourceView[] }> {
    const rows = await this.sources.listAll(user.id);
    return {
      sources: rows.map((row) => ({ kind: row.kind, id: row.id, title: row.title, importedAt: row.importedAt.toISOString(), inGraph: row.graphVersion !== null })),
    };
  }

  /** A ChatGPT export (JSON array, or ChatGPT's .zip), streamed; each conversation becomes a source, keyed by its id. */
  @Post('conversations')
  async importConversations(@CurrentUser() user: AuthenticatedUser, @Req() request: Request): Promise<ImportResult> {
    const upload = openExportUpload(request, this.api.MAX_UPLOAD_BYTES);
    try {
      return await this.imports.importChatExport(user.id, upload.pieces);
    } finally {
      upload.release();
    }
  }

  @Post('notes')
  importNotes(@CurrentUser() user: AuthenticatedUser, @Body() body: ImportNotesDto): Promise<ImportResult> {
    return this.imports.importNotes(user.id, body.notes);
  }
}
