import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';

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
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => NoteDto)
  notes!: NoteDto[];
}
