import { Type } from 'class-transformer';
import { IsBoolean, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { ScopeFilterDto } from './scope-filter.dto';

export const MAX_GRAPH_TITLE_LENGTH = 200;
export const MAX_GRAPH_DESCRIPTION_LENGTH = 2000;
export const MAX_MACRO_ID_LENGTH = 200;

/** Body of POST /v1/graph-ai/generate (SDK 0.2.29's GenerateGraphOptions); unknown members are stripped. */
export class GenerateGraphDto {
  @IsOptional()
  @IsBoolean({ message: 'includeSummary must be true or false' })
  includeSummary?: boolean;

  /** The user's one graph (macroIdOf); any other is 404. */
  @IsOptional()
  @IsString({ message: 'macroId must be a string' })
  @MaxLength(MAX_MACRO_ID_LENGTH, { message: `macroId may be at most ${MAX_MACRO_ID_LENGTH} characters` })
  macroId?: string;

  @IsOptional()
  @IsObject({ message: 'scopeFilter must be an object' })
  @ValidateNested()
  @Type(() => ScopeFilterDto)
  scopeFilter?: ScopeFilterDto;

  @IsOptional()
  @IsString({ message: 'title must be a string' })
  @MaxLength(MAX_GRAPH_TITLE_LENGTH, { message: `title may be at most ${MAX_GRAPH_TITLE_LENGTH} characters` })
  title?: string;

  @IsOptional()
  @IsString({ message: 'description must be a string' })
  @MaxLength(MAX_GRAPH_DESCRIPTION_LENGTH, { message: `description may be at most ${MAX_GRAPH_DESCRIPTION_LENGTH} characters` })
  description?: string;
}
