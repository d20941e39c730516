import { HttpStatus } from '@nestjs/common';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, ValidateNested } from 'class-validator';
import { ApiException } from '../http/api.exception';
import { MAX_NOTES_PER_BULK } from './client-data.limits';
import { NoteCreateDto } from './note-create.dto';

/** `POST /v1/notes/bulk` (the SDK's NoteBulkCreateDto); an empty list creates nothing. */
export class NoteBulkCreateDto {
  @IsArray()
  @ArrayMaxSize(MAX_NOTES_PER_BULK)
  @ValidateNested({ each: true })
  @Type(() => NoteCreateDto)
  notes!: NoteCreateDto[];

  /** Before each note is validated: the count, as 400 VALIDATION_FAILED naming the field and the limit. */
  static precheck(body: unknown): void {
    const notes = (body as { notes?: unknown } | null | undefined)?.notes;
    if (!Array.isArray(notes) || notes.length <= MAX_NOTES_PER_BULK) return;
    throw new ApiException(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'The request is invalid', [
      `notes holds ${notes.length} notes; at most ${MAX_NOTES_PER_BULK} are accepted per request`,
    ]);
  }
}
