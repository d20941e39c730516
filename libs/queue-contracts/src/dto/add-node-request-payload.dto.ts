import { Equals, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { Required } from '../required.decorator';

/**
 * ADD_NODE_REQUEST (API -> AI). extraS3Keys is left to the AI default; beBaseUrl and
 * internalServiceToken are deliberately absent so no secret can reach the queue.
 */
export class AddNodeRequestPayload {
  @Required()
  @IsString()
  @IsNotEmpty()
  userId!: string;

  /** Object key `add-node/{taskId}/batch.json`. */
  @Required()
  @IsString()
  @IsNotEmpty()
  s3Key!: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  bucket?: string;

  /** Required on our side although the AI defaults it: that default is "zh". */
  @Required()
  @IsString()
  @IsNotEmpty()
  language!: string;

  @Equals('batch')
  inputType = 'batch' as const;
}

/** What a caller passes to buildEnvelope: inputType can only be "batch" and may be left out. */
export type AddNodeRequestInput = Omit<AddNodeRequestPayload, 'inputType'> & Partial<Pick<AddNodeRequestPayload, 'inputType'>>;
