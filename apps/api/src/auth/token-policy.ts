import { type ApiEnvironment, parseJwtAudiences } from '../config/api.environment';

/**
 * What a token (bearer header, cookie or SSE query) must satisfy beyond its
 * HS256 signature (which, with `exp` and `nbf` against the clock tolerance,
 * jsonwebtoken checks first).
 */
export interface TokenPolicy {
  /** Longest lifetime: `exp - now` (plus the clock tolerance) and `exp - iat` may not exceed it. */
  readonly maxTtlSeconds: number;
  /** Clock skew allowed between the token's issuer and this process. */
  readonly clockToleranceSeconds: number;
  /** When set, `iss` must equal it. */
  readonly issuer?: string;
  /** When not empty, `aud` (a string or a list) must hold one of them. */
  readonly audiences: readonly string[];
}

/**
 * The 401 messages, one per reason. They say what is wrong with the token,
 * never what would have been accepted (issuer, audience, limits).
 */
export const TOKEN_REJECTIONS = {
  missing: 'An access token is required (Authorization: Bearer or the access_token cookie)',
  invalid: 'The access token is invalid',
  expired: 'The token has expired',
  notYetValid: 'The token is not valid yet',
  noExpiry: 'The token has no expiry',
  tooLong: 'The token lives longer than allowed',
  badIssueTime: 'The token issue time is invalid',
  issuer: 'The token issuer is not accepted',
  audience: 'The token audience is not accepted',
  subject: 'The token subject is not a valid user id',
} as const;

export type TokenRejection = (typeof TOKEN_REJECTIONS)[keyof typeof TOKEN_REJECTIONS];

/**
 * The stable `code` of each 401: AUTH_REQUIRED when no token was presented,
 * TOKEN_EXPIRED when it has expired, TOKEN_INVALID for every other refusal.
 */
export function rejectionCode(rejection: TokenRejection): 'AUTH_REQUIRED' | 'TOKEN_EXPIRED' | 'TOKEN_INVALID' {
  if (rejection === TOKEN_REJECTIONS.missing) return 'AUTH_REQUIRED';
  if (rejection === TOKEN_REJECTIONS.expired) return 'TOKEN_EXPIRED';
  return 'TOKEN_INVALID';
}

export function tokenPolicyFrom(
  api: Pick<ApiEnvironment, 'JWT_MAX_TTL_SECONDS' | 'JWT_CLOCK_TOLERANCE_SECONDS' | 'JWT_ISSUER' | 'JWT_AUDIENCE'>,
): TokenPolicy {
  return {
    maxTtlSeconds: api.JWT_MAX_TTL_SECONDS,
    clockToleranceSeconds: api.JWT_CLOCK_TOLERANCE_SECONDS,
    ...(api.JWT_ISSUER === undefined ? {} : { issuer: api.JWT_ISSUER }),
    audiences: parseJwtAudiences(api.JWT_AUDIENCE),
  };
}

/**
 * The reason verified claims break the policy (one of TOKEN_REJECTIONS), or
 * undefined when they keep it. Expiry itself is jsonwebtoken's check; this one
 * insists there is an `exp` at all and that it is not too far away.
 */
export function claimsProblem(claims: Readonly<Record<string, unknown>>, policy: TokenPolicy, nowSeconds: number): TokenRejection | undefined {
  const { exp, iat, iss, aud } = claims;
  if (!isTime(exp)) return TOKEN_REJECTIONS.noExpiry;
  if (exp - nowSeconds > policy.maxTtlSeconds + policy.clockToleranceSeconds) return TOKEN_REJECTIONS.tooLong;
  if (iat !== undefined) {
    if (!isTime(iat)) return TOKEN_REJECTIONS.badIssueTime;
    if (exp - iat > policy.maxTtlSeconds) return TOKEN_REJECTIONS.tooLong;
  }
  if (policy.issuer !== undefined && iss !== policy.issuer) return TOKEN_REJECTIONS.issuer;
  if (policy.audiences.length > 0) {
    const presented: unknown[] = Array.isArray(aud) ? aud : [aud];
    if (!presented.some((value) => typeof value === 'string' && policy.audiences.includes(value))) return TOKEN_REJECTIONS.audience;
  }
  return undefined;
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
