import { IsOptional, IsString } from 'class-validator';

/** `?macroId=` of every route that takes one: the user's one graph when absent; any other value is 404 (assertOwnMacroId). */
export class MacroIdQueryDto {
  @IsOptional()
  @IsString({ message: 'macroId must be a single string' })
  macroId?: string;
}
