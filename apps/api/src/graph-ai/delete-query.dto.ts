import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { MacroIdQueryDto } from '../graph/macro-id-query.dto';

/** `?permanent=true&macroId=` of the graph-ai deletes; without permanent=true the delete can be restored. */
export class DeleteQueryDto extends MacroIdQueryDto {
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'permanent must be true or false' })
  permanent?: boolean;
}
