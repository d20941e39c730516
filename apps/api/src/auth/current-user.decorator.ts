import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type Request } from 'express';
import { type AuthenticatedUser } from './authenticated-user';

export const USER_KEY = 'user';

export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthenticatedUser => {
  const request = context.switchToHttp().getRequest<Request & { [USER_KEY]?: AuthenticatedUser }>();
  const user = request[USER_KEY];
  if (!user) throw new Error('CurrentUser used on a route without JwtAuthGuard');
  return user;
});
