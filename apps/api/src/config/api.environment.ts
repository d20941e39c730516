import { DEV_ONLY_JWT_SECRET, DEV_ONLY_SECRET_ENVIRONMENTS, type Environment } from '@app/config';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { IsOriginList, LOGIN_SERVICE_FALLBACK_SESSION_SECRET, sessionSecretProblems } from './web-client';

export const GRAPH_LANGUAGES = ['en', 'ko', 'zh', 'ja'] as const;

/** 8 GiB: S3 takes 10,000 parts, so streamed uploads (5 MiB parts) stay below 48 GiB anyway. */
export const MAX_UPLOAD_BYTES_CEILING = 8 * 1024 * 1024 * 1024;

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

  /** Longest lifetime a token may have: `exp` at most this far from now (plus the clock tolerance), and `exp - iat` at most this. */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(30 * 24 * 3600)
  JWT_MAX_TTL_SECONDS = 7 * 24 * 3600;

  /** Clock skew allowed between the token issuer and the api, for `exp`, `nbf` and the lifetime limit. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(300)
  JWT_CLOCK_TOLERANCE_SECONDS = 30;

  /** When set, a token's `iss` must equal it; unset = not checked. */
  @IsOptional()
  @IsString()
  JWT_ISSUER?: string;

  /** When set, a token's `aud` must hold one of these (comma-separated); unset = not checked. */
  @IsOptional()
  @IsString()
  JWT_AUDIENCE?: string;

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] }, { message: 'SQS_REQUEST_QUEUE_URL must be a queue URL' })
  SQS_REQUEST_QUEUE_URL!: string;

  /**
   * Largest accepted upload (a ChatGPT export, raw or zipped; a zip's
   * conversations.json may not inflate past it either), in bytes. Uploads are
   * streamed to S3 while checked, so memory does not grow with it. Raise
   * HTTP_REQUEST_TIMEOUT_MS with it: the whole body must arrive within that.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(MAX_UPLOAD_BYTES_CEILING)
  MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;

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

  /** How long a deleted graph or summary (DELETE without permanent=true) can still be restored. */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(365 * 86400)
  GRAPH_RESTORE_WINDOW_SECONDS = 30 * 86400;

  /**
   * The dev-only secret is public (npm start signs with it), so it is refused
   * unless NODE_ENV says development or test; unset counts as neither, so a
   * deployment that forgets NODE_ENV fails closed. NODE_ENV itself is
   * validated by RuntimeEnvironment.
   */
  crossCheck(env: Environment = {}): string[] {
    const problems: string[] = [];
    if (this.JWT_SECRET === DEV_ONLY_JWT_SECRET && !DEV_ONLY_SECRET_ENVIRONMENTS.includes(env.NODE_ENV ?? '')) {
      problems.push(
        `JWT_SECRET is the public dev-only secret of the local run; it is accepted only with NODE_ENV=${DEV_ONLY_SECRET_ENVIRONMENTS.join(' or ')}` +
          ` (NODE_ENV is ${env.NODE_ENV === undefined ? 'unset' : JSON.stringify(env.NODE_ENV)}); set a secret of your own`,
      );
    }
    if (this.JWT_AUDIENCE !== undefined && parseJwtAudiences(this.JWT_AUDIENCE).length === 0) {
      problems.push('JWT_AUDIENCE must be one audience or a comma-separated list of them');
    }
    problems.push(...sessionSecretProblems(this.SESSION_SECRET, env));
    return problems;
  }

  /**
   * Longest time a client may take to send a whole request (headers and body);
   * then it gets 408 and its connection is closed. Not the response: SSE streams
   * and slow handlers are not cut. The default lets a 50 MiB export arrive over about 3.5 Mbit/s upstream.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(600000)
  HTTP_REQUEST_TIMEOUT_MS = 120000;

  /**
   * The login service's cookie-parser secret (Secrets Manager in production):
   * it signs the `access_token` cookie (`s:<jwt>.<signature>`). Unset = a
   * signed cookie counts as absent (an unsigned one is still read). Its public
   * fallback is refused unless NODE_ENV is development or test (crossCheck),
   * which is why that value alone is exempt from the length rule here.
   */
  @ValidateIf((api: ApiEnvironment) => api.SESSION_SECRET !== undefined && api.SESSION_SECRET !== LOGIN_SERVICE_FALLBACK_SESSION_SECRET)
  @IsString()
  @MinLength(32, { message: 'SESSION_SECRET must be at least 32 characters' })
  SESSION_SECRET?: string;

  /**
   * The web app's exact origins (comma-separated, e.g.
   * `https://app.graphnode.dev,http://localhost:5173`): they get credentialed
   * CORS, and only they may send cookie-authenticated requests that change
   * state (CSRF). Unset = no CORS headers at all, and every such cookie request is refused.
   */
  @IsOptional()
  @IsOriginList()
  CORS_ORIGINS?: string;

  /**
   * A fresh SSE connection (no `since`, no Last-Event-ID) replays, besides
   * every event of the user's unfinished jobs, the events of this many past
   * seconds, so the client restores its state (at most SSE_RESTORE_MAX_EVENTS).
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(30 * 86400)
  SSE_RESTORE_WINDOW_SECONDS = 86400;

  /** Most events a fresh SSE connection replays (the newest of them, oldest first). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1000)
  SSE_RESTORE_MAX_EVENTS = 200;
}

/** JWT_AUDIENCE as a list: split on commas, trimmed, empty entries dropped; unset = []. */
export function parseJwtAudiences(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((audience) => audience.trim())
    .filter((audience) => audience.length > 0);
}
