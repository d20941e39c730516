import { IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { Required } from '../required.decorator';

/** GRAPH_SUMMARY_REQUEST (API -> AI). */
export class GraphSummaryRequestPayload {
  @Required()
  @IsString()
  @IsNotEmpty()
  userId!: string;

  /** The stored graph re-encoded in the AI graph format: `graph-summary/{taskId}/graph.json`. */
  @Required()
  @IsString()
  @IsNotEmpty()
  graphS3Key!: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  bucket?: string;

  @IsOptional()
  @IsString()
  chatId?: string;

  @IsOptional()
  @IsString()
  vectorDbS3Key?: string;

  /** Required on our side although the AI defaults it: that default is "zh". */
  @Required()
  @IsString()
  @IsNotEmpty()
  language!: string;
}

/** What a caller passes to buildEnvelope. */
export type GraphSummaryRequestInput = GraphSummaryRequestPayload;
