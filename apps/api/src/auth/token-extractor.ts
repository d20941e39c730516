import { parse as parseCookieHeader } from 'cookie';
import { unsign } from 'cookie-signature';
import { type Request } from 'express';

/** The cookie the login service sets (HttpOnly, Path=/), signed by its cookie-parser. */
export const ACCESS_TOKEN_COOKIE = 'access_token';

/**
 * Where a token came from. A cookie is the only credential a browser attaches
 * by itself, so only a cookie token needs the CSRF origin check.
 */
export type TokenSource = 'header' | 'query' | 'cookie';

export interface PresentedToken {
  readonly token: string;
  readonly source: TokenSource;
}

export interface TokenSources {
  /** `?access_token=` is read too (SSE: EventSource cannot set headers). */
  readonly allowQuery: boolean;
  /** The login service's cookie-parser secret; unset = a signed cookie counts as absent. */
  readonly sessionSecret?: string;
}

/**
 * The token a request presents, in this order: `Authorization: Bearer`, then
 * (where allowed) `?access_token=`, then the `access_token` cookie. The first
 * one present is the one judged: an invalid bearer token is a 401 even when a
 * good cookie comes with it. Any other Authorization scheme counts as no header.
 */
export function extractToken(request: Request, sources: TokenSources): PresentedToken | undefined {
  const bearer = bearerToken(request.headers.authorization);
  if (bearer) return { token: bearer, source: 'header' };
  if (sources.allowQuery) {
    const query: unknown = request.query.access_token;
    if (typeof query === 'string' && query.length > 0) return { token: query, source: 'query' };
  }
  const cookie = cookieToken(request.headers.cookie, sources.sessionSecret);
  return cookie ? { token: cookie, source: 'cookie' } : undefined;
}

function bearerToken(header: string | undefined): string | undefined {
  const [scheme, token, ...rest] = (header ?? '').trim().split(/\s+/);
  return scheme?.toLowerCase() === 'bearer' && token && rest.length === 0 ? token : undefined;
}

/**
 * The JWT in the `access_token` cookie, as cookie-parser reads it: the value is
 * URL-decoded (`s%3A…` → `s:…`); `s:<jwt>.<signature>` is the signed form
 * (base64 HMAC-SHA256 with the session secret, cookie-signature's format) and
 * yields the JWT only when the signature holds; anything else is a bare JWT.
 * A signed cookie with a bad signature, or with no secret configured, is absent.
 */
export function cookieToken(header: string | undefined, sessionSecret: string | undefined): string | undefined {
  if (!header) return undefined;
  const value = parseCookieHeader(header)[ACCESS_TOKEN_COOKIE];
  if (!value) return undefined;
  if (!value.startsWith('s:')) return value;
  if (sessionSecret === undefined) return undefined;
  const unsigned = unsign(value.slice(2), sessionSecret);
  return unsigned === false || unsigned.length === 0 ? undefined : unsigned;
}
