/**
 * Cases and contacts: tracers and health workers in the jurisdiction of the case's unit (or, for a contact's
 * identity and follow-up, of where the contact lives); venue alerts for tracers in the venue's jurisdiction.
 * Check-ins are only ever seen through a case (its venues, its contacts), and every such view is audited.
 * No case action is a citizen's: citizens read only their own exposure notices and quarantine orders, which
 * `citizen.ts` selects by the signed-in person and nothing else.
 *
 * Services go through `platform/authorize.ts` with these policies: `authorize(…)` for each loaded record (403 when
 * the role can never do the action, else the policy's 404 whether the record is missing or out of reach),
 * `scopeOf(…)` for the lists the repository filters in SQL.
 */
import type { Actor } from '../../platform/access.ts';
import { can as allowed, mayEver as allowedSomewhere, definePolicy, type Policy } from '../../platform/authorize.ts';
import { AppError } from '../../platform/errors.ts';
import { caseActions } from './constants.ts';

/** The roles each action needs: plain data in `constants.ts`, which the web app reads too. */
export { caseActions };

export type CaseAction = keyof typeof caseActions;

/**
 * Where a case, a contact, a person or a venue lies: its unit's materialized path (`75.731.25993.`), null when it
 * has no unit (then only national scope reaches it). Rows of the repository carry it as they are.
 */
export interface Located {
  unit_path: string | null;
}

/** The cases policy; a case out of reach is `CASE_NOT_FOUND`. */
export const casePolicy: Policy<CaseAction, Located> = definePolicy<CaseAction, Located>({
  roles: caseActions,
  unitPath: (resource) => resource.unit_path,
  notFound: 'CASE_NOT_FOUND',
});

/** The same rules for the person a case is opened for (`cases.create`): out of reach is `PERSON_NOT_FOUND`. */
export const personPolicy: Policy<CaseAction, Located> = { ...casePolicy, notFound: 'PERSON_NOT_FOUND' };

/** The same rules for a contact, by where the contact lives (their follow-up as a task of that area). */
export const contactPolicy: Policy<CaseAction, Located> = { ...casePolicy, notFound: 'CONTACT_NOT_FOUND' };

/** The same rules for the venue of a venue alert (`cases.venueAlert`). */
export const venuePolicy: Policy<CaseAction, Located> = { ...casePolicy, notFound: 'VENUE_NOT_FOUND' };

/**
 * The same rules for a quarantine order, by where it was issued (`cases.readQuarantine`, `cases.updateQuarantine`):
 * out of reach is `QUARANTINE_ORDER_NOT_FOUND`.
 */
export const quarantinePolicy: Policy<CaseAction, Located> = { ...casePolicy, notFound: 'QUARANTINE_ORDER_NOT_FOUND' };

/** True when the actor may do `action` to something at `resource.unit_path` (pure; tests and row filtering). */
export function can(actor: Actor, action: CaseAction, resource: Located): boolean {
  return allowed(casePolicy, actor, action, resource);
}

/** True when the actor's role could do `action` somewhere: false means 403 whatever the record. */
export function mayEver(actor: Actor, action: CaseAction): boolean {
  return allowedSomewhere(casePolicy, actor, action);
}

/** 403 FORBIDDEN when the actor's role can never do `action`: checked before anything is looked up. */
export function requireMayEver(actor: Actor, action: CaseAction): void {
  if (!mayEver(actor, action)) throw new AppError('FORBIDDEN', 403);
}
