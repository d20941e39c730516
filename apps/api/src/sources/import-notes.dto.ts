import { HttpStatus } from '@nestjs/common';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { ApiException } from '../http/api.exception';
import { duplicateIds } from '../http/duplicate-ids';

/** Most notes one request may import (the body is at most 1 MiB anyway). */
export const MAX_NOTES_PER_REQUEST = 1000;

export class NoteDto {
  /** Stable id of the note in the user's notes app; re-importing the same id refreshes it. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.:-]{1,128}$/, { message: 'id may only contain letters, digits and _ . : - (at most 128)' })
  id?: string;

  @IsString()
  @MinLength(1)
  @MaxLength(500)
  title!: string;

  @IsString()
  @MaxLength(200_000)
  content!: string;
}

export class ImportNotesDto {
  @IsArray()
  @ArrayMinSize(1, { message: 'notes must contain at least one note' })
  @ArrayMaxSize(MAX_NOTES_PER_REQUEST)
  @ValidateNested({ each: true })
  @Type(() => NoteDto)
  notes!: NoteDto[];

  /** Before each note is validated: the count (400 TOO_MANY_NOTES) and ids given twice (400 DUPLICATE_ID). */
  static precheck(body: unknown): void {
    const notes = (body as { notes?: unknown } | null | undefined)?.notes;
    if (!Array.isArray(notes)) return;
    if (notes.length > MAX_NOTES_PER_REQUEST) {
      throw new ApiException(HttpStatus.BAD_REQUEST, 'TOO_MANY_NOTES', `The request holds ${notes.length} notes; at most ${MAX_NOTES_PER_REQUEST} are accepted per request`);
    }
    const repeated = duplicateIds(notes, 'notes');
    if (repeated.length > 0) throw new ApiException(HttpStatus.BAD_REQUEST, 'DUPLICATE_ID', 'Two or more notes of the request have the same id', repeated);
  }
}
