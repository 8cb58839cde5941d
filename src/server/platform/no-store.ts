/**
 * API answers are not to be kept by browsers or proxies: most carry personal data (people, cases, check-ins, the
 * caller's own profile and QR), and one header rule for the whole API cannot forget a route. A route whose answer
 * is public and cacheable may set its own Cache-Control, which replaces this default (none does today).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

/** onRequest hook: `Cache-Control: no-store` on every /api/ response, errors and 404s included. */
export async function noStoreForApi(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
}
