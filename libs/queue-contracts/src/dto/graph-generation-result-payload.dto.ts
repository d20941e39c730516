import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString } from 'class-validator';
import { Required } from '../required.decorator';
import { RESULT_STATUSES, type ResultStatus } from '../result-status';

/**
 * GRAPH_GENERATION_RESULT (AI -> worker). Optional fields read as null when absent.
 * COMPLETED without resultS3Key still parses: it is legal on the wire and the
 * worker must treat it as a broken result, not a success.
 */
export class GraphGenerationResultPayload {
  @Required()
  @IsString()
  userId!: string;

  @Required()
  @IsIn(RESULT_STATUSES)
  status!: ResultStatus;

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

  /** On COMPLETED this means a partial failure (e.g. the summary failed). May hold raw provider text. */
  @IsOptional()
  @IsString()
  error: string | null = null;

  @IsOptional()
  @IsString()
  errorCode: string | null = null;

  @IsOptional()
  @IsString()
  chatId: string | null = null;
}
