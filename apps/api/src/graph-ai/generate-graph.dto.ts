import { IsBoolean, IsOptional } from 'class-validator';

/** Body of POST /v1/graph-ai/generate. */
export class GenerateGraphDto {
  @IsOptional()
  @IsBoolean({ message: 'includeSummary must be true or false' })
  includeSummary?: boolean;
}
