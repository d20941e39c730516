import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { CLIENT_ID_MESSAGE, CLIENT_ID_PATTERN, MAX_NOTE_TITLE_LENGTH } from './client-data.limits';

/** `POST /v1/notes` and each note of `POST /v1/notes/bulk` (the SDK's NoteCreateDto). */
export class NoteCreateDto {
  /** `note-<ULID>` when absent. */
  @IsOptional()
  @Matches(CLIENT_ID_PATTERN, { message: CLIENT_ID_MESSAGE })
  id?: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_NOTE_TITLE_LENGTH)
  title?: string | null;

  /** Markdown; may be empty. */
  @IsString()
  content!: string;

  /** Stored as given: folders live in the web client, nothing checks that this one exists. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  folderId?: string | null;
}
