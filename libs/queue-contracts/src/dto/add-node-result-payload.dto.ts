import { IsIn, IsOptional, IsString } from 'class-validator';
import { Required } from '../required.decorator';
import { RESULT_STATUSES, type ResultStatus } from '../result-status';

/** ADD_NODE_RESULT (AI -> worker). Optional fields read as null when absent. */
export class AddNodeResultPayload {
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
  error: string | null = null;
}
