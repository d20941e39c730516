import { Injectable } from '@nestjs/common';
import { SourcesRepository } from '@app/database';
import { ulid } from 'ulid';
import { duplicateIds } from '../http/duplicate-ids';
import { bulkNoteTitle, noteTitle } from './derived-titles';
import { refuseRepeatedIds, storeNewSources, type StoredRefusal } from './new-sources';
import { type NoteCreateDto } from './note-create.dto';
import { type ClientNote, type NoteView, toNoteView } from './note.view';

const exists = (field: StoredRefusal['field'], detail: string): StoredRefusal => ({ code: 'NOTE_EXISTS', detail, field });

/**
 * The web client's notes, stored as note sources (content = the Markdown) with
 * their folder. Insert only: an id the user already has, or one given twice,
 * is a 409 and nothing of the request is stored.
 */
@Injectable()
export class NotesService {
  constructor(private readonly sources: SourcesRepository) {}

  async create(userId: string, dto: NoteCreateDto): Promise<NoteView> {
    const note = settle(dto, noteTitle(dto.title));
    const importedAt = await storeNewSources(this.sources, userId, [rowOf(note)], exists(() => 'id', 'A note with this id is already stored'));
    return toNoteView(note, importedAt);
  }

  /** A missing title is made from the first line of the content. */
  async createMany(userId: string, dtos: readonly NoteCreateDto[]): Promise<NoteView[]> {
    refuseRepeatedIds(duplicateIds(dtos, 'notes'), 'Two or more notes of the request have the same id');
    const notes = dtos.map((dto) => settle(dto, bulkNoteTitle(dto.title, dto.content)));
    const refusal = exists((position) => `notes[${position}].id`, 'One or more notes of the request are already stored');
    const importedAt = await storeNewSources(this.sources, userId, notes.map(rowOf), refusal);
    return notes.map((note) => toNoteView(note, importedAt));
  }
}

function settle(dto: NoteCreateDto, title: string): ClientNote {
  return { id: dto.id ?? `note-${ulid()}`, title, content: dto.content, folderId: dto.folderId ?? null };
}

const rowOf = (note: ClientNote) => ({ kind: 'note' as const, id: note.id, title: note.title, content: note.content, folderId: note.folderId });
