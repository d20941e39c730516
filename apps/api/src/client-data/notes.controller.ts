import { Body, Controller, Post, Res, UseGuards } from '@nestjs/common';
import { type Response } from 'express';
import { type AuthenticatedUser } from '../auth/authenticated-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { NoteBulkCreateDto } from './note-bulk-create.dto';
import { NoteCreateDto } from './note-create.dto';
import { type NoteView } from './note.view';
import { NotesService } from './notes.service';

/** The SDK's `note.createNote` and `note.bulkCreate`: bodies pass the 1 MiB JSON gate (413 beyond). */
@Controller('v1/notes')
@UseGuards(JwtAuthGuard)
export class NotesController {
  constructor(private readonly notes: NotesService) {}

  /** 201 with the note and `Location: /v1/notes/{id}`. */
  @Post()
  async create(@CurrentUser() user: AuthenticatedUser, @Body() body: NoteCreateDto, @Res({ passthrough: true }) response: Response): Promise<NoteView> {
    const created = await this.notes.create(user.id, body);
    response.setHeader('Location', `/v1/notes/${encodeURIComponent(created.id)}`);
    return created;
  }

  /** 201 `{notes}`; an empty list gives `{notes: []}`. */
  @Post('bulk')
  async createMany(@CurrentUser() user: AuthenticatedUser, @Body() body: NoteBulkCreateDto): Promise<{ notes: NoteView[] }> {
    return { notes: await this.notes.createMany(user.id, body.notes) };
  }
}
