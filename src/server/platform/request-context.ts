/**
 * The route a request is served by, carried across awaits (AsyncLocalStorage) from the HTTP layer to the audit log,
 * so a service's audit entry says which route read a person (`truyvet audit who-viewed`) without the service taking
 * HTTP objects.
 *
 * Timers and loops started while serving a request inherit its context (a job worker woken by a request, a
 * group-commit loop), so the route is only believed for entries made by the request's own actor object.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Actor } from './access.ts';

interface RequestContext {
  route: string;
  actor: Actor | undefined;
}

const contexts = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` (and everything it awaits) as the work of a request on `route` (e.g. `GET /api/v1/people/:id`). */
export function runForRequest<T>(route: string, actor: Actor | undefined, fn: () => T): T {
  return contexts.run({ route, actor }, fn);
}

/** The route of the request `actor` is being served in, or undefined (jobs, CLI, another request's loop). */
export function routeOf(actor: Actor | null): string | undefined {
  const c = contexts.getStore();
  return c && actor && c.actor === actor ? c.route : undefined;
}
