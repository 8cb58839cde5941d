/**
 * Declarations: a citizen declares for themself and their dependants and sees only those; commune staff declare for
 * anyone in their area and work the follow-up tasks there; statistics by area; forms, criteria and partner keys are
 * the admins'. Enterprises: registered and assessed by their owner (a citizen) or by the oversight staff of their
 * area (the commune and the industrial-park board), who also list, inspect and require re-assessment. Services go
 * through `authorize`/`authorizeAt`/`scopeOf` (platform/authorize.ts) with these policies; `can` is the pure rule.
 */
import type { Actor, CitizenActor } from '../../platform/access.ts';
import { can as canDo, definePolicy } from '../../platform/authorize.ts';
import { declarationActions } from './constants.ts';

export { declarationActions };

export type DeclarationAction = keyof typeof declarationActions;

/** Someone declared for: where they live, and (for a citizen actor) who their guardians are. */
export interface SubjectResource {
  personId: string;
  unitPath: string | null;
  guardianIds: readonly string[];
}

/** Anything placed in a unit: a task's commune, a statistic's area. */
export interface PlacedResource {
  unitPath: string | null;
}

export interface EnterpriseResource {
  unitPath: string;
  ownerPersonId: string | null;
}

const selfOrDependant = (actor: CitizenActor, s: SubjectResource) =>
  s.personId === actor.personId || s.guardianIds.includes(actor.personId);

export const subjectPolicy = definePolicy<DeclarationAction, SubjectResource>({
  roles: declarationActions,
  citizen: { 'declarations.create': selfOrDependant, 'declarations.read': selfOrDependant },
  unitPath: (s) => s.unitPath,
  notFound: 'PERSON_NOT_FOUND',
});

export const taskPolicy = definePolicy<DeclarationAction, PlacedResource>({
  roles: declarationActions,
  unitPath: (r) => r.unitPath,
  notFound: 'HEALTH_TASK_NOT_FOUND',
});

/** A unit named in a request (a filter, an enterprise's place): out of reach is 404 UNIT_NOT_FOUND. */
export const unitPolicy = definePolicy<DeclarationAction, PlacedResource>({
  roles: declarationActions,
  unitPath: (r) => r.unitPath,
  notFound: 'UNIT_NOT_FOUND',
});

const owns = (actor: CitizenActor, e: EnterpriseResource) => e.ownerPersonId === actor.personId;

export const enterprisePolicy = definePolicy<DeclarationAction, EnterpriseResource>({
  roles: declarationActions,
  citizen: {
    'enterprises.create': () => true,
    'enterprises.read': owns,
    'enterprises.assess': owns,
  },
  unitPath: (e) => e.unitPath,
  notFound: 'ENTERPRISE_NOT_FOUND',
});

/** An organisation (an agency, or an enterprise with its owner) and where it lies. */
export interface OrganisationResource {
  unitPath: string;
  kind: 'agency' | 'enterprise';
  ownerPersonId: string | null;
}

const ownsEnterprise = (actor: CitizenActor, o: OrganisationResource) =>
  o.kind === 'enterprise' && o.ownerPersonId === actor.personId;

/** Agencies: the area's staff; an enterprise's list: its owner and the oversight staff (park board included). */
export const organisationPolicy = definePolicy<DeclarationAction, OrganisationResource>({
  roles: declarationActions,
  citizen: { 'organisations.enterprises': ownsEnterprise, 'organisations.read': ownsEnterprise },
  unitPath: (o) => o.unitPath,
  notFound: 'ORGANISATION_NOT_FOUND',
});

/** True when the actor may do `action` for this subject (the pure rule). */
export function can(actor: Actor, action: DeclarationAction, subject: SubjectResource): boolean {
  return canDo(subjectPolicy, actor, action, subject);
}
