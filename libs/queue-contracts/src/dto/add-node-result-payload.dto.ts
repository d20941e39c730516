import { IsOptional, IsString } from 'class-validator';
import { AiResultPayload } from './ai-result-payload.dto';

/** ADD_NODE_RESULT (AI -> worker). Optional fields read as null when absent. */
export class AddNodeResultPayload extends AiResultPayload {
  @IsOptional()
  @IsString()
  resultS3Key: string | null = null;
}
