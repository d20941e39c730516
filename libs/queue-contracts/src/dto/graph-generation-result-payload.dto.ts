import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString } from 'class-validator';
import { AiResultPayload } from './ai-result-payload.dto';

/**
 * GRAPH_GENERATION_RESULT (AI -> worker). Optional fields read as null when absent.
 * COMPLETED without resultS3Key still parses: it is legal on the wire and the
 * worker must treat it as a broken result, not a success.
 */
export class GraphGenerationResultPayload extends AiResultPayload {
  @IsOptional()
  @IsString()
  resultS3Key: string | null = null;

  @IsOptional()
  @IsString()
  featuresS3Key: string | null = null;

  @IsOptional()
  @IsString()
  summaryS3Key: string | null = null;

  /** pydantic default false; an explicit null is read as false too. */
  @Transform(({ value }: { value: unknown }) => value ?? false)
  @IsBoolean()
  summaryIncluded: boolean = false;

  @IsOptional()
  @IsString()
  errorCode: string | null = null;

  @IsOptional()
  @IsString()
  chatId: string | null = null;
}
