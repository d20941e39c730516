import { type CanActivate, type ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { type Request } from 'express';
import { ALLOW_QUERY_TOKEN } from './allow-query-token.decorator';
import { type AuthenticatedUser } from './authenticated-user';
import { USER_KEY } from './current-user.decorator';
import { extractToken } from './token-extractor';

/** User ids end up in S3 keys and task ids, so only plain characters are accepted. */
const USER_ID_PATTERN = /^[A-Za-z0-9_.@-]{1,128}$/;

@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly jwt: JwtService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { [USER_KEY]?: AuthenticatedUser }>();
    const allowQuery = this.reflector.getAllAndOverride<boolean>(ALLOW_QUERY_TOKEN, [context.getHandler(), context.getClass()]) ?? false;
    const token = extractToken(request, allowQuery);
    if (!token) throw new UnauthorizedException('A bearer token is required');
    let claims: { sub?: unknown };
    try {
      claims = await this.jwt.verifyAsync<{ sub?: unknown }>(token, { algorithms: ['HS256'] });
    } catch {
      throw new UnauthorizedException('The bearer token is invalid or expired');
    }
    if (typeof claims.sub !== 'string' || !USER_ID_PATTERN.test(claims.sub)) {
      throw new UnauthorizedException('The token subject is not a valid user id');
    }
    request[USER_KEY] = { id: claims.sub };
    return true;
  }
}
