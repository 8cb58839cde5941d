/**
 * The route a request is served by, carried from the HTTP layer to the audit log, so a service's audit entry says
 * which route read a person (`truyvet audit who-viewed`) without the service taking HTTP objects.
 *
 * It travels with the request's own actor object: every request gets an actor object of its own (app.ts copies the
 * session's cached one), and that object is bound to the route here. So the route is only believed for entries made
 * by the request's own actor — a job, a loop or another request acting meanwhile has another actor (or none).
 * (An AsyncLocalStorage did this before; it made every promise of the process pay Node's async-hook bookkeeping, a
 * few per cent of the server's CPU on the write paths of bench/declarations, bench/vaccination, bench/checkin-ingest.)
 */
import type { Actor } from './access.ts';

const routes = new WeakMap<Actor, string>();

/** Binds the request's own actor object to its route pattern (e.g. `GET /api/v1/people/:id`), never the URL. */
export function bindRoute(actor: Actor, route: string): void {
  routes.set(actor, route);
}

/** The route of the request `actor` is being served in, or undefined (jobs, CLI, an actor made outside a request). */
export function routeOf(actor: Actor | null): string | undefined {
  return actor ? routes.get(actor) : undefined;
}
