/**
 * Who may see and change people. Staff act inside their jurisdiction; citizens act on themselves and on the
 * dependants they manage. `leader` (read-only reports) and `venue_manager` never read person records here.
 */
import { type Actor, inJurisdiction } from '../../platform/access.ts';
import { peopleActions } from './constants.ts';

/** The roles each action needs: plain data in `constants.ts`, which the web app reads too. */
export { peopleActions };

export type PeopleAction = keyof typeof peopleActions;

export interface PersonResource {
  id: string;
  /** the person's unit path; null for a self-registered citizen who has not said where they live */
  unitPath: string | null;
  /** citizens who manage this person (guardians) */
  guardianIds?: string[];
}

export function isSelfOrDependant(actor: Actor, person: PersonResource): boolean {
  return (
    actor.kind === 'citizen' && (actor.personId === person.id || (person.guardianIds ?? []).includes(actor.personId))
  );
}

export function can(actor: Actor, action: PeopleAction, person: PersonResource): boolean {
  if (actor.kind === 'system') return true;
  if (actor.kind === 'citizen')
    return (action === 'people.read' || action === 'people.update') && isSelfOrDependant(actor, person);
  return inJurisdiction(actor, peopleActions[action], person.unitPath);
}
