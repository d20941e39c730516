import { Injectable } from '@nestjs/common';
import { DatabaseService, type SourceImport, SourcesRepository } from '@app/database';
import { ulid } from 'ulid';
import { type ExportPiece } from '../http/export-stream';
import { type NoteDto } from './import-notes.dto';

/** Rows per upsert while an export streams in: each statement stays small, and so does what is held in memory. */
const BATCH_ROWS = 200;
const BATCH_BYTES = 4 * 1024 * 1024;

export interface ImportResult {
  readonly imported: number;
  readonly ids: readonly string[];
}

/** Imports the user's conversations and notes; graphs are built from them later. */
@Injectable()
export class SourcesService {
  constructor(
    private readonly sources: SourcesRepository,
    private readonly database: DatabaseService,
  ) {}

  /**
   * `pieces`: the export as checkedExport lets it through, one conversation at
   * a time; each is stored as sent (no byte was replaced), with a derived id if
   * it came without one. Batches are written as they fill, all in one
   * transaction: an export refused at any point (or a client gone) stores nothing.
   */
  importChatExport(userId: string, pieces: AsyncIterable<ExportPiece>): Promise<ImportResult> {
    return this.database.transaction(async (tx) => {
      const ids: string[] = [];
      let imported = 0;
      let batch: SourceImport[] = [];
      let batchBytes = 0;
      for await (const { bytes, conversation } of pieces) {
        if (!conversation) continue;
        batch.push(conversationRow(conversation));
        batchBytes += bytes.length;
        if (batch.length < BATCH_ROWS && batchBytes < BATCH_BYTES) continue;
        imported += await this.sources.upsert(userId, batch, tx);
        ids.push(...batch.map((row) => row.id));
        batch = [];
        batchBytes = 0;
      }
      imported += await this.sources.upsert(userId, batch, tx);
      ids.push(...batch.map((row) => row.id));
      return { imported, ids };
    });
  }

  async importNotes(userId: string, notes: readonly NoteDto[]): Promise<ImportResult> {
    const rows: SourceImport[] = notes.map((note) => ({ kind: 'note', id: note.id ?? `note-${ulid()}`, title: note.title, content: note.content }));
    return { imported: await this.sources.upsert(userId, rows), ids: rows.map((row) => row.id) };
  }
}

function conversationRow(conversation: Record<string, unknown>): SourceImport {
  return { kind: 'conversation', id: String(conversation.id), title: typeof conversation.title === 'string' ? conversation.title : null, content: conversation };
}
