import { IsIn, IsOptional, IsString } from 'class-validator';
import { Required } from '../required.decorator';
import { RESULT_STATUSES, type ResultStatus } from '../result-status';

/** Fields every *_RESULT payload has (AI -> worker). Optional fields read as null when absent. */
export abstract class AiResultPayload {
  @Required()
  @IsString()
  userId!: string;

  @Required()
  @IsIn(RESULT_STATUSES)
  status!: ResultStatus;

  /** On COMPLETED this means a partial failure. May hold raw provider text. */
  @IsOptional()
  @IsString()
  error: string | null = null;
}
