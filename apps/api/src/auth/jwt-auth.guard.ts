import { type CanActivate, type ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService, NotBeforeError, TokenExpiredError } from '@nestjs/jwt';
import { type Request } from 'express';
import { ApiEnvironment } from '../config/api.environment';
import { parseCorsOrigins } from '../config/web-client';
import { ApiException } from '../http/api.exception';
import { ALLOW_QUERY_TOKEN } from './allow-query-token.decorator';
import { type AuthenticatedUser } from './authenticated-user';
import { assertCookieRequestOrigin } from './csrf';
import { USER_KEY } from './current-user.decorator';
import { extractToken } from './token-extractor';
import { claimsProblem, rejectionCode, TOKEN_REJECTIONS, type TokenPolicy, tokenPolicyFrom, type TokenRejection } from './token-policy';

/** User ids end up in S3 keys and task ids, so only plain characters are accepted. */
const USER_ID_PATTERN = /^[A-Za-z0-9_.@-]{1,128}$/;

/**
 * HS256 tokens only, from `Authorization: Bearer`, else (SSE only)
 * `?access_token=`, else the `access_token` cookie the login service sets
 * (cookie-parser-signed with SESSION_SECRET, or bare; see token-extractor).
 * A token must carry `exp` and may live at most JWT_MAX_TTL_SECONDS; `iss` and
 * `aud` are checked when JWT_ISSUER and JWT_AUDIENCE are set (see TokenPolicy).
 * The user is `userId` (what the login service mints) or `sub`. Every refusal is
 * a 401 with a code (AUTH_REQUIRED, TOKEN_EXPIRED, TOKEN_INVALID) saying why.
 *
 * A cookie-authenticated request that changes state must also come from one of
 * CORS_ORIGINS, else 403 CSRF_ORIGIN_REFUSED (see csrf.ts): the check lives
 * here because only the guard knows the credential came from the cookie. It
 * runs before the handler, so a refused request stores and queues nothing.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly policy: TokenPolicy;
  private readonly sessionSecret: string | undefined;
  private readonly webOrigins: ReadonlySet<string>;

  constructor(
    private readonly jwt: JwtService,
    private readonly reflector: Reflector,
    api: ApiEnvironment,
  ) {
    this.policy = tokenPolicyFrom(api);
    this.sessionSecret = api.SESSION_SECRET;
    this.webOrigins = new Set(parseCorsOrigins(api.CORS_ORIGINS));
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { [USER_KEY]?: AuthenticatedUser }>();
    const allowQuery = this.reflector.getAllAndOverride<boolean>(ALLOW_QUERY_TOKEN, [context.getHandler(), context.getClass()]) ?? false;
    const presented = extractToken(request, { allowQuery, sessionSecret: this.sessionSecret });
    if (!presented) throw unauthorized(TOKEN_REJECTIONS.missing);
    let claims: Record<string, unknown>;
    try {
      claims = await this.jwt.verifyAsync<Record<string, unknown>>(presented.token, {
        algorithms: ['HS256'],
        clockTolerance: this.policy.clockToleranceSeconds,
      });
    } catch (error) {
      throw unauthorized(verifyFailure(error));
    }
    if (typeof claims !== 'object' || claims === null) throw unauthorized(TOKEN_REJECTIONS.invalid);
    const problem = claimsProblem(claims, this.policy, Math.floor(Date.now() / 1000));
    if (problem) throw unauthorized(problem);
    const userId = userIdOf(claims);
    if (userId === undefined) throw unauthorized(TOKEN_REJECTIONS.subject);
    if (presented.source === 'cookie') assertCookieRequestOrigin(request, this.webOrigins);
    request[USER_KEY] = { id: userId };
    return true;
  }
}

/**
 * The user a token names: `userId` (the login service's claim), else `sub`
 * (our own tokens). When both are present they must agree; the id must match
 * USER_ID_PATTERN.
 */
function userIdOf(claims: Readonly<Record<string, unknown>>): string | undefined {
  const { userId, sub } = claims;
  if (userId !== undefined && sub !== undefined && userId !== sub) return undefined;
  const id = userId ?? sub;
  return typeof id === 'string' && USER_ID_PATTERN.test(id) ? id : undefined;
}

function unauthorized(rejection: TokenRejection): ApiException {
  return new ApiException(HttpStatus.UNAUTHORIZED, rejectionCode(rejection), rejection);
}

/** Expired and not-yet-valid are worth telling apart; anything else (signature, algorithm, shape) is just invalid. */
function verifyFailure(error: unknown): TokenRejection {
  if (error instanceof TokenExpiredError) return TOKEN_REJECTIONS.expired;
  if (error instanceof NotBeforeError) return TOKEN_REJECTIONS.notYetValid;
  return TOKEN_REJECTIONS.invalid;
}
