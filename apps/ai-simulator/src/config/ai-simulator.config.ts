import { AwsEnvironment } from '@app/aws';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUrl, Max, Min } from 'class-validator';
import { SIMULATED_FAILURE_CODES, type SimulatedFailure } from '../simulated-failure';

const QUEUE_URL = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/** Environment of the AI simulator (a local and test stand-in for the Python AI server). */
export class AiSimulatorConfig extends AwsEnvironment {
  /** The simulator consumes what the api sends to the AI. */
  @IsUrl(QUEUE_URL, { message: 'SQS_REQUEST_QUEUE_URL must be the request queue URL' })
  SQS_REQUEST_QUEUE_URL!: string;

  /** Progress and results go here, for the worker. */
  @IsUrl(QUEUE_URL, { message: 'SQS_RESULT_QUEUE_URL must be the result queue URL' })
  SQS_RESULT_QUEUE_URL!: string;

  /** Makes every job fail (or lose its summary) the way the real server does; unset means success. */
  @IsOptional()
  @IsIn(SIMULATED_FAILURE_CODES, { message: `AI_SIMULATOR_FAILURE must be one of ${SIMULATED_FAILURE_CODES.join(', ')}` })
  AI_SIMULATOR_FAILURE?: SimulatedFailure;

  /** Pause before each progress message; capped so a whole job stays well inside the queue's 60 s visibility timeout. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_000)
  AI_SIMULATOR_STEP_DELAY_MS = 200;

  @IsIn(['json', 'pretty'])
  LOG_FORMAT: 'json' | 'pretty' = 'pretty';
}
