import { IsOptional, IsString } from 'class-validator';
import { AiResultPayload } from './ai-result-payload.dto';

/** GRAPH_SUMMARY_RESULT (AI -> worker). Optional fields read as null when absent. */
export class GraphSummaryResultPayload extends AiResultPayload {
  @IsOptional()
  @IsString()
  summaryS3Key: string | null = null;

  @IsOptional()
  @IsString()
  chatId: string | null = null;

  @IsOptional()
  @IsString()
  errorCode: string | null = null;
}
