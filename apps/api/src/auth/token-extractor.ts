import { type Request } from 'express';

/** Reads a bearer token from the Authorization header, then (if allowed) the cookie or query. */
export function extractToken(request: Request, allowQueryToken: boolean): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const [scheme, token] = header.split(' ');
    return scheme?.toLowerCase() === 'bearer' && token ? token : undefined;
  }
  if (!allowQueryToken) return undefined;
  const query: unknown = request.query.access_token;
  if (typeof query === 'string' && query.length > 0) return query;
  return readCookie(request.headers.cookie, 'access_token');
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}
