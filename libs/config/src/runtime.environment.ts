import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUrl, Matches, Max, Min } from 'class-validator';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Variables every process reads: logging, error reporting, the event channel, shutdown budget. */
export class RuntimeEnvironment {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'log';

  @IsIn(['json', 'pretty'])
  LOG_FORMAT: 'json' | 'pretty' = 'json';

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] }, { message: 'SENTRY_DSN must be a URL' })
  SENTRY_DSN?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['redis', 'rediss'] }, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** Names this deployment's Redis channel (`<namespace>:job-events`); deployments sharing a Redis must differ. */
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, { message: 'JOB_EVENTS_NAMESPACE must be 1-63 letters, digits, ".", "_" or "-"' })
  JOB_EVENTS_NAMESPACE = 'graphnode';

  /** Time a process gets to drain on SIGTERM; keep it below the ECS stopTimeout. */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(120000)
  SHUTDOWN_TIMEOUT_MS = 25000;
}
