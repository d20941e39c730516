import { HttpStatus } from '@nestjs/common';
import { type Request } from 'express';
import { ApiException } from '../http/api.exception';

/** Methods that only read; every other method changes state and is CSRF-checked. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export const CSRF_ORIGIN_REFUSED = 'CSRF_ORIGIN_REFUSED';

/**
 * The origin a request says it comes from: its `Origin` header as sent
 * (`null` included, which matches no configured origin), else the origin of
 * its `Referer`; undefined when it has neither (or a Referer that is no URL).
 */
export function requestOrigin(request: Request): string | undefined {
  const origin = request.headers.origin;
  if (origin !== undefined) return origin;
  const referer = request.headers.referer;
  if (referer === undefined) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}

/**
 * Refuses (403 CSRF_ORIGIN_REFUSED) a request that changes state, carries its
 * credential in the cookie the browser attaches by itself, and does not come
 * from one of the web app's origins (CORS_ORIGINS). Bearer and query tokens
 * are never attached by a browser on its own, so they are not checked.
 *
 * A request with neither Origin nor Referer is refused too. Browsers send
 * Origin on every request that is not GET or HEAD (the Fetch standard; `null`
 * when the referrer policy hides it), same-origin and cross-origin, fetch and
 * form alike, so the SDK's requests always carry one; a request without it
 * comes from something that is not a current browser (a script, curl, an old
 * browser whose form posts omitted it) and such a client can send the token
 * as a bearer header instead. Letting it through would leave the gap open for
 * exactly the clients we cannot vouch for (OWASP's advice: block).
 */
export function assertCookieRequestOrigin(request: Request, allowedOrigins: ReadonlySet<string>): void {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return;
  const origin = requestOrigin(request);
  if (origin !== undefined && allowedOrigins.has(origin)) return;
  throw new ApiException(
    HttpStatus.FORBIDDEN,
    CSRF_ORIGIN_REFUSED,
    origin === undefined
      ? 'A request that changes state and is authenticated by cookie must carry an Origin (or Referer) header of the web app'
      : 'A request that changes state and is authenticated by cookie must come from an allowed origin of the web app',
  );
}
