/**
 * Our own origin, seen from a request. The CSRF guard compares a browser's `Origin` with it, and venue QR codes and
 * posters point at it (`<origin>/q/<payload>`) when TRUYVET_PUBLIC_URL is not set, so a phone's own camera opens the
 * app at the address the venue's manager reached it by.
 *
 * The request's origin is its scheme and Host as Fastify reports them: `X-Forwarded-Proto` / `X-Forwarded-Host`
 * count only from the proxies TRUYVET_TRUST_PROXY names (Fastify's `trustProxy`), otherwise the connection's own
 * scheme and the `Host` header. A client that sends another Host only changes what it is answered itself.
 */
import type { FastifyRequest } from 'fastify';

/** The origin (scheme://host[:port]) of a URL, or undefined for anything that has no tuple origin. */
export function originOf(url: string): string | undefined {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** The origin this request was sent to (scheme and Host, as trusted proxies report them), if it names one. */
export function requestOrigin(req: Pick<FastifyRequest, 'protocol' | 'host'>): string | undefined {
  return req.host ? originOf(`${req.protocol}://${req.host}`) : undefined;
}

/**
 * The base URL the app's links and venue QR codes use for this request: TRUYVET_PUBLIC_URL when configured,
 * otherwise the request's own origin (undefined only for a request without a usable Host).
 */
export function publicBaseUrl(
  configured: string | undefined,
  req: Pick<FastifyRequest, 'protocol' | 'host'>,
): string | undefined {
  return configured ?? requestOrigin(req);
}
