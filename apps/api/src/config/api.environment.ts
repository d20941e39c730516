import { Type } from 'class-transformer';
import { IsIn, IsInt, IsString, IsUrl, Max, Min, MinLength } from 'class-validator';

export const GRAPH_LANGUAGES = ['en', 'ko', 'zh', 'ja'] as const;

/** Variables only the api reads. */
export class ApiEnvironment {
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  /** HS256 key for bearer tokens; from Secrets Manager in production. */
  @IsString({ message: 'JWT_SECRET is required' })
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET!: string;

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] }, { message: 'SQS_REQUEST_QUEUE_URL must be a queue URL' })
  SQS_REQUEST_QUEUE_URL!: string;

  /** Largest accepted upload (a ChatGPT export), in bytes. */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(1024 * 1024 * 1024)
  MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

  /** Comment frames keep idle SSE streams open through load balancers (60 s idle timeout on ALB). */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(55000)
  SSE_HEARTBEAT_MS = 15000;

  /** Language the AI writes cluster names in (the AI's own default is Chinese). */
  @IsIn(GRAPH_LANGUAGES)
  GRAPH_LANGUAGE: (typeof GRAPH_LANGUAGES)[number] = 'en';

  /** How long a job may hear nothing before the worker fails it; the api sets the first deadline. */
  @Type(() => Number)
  @IsInt()
  @Min(30)
  @Max(7 * 24 * 3600)
  JOB_TIMEOUT_SECONDS = 900;
}
