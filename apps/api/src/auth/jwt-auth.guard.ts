import { type CanActivate, type ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService, NotBeforeError, TokenExpiredError } from '@nestjs/jwt';
import { type Request } from 'express';
import { ApiEnvironment } from '../config/api.environment';
import { ALLOW_QUERY_TOKEN } from './allow-query-token.decorator';
import { type AuthenticatedUser } from './authenticated-user';
import { USER_KEY } from './current-user.decorator';
import { extractToken } from './token-extractor';
import { claimsProblem, TOKEN_REJECTIONS, type TokenPolicy, tokenPolicyFrom } from './token-policy';

/** User ids end up in S3 keys and task ids, so only plain characters are accepted. */
const USER_ID_PATTERN = /^[A-Za-z0-9_.@-]{1,128}$/;

/**
 * HS256 bearer tokens only. A token must carry `exp` and may live at most
 * JWT_MAX_TTL_SECONDS; `iss` and `aud` are checked when JWT_ISSUER and
 * JWT_AUDIENCE are set (see TokenPolicy). Every refusal is a 401 saying why.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly policy: TokenPolicy;

  constructor(
    private readonly jwt: JwtService,
    private readonly reflector: Reflector,
    api: ApiEnvironment,
  ) {
    this.policy = tokenPolicyFrom(api);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { [USER_KEY]?: AuthenticatedUser }>();
    const allowQuery = this.reflector.getAllAndOverride<boolean>(ALLOW_QUERY_TOKEN, [context.getHandler(), context.getClass()]) ?? false;
    const token = extractToken(request, allowQuery);
    if (!token) throw new UnauthorizedException(TOKEN_REJECTIONS.missing);
    let claims: Record<string, unknown>;
    try {
      claims = await this.jwt.verifyAsync<Record<string, unknown>>(token, {
        algorithms: ['HS256'],
        clockTolerance: this.policy.clockToleranceSeconds,
      });
    } catch (error) {
      throw new UnauthorizedException(verifyFailure(error));
    }
    if (typeof claims !== 'object' || claims === null) throw new UnauthorizedException(TOKEN_REJECTIONS.invalid);
    const problem = claimsProblem(claims, this.policy, Math.floor(Date.now() / 1000));
    if (problem) throw new UnauthorizedException(problem);
    if (typeof claims.sub !== 'string' || !USER_ID_PATTERN.test(claims.sub)) {
      throw new UnauthorizedException(TOKEN_REJECTIONS.subject);
    }
    request[USER_KEY] = { id: claims.sub };
    return true;
  }
}

/** Expired and not-yet-valid are worth telling apart; anything else (signature, algorithm, shape) is just invalid. */
function verifyFailure(error: unknown): string {
  if (error instanceof TokenExpiredError) return TOKEN_REJECTIONS.expired;
  if (error instanceof NotBeforeError) return TOKEN_REJECTIONS.notYetValid;
  return TOKEN_REJECTIONS.invalid;
}
