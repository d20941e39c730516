import { type NestExpressApplication } from '@nestjs/platform-express';
import { type NextFunction, type Request, type Response } from 'express';

/** How long a browser may cache a preflight answer (Chromium caps it at 7,200 s). */
export const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * Credentialed CORS for the web app's exact origins (CORS_ORIGINS), nothing
 * for anyone else: an allowed Origin gets `Access-Control-Allow-Origin: <it>`
 * and `Access-Control-Allow-Credentials: true`, and its preflight a 204 that
 * allows the default methods and reflects the requested headers; any other
 * origin (or none) gets no Access-Control-* header at all, and its preflight
 * falls through to the router (404), which the browser treats as refused.
 * Every response varies on Origin, so no cache hands one origin's answer to
 * another. Without origins nothing is installed.
 *
 * CORS only decides what a browser lets a page read; the CSRF check in
 * JwtAuthGuard is what stops cookie requests that change state from elsewhere.
 */
export function useWebClientCors(app: NestExpressApplication, origins: readonly string[]): void {
  if (origins.length === 0) return;
  const allowed: ReadonlySet<string> = new Set(origins);
  app.use((_request: Request, response: Response, next: NextFunction) => {
    response.vary('Origin');
    next();
  });
  app.enableCors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin) ? origin : false),
    credentials: true,
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
  });
}
