/**
 * Access compiled into one place: every module describes its rules once as a `Policy` (which staff roles may do each
 * action, what a citizen may do, where a resource lies), and every service and repository goes through the three
 * functions below instead of writing its own checks.
 *
 * - `authorize(policy, actor, action, row)` for one loaded record: 403 when the actor's role can never do the
 *   action, 404 (the module's own not-found code) when the record is missing *or* out of reach — the same answer,
 *   so an id's existence never leaks to someone who may not see it.
 * - `scopeOf(policy, actor, action)` for lists and searches: the actor's reach as an `AccessScope`, a branded value
 *   that only this file makes. Repositories of personal data take an `AccessScope` (never a bare path list), so a
 *   list cannot be called unfiltered by forgetting a `where`: the caller must either hold the actor's scope or name
 *   a system path with `systemScope('reason')`.
 * - `scoped(query, scope, 'u.path')` inside a repository: adds the jurisdiction filter to the query (nothing for
 *   national scope, `false` for an empty one), so out-of-scope rows are simply not found.
 */
import { type Expression, type SqlBool, sql } from 'kysely';
import { type Actor, type CitizenActor, grantsFor, pathWithin, type StaffRole } from './access.ts';
import { AppError } from './errors.ts';
import type { ErrorCode } from './messages.ts';

export interface Policy<A extends string, R> {
  /** Staff roles allowed each action; `admin` passes every action within its own scope. */
  readonly roles: Readonly<Record<A, readonly StaffRole[]>>;
  /** What a citizen may do, per action; an action absent here is never a citizen's (403). */
  readonly citizen?: Readonly<Partial<Record<A, (actor: CitizenActor, resource: R) => boolean>>>;
  /** Where the resource lies: its unit path, or null (then only national scope reaches it). */
  readonly unitPath: (resource: R) => string | null;
  /** The module's code for "not found or not yours" (404). */
  readonly notFound: ErrorCode;
}

/** Declares a module's policy (an identity function that fixes the types). */
export function definePolicy<A extends string, R>(policy: Policy<A, R>): Policy<A, R> {
  return policy;
}

/** True when the actor may do `action` to this resource: the pure rule, for tests and for filtering rows. */
export function can<A extends string, R>(policy: Policy<A, R>, actor: Actor, action: A, resource: R): boolean {
  if (actor.kind === 'system') return true;
  if (actor.kind === 'citizen') return policy.citizen?.[action]?.(actor, resource) ?? false;
  const unitPath = policy.unitPath(resource);
  return grantsFor(actor, policy.roles[action]).some((g) => pathWithin(unitPath, g.unitPath));
}

/** True when the actor's role could do `action` somewhere: false means 403 whatever the resource. */
export function mayEver<A extends string, R>(policy: Policy<A, R>, actor: Actor, action: A): boolean {
  if (actor.kind === 'system') return true;
  if (actor.kind === 'citizen') return policy.citizen?.[action] !== undefined;
  return grantsFor(actor, policy.roles[action]).length > 0;
}

/**
 * The one refusal rule for a loaded record (see the file comment). Returns the resource, narrowed to present.
 * Call it with whatever the repository found (`undefined` when nothing was), never branch on existence first.
 */
export function authorize<A extends string, R>(
  policy: Policy<A, R>,
  actor: Actor,
  action: A,
  resource: R | null | undefined,
): R {
  if (!mayEver(policy, actor, action)) throw new AppError('FORBIDDEN', 403);
  if (resource === null || resource === undefined || !can(policy, actor, action, resource)) {
    throw new AppError(policy.notFound, 404);
  }
  return resource;
}

/** Like `authorize` for a place rather than a record (creating something in a unit): 403 when out of reach. */
export function authorizeAt<A extends string, R>(policy: Policy<A, R>, actor: Actor, action: A, resource: R): void {
  if (!can(policy, actor, action, resource)) throw new AppError('FORBIDDEN', 403);
}

declare const scopeBrand: unique symbol;

/**
 * An actor's reach for one action: 'all' (national or system) or unit path prefixes (possibly none). Made only by
 * `scopeOf` and `systemScope`, so holding one proves the caller went through the policy or named why it did not.
 */
export interface AccessScope {
  readonly [scopeBrand]: true;
  readonly paths: 'all' | readonly string[];
}

function makeScope(paths: 'all' | readonly string[]): AccessScope {
  return { paths } as AccessScope;
}

/** The actor's scope for a list or search; 403 when the actor's role can never do the action (citizens included). */
export function scopeOf<A extends string, R>(policy: Policy<A, R>, actor: Actor, action: A): AccessScope {
  if (actor.kind === 'system') return makeScope('all');
  if (actor.kind === 'citizen') throw new AppError('FORBIDDEN', 403);
  const grants = grantsFor(actor, policy.roles[action]);
  if (grants.length === 0) throw new AppError('FORBIDDEN', 403);
  if (grants.some((g) => g.unitPath === '')) return makeScope('all');
  return makeScope(grants.map((g) => g.unitPath));
}

/**
 * The explicitly named unscoped path: jobs, the CLI, seeders and cross-module look-ups made on the system's own
 * behalf. `reason` is for the reader (and grep): every unscoped read of personal data is one of these calls.
 */
export function systemScope(_reason: string): AccessScope {
  return makeScope('all');
}

/** A scope narrowed to one subtree (a filter the actor asked for): paths outside the scope give an empty scope. */
export function narrowScope(scope: AccessScope, unitPath: string): AccessScope {
  if (scope.paths === 'all') return makeScope([unitPath]);
  const within = scope.paths.filter((p) => unitPath.startsWith(p));
  if (within.length > 0) return makeScope([unitPath]);
  return makeScope(scope.paths.filter((p) => p.startsWith(unitPath)));
}

/** True when a path lies in the scope (the in-memory twin of `scopeCondition`). */
export function inScope(scope: AccessScope, unitPath: string | null): boolean {
  if (scope.paths === 'all') return true;
  return scope.paths.some((p) => pathWithin(unitPath, p));
}

/**
 * SQL condition "the unit path column lies in the scope". `pathColumn` is a column reference written by the
 * repository (`'u.path'`), never user input. National scope is `true`; an empty scope is `false`.
 */
export function scopeCondition(scope: AccessScope, pathColumn: string): Expression<SqlBool> {
  if (scope.paths === 'all') return sql<SqlBool>`true`;
  if (scope.paths.length === 0) return sql<SqlBool>`false`;
  return sql<SqlBool>`(${sql.join(
    scope.paths.map((p) => sql`${sql.ref(pathColumn)} like ${`${p}%`}`),
    sql` or `,
  )})`;
}

/** Adds the scope's filter to a query (nothing at all for national scope, so its plan is unchanged). */
export function scoped<Q extends { where(expression: Expression<SqlBool>): Q }>(
  query: Q,
  scope: AccessScope,
  pathColumn: string,
): Q {
  if (scope.paths === 'all') return query;
  return query.where(scopeCondition(scope, pathColumn));
}
