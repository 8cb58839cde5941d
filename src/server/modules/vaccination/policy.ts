/**
 * Vaccination access: staff act on people and sites inside their area (a vaccinator records doses for people of
 * their area at sites of their area; a doctor also overrides rules and voids doses); a citizen registers, reads,
 * requests corrections and declares doses given elsewhere for themself and their dependants; corrections are decided
 * by reviewers whose area holds the dose's site. Services go through `authorize`/`authorizeAt`/`scopeOf`.
 */
import type { Actor, CitizenActor } from '../../platform/access.ts';
import { can as canDo, definePolicy } from '../../platform/authorize.ts';
import { vaccinationActions } from './constants.ts';

export { vaccinationActions };

export type VaccinationAction = keyof typeof vaccinationActions;

/** The person a registration, a dose or a request is about. */
export interface SubjectResource {
  personId: string;
  unitPath: string | null;
  guardianIds: readonly string[];
}

/** Anything placed in a unit: a site, a correction (its dose's site), a statistic's area. */
export interface PlacedResource {
  unitPath: string | null;
}

const selfOrDependant = (actor: CitizenActor, s: SubjectResource) =>
  s.personId === actor.personId || s.guardianIds.includes(actor.personId);

export const subjectPolicy = definePolicy<VaccinationAction, SubjectResource>({
  roles: vaccinationActions,
  citizen: {
    'vaccination.register': selfOrDependant,
    'vaccination.read': selfOrDependant,
    'vaccination.request': selfOrDependant,
  },
  unitPath: (s) => s.unitPath,
  notFound: 'PERSON_NOT_FOUND',
});

export const sitePolicy = definePolicy<VaccinationAction, PlacedResource>({
  roles: vaccinationActions,
  unitPath: (r) => r.unitPath,
  notFound: 'VACCINATION_SITE_NOT_FOUND',
});

export const correctionPolicy = definePolicy<VaccinationAction, PlacedResource>({
  roles: vaccinationActions,
  unitPath: (r) => r.unitPath,
  notFound: 'VACCINATION_CORRECTION_NOT_FOUND',
});

export const dosePolicy = definePolicy<VaccinationAction, PlacedResource>({
  roles: vaccinationActions,
  unitPath: (r) => r.unitPath,
  notFound: 'VACCINATION_DOSE_NOT_FOUND',
});

export const unitPolicy = definePolicy<VaccinationAction, PlacedResource>({
  roles: vaccinationActions,
  unitPath: (r) => r.unitPath,
  notFound: 'UNIT_NOT_FOUND',
});

/** True when the actor may do `action` for this subject (the pure rule). */
export function can(actor: Actor, action: VaccinationAction, subject: SubjectResource): boolean {
  return canDo(subjectPolicy, actor, action, subject);
}
