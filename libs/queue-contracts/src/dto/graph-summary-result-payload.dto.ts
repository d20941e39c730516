import { IsIn, IsOptional, IsString } from 'class-validator';
import { Required } from '../required.decorator';
import { RESULT_STATUSES, type ResultStatus } from '../result-status';

/** GRAPH_SUMMARY_RESULT (AI -> worker). Optional fields read as null when absent. */
export class GraphSummaryResultPayload {
  @Required()
  @IsString()
  userId!: string;

  @Required()
  @IsIn(RESULT_STATUSES)
  status!: ResultStatus;

  @IsOptional()
  @IsString()
  summaryS3Key: string | null = null;

  @IsOptional()
  @IsString()
  chatId: string | null = null;

  @IsOptional()
  @IsString()
  error: string | null = null;

  @IsOptional()
  @IsString()
  errorCode: string | null = null;
}
