/**
 * Who is acting, and the small pure helpers every module's policy is built from.
 *
 * A staff member holds grants: (role, admin unit). A grant's scope is the unit's materialized path
 * ('75.731.' for a district); '' is national scope. A resource is in scope when its unit path starts with the
 * grant's path, so a district officer sees its communes and hamlets and nothing outside.
 */

import type { StaffRole } from './roles.ts';

/** The role lists live in `roles.ts` (plain data the web app imports too). */
export { ROLES, type Role, STAFF_ROLES, type StaffRole } from './roles.ts';

export interface Grant {
  role: StaffRole;
  /** null = national scope */
  unitCode: string | null;
  /** '' for national scope, else the unit's path ('75.731.') */
  unitPath: string;
}

export interface StaffActor {
  kind: 'staff';
  userId: string;
  username: string;
  displayName: string;
  grants: Grant[];
  sessionId: string;
}

export interface CitizenActor {
  kind: 'citizen';
  personId: string;
  phone: string;
  sessionId: string;
}

export interface SystemActor {
  kind: 'system';
  name: string;
}

export type Actor = StaffActor | CitizenActor | SystemActor;

export function isStaff(actor: Actor | undefined): actor is StaffActor {
  return actor?.kind === 'staff';
}

export function isCitizen(actor: Actor | undefined): actor is CitizenActor {
  return actor?.kind === 'citizen';
}

/** True when `unitPath` lies inside `scopePath` ('' contains everything). */
export function pathWithin(unitPath: string | null | undefined, scopePath: string): boolean {
  if (scopePath === '') return true;
  if (!unitPath) return false;
  return unitPath.startsWith(scopePath);
}

/** Grants of the actor that carry one of `roles`; `admin` always counts (the superuser). */
export function grantsFor(actor: Actor, roles: readonly StaffRole[]): Grant[] {
  if (actor.kind !== 'staff') return [];
  return actor.grants.filter((g) => g.role === 'admin' || roles.includes(g.role));
}

/** The system (CLI, seeders, event handlers) acts with full authority; it is never a request's actor. */
export function hasRole(actor: Actor, roles: readonly StaffRole[]): boolean {
  if (actor.kind === 'system') return true;
  return grantsFor(actor, roles).length > 0;
}

/** True when one of the actor's grants with an allowed role covers a resource at `unitPath`. */
export function inJurisdiction(
  actor: Actor,
  roles: readonly StaffRole[],
  unitPath: string | null | undefined,
): boolean {
  if (actor.kind === 'system') return true;
  return grantsFor(actor, roles).some((g) => pathWithin(unitPath, g.unitPath));
}

/**
 * The scope paths a list query must be filtered by: `'all'` for national scope, otherwise the unit paths
 * of the actor's matching grants (possibly empty = nothing visible). Repositories turn this into SQL.
 */
export type Scope = 'all' | string[];

export function scopeFor(actor: Actor, roles: readonly StaffRole[]): Scope {
  if (actor.kind === 'system') return 'all';
  const grants = grantsFor(actor, roles);
  if (grants.some((g) => g.unitPath === '')) return 'all';
  return grants.map((g) => g.unitPath);
}
