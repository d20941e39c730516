import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';

/** Query options of POST /v1/graph-ai/test/generate-json. */
export class GraphGenerationOptionsDto {
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'includeSummary must be true or false' })
  includeSummary?: boolean;
}
