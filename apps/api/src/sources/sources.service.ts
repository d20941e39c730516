import { Injectable } from '@nestjs/common';
import { type SourceImport, SourcesRepository } from '@app/database';
import { ulid } from 'ulid';
import { checkChatExport } from '../http/chat-export-body';
import { type NoteDto } from './import-notes.dto';

export interface ImportResult {
  readonly imported: number;
  readonly ids: readonly string[];
}

/** Imports the user's conversations and notes; graphs are built from them later. */
@Injectable()
export class SourcesService {
  constructor(private readonly sources: SourcesRepository) {}

  /**
   * `exported`: the parsed upload, as the JSON gate let it through; stored as is
   * (no byte was replaced), with a derived id on each conversation sent without one.
   */
  async importChatExport(userId: string, exported: unknown): Promise<ImportResult> {
    const rows: SourceImport[] = checkChatExport(exported).conversations.map((conversation) => ({
      kind: 'conversation',
      id: String(conversation.id),
      title: typeof conversation.title === 'string' ? conversation.title : null,
      content: conversation,
    }));
    return { imported: await this.sources.upsert(userId, rows), ids: rows.map((row) => row.id) };
  }

  async importNotes(userId: string, notes: readonly NoteDto[]): Promise<ImportResult> {
    const rows: SourceImport[] = notes.map((note) => ({ kind: 'note', id: note.id ?? `note-${ulid()}`, title: note.title, content: note.content }));
    return { imported: await this.sources.upsert(userId, rows), ids: rows.map((row) => row.id) };
  }
}
