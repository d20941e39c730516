import { Equals, IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Min } from 'class-validator';
import { Required } from '../required.decorator';

/**
 * GRAPH_GENERATION_REQUEST (API -> AI). Only the fields we mean to send exist here:
 * chatId and extraS3Keys are left to the AI defaults, and beBaseUrl /
 * internalServiceToken are deliberately absent so no secret can reach the queue.
 */
export class GraphGenerationRequestPayload {
  @Required()
  @IsString()
  @IsNotEmpty()
  userId!: string;

  /** Bundle prefix `graph-generation/{taskId}/`; the AI reads every JSON file under it. */
  @Required()
  @IsString()
  @Matches(/\/$/, { message: "$property must end with '/' (it is the bundle prefix)" })
  s3Key!: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  bucket?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  numClusters?: number;

  @IsInt()
  @Min(1)
  minClusters: number = 3;

  @IsInt()
  @Min(1)
  maxClusters: number = 8;

  @IsOptional()
  @IsBoolean()
  includeSummary?: boolean;

  /** Always sent: the AI default is "zh". */
  @Required()
  @IsString()
  @IsNotEmpty()
  language!: string;

  @Equals('auto')
  inputType = 'auto' as const;
}

/** What a caller passes to buildEnvelope: inputType can only be "auto", cluster bounds default to 3/8. */
export type GraphGenerationRequestInput = Omit<GraphGenerationRequestPayload, 'inputType' | 'minClusters' | 'maxClusters'> &
  Partial<Pick<GraphGenerationRequestPayload, 'inputType' | 'minClusters' | 'maxClusters'>>;
