/**
 * Cross-site request forgery guard for cookie sessions. A browser attaches the `tv_session` cookie to requests
 * that other pages make it send. SameSite=Lax stops cross-site ones, but not those from another origin of the same
 * site (a sibling subdomain of the province's domain, which someone else may run), nor in a browser without
 * SameSite; so a state-changing request that carries the cookie must come from our own pages. Browsers name the
 * page's origin in `Origin` (on every cross-origin request and every same-origin POST in current browsers) or, in
 * older ones, only in `Referer`.
 *
 * Rule: POST/PUT/PATCH/DELETE with the session cookie and no `Authorization: Bearer` header is refused with 403
 * CSRF_ORIGIN_MISMATCH when `Origin` names another origin (including the opaque "null"), or when `Origin` is
 * absent and `Referer` names another origin. Our own origin is the request's (scheme and Host, as the configured
 * trusted proxies report them: `requestOrigin`, origin.ts) and TRUYVET_PUBLIC_URL when set. Requests with neither
 * header (curl, scripts) pass: no browser sends a cross-site unsafe request without `Origin`. Bearer requests pass:
 * another site cannot make a browser attach an Authorization header without a CORS preflight, which this server
 * never grants.
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';
import { SESSION_COOKIE } from './http.ts';
import { originOf, requestOrigin } from './origin.ts';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The onRequest hook enforcing the rule above. Register it after @fastify/cookie (it reads the parsed cookie)
 * and before authentication (a forged request is refused before its session is looked up).
 */
export function csrfGuard(options: { publicUrl: string | undefined }) {
  const configured = options.publicUrl === undefined ? undefined : originOf(options.publicUrl);
  return async function refuseForeignOrigin(req: FastifyRequest): Promise<void> {
    if (!UNSAFE_METHODS.has(req.method)) return;
    if (req.headers.authorization?.startsWith('Bearer ')) return;
    if (req.cookies[SESSION_COOKIE] === undefined) return;
    const claimed = req.headers.origin ?? req.headers.referer;
    if (claimed === undefined) return;
    const from = originOf(claimed);
    const own = requestOrigin(req);
    if (from !== undefined && (from === own || from === configured)) return;
    throw new AppError('CSRF_ORIGIN_MISMATCH', 403);
  };
}
