/**
 * Cases and contacts: tracers and health workers in the jurisdiction of the case's (or contact's) unit.
 * Check-ins are only ever seen through a case (its venues, its contacts), and every such view is audited.
 */
import { type Actor, inJurisdiction } from '../../platform/access.ts';
import { caseActions } from './constants.ts';

/** The roles each action needs: plain data in `constants.ts`, which the web app reads too. */
export { caseActions };

export type CaseAction = keyof typeof caseActions;

export function can(actor: Actor, action: CaseAction, resource: { unitPath: string | null }): boolean {
  if (actor.kind === 'system') return true;
  if (actor.kind === 'citizen') return false;
  return inJurisdiction(actor, caseActions[action], resource.unitPath);
}
