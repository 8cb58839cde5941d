/**
 * Cases and contacts: tracers and health workers in the jurisdiction of the case's (or contact's) unit.
 * Check-ins are only ever seen through a case (its venues, its contacts), and every such view is audited.
 */
import { type Actor, inJurisdiction, type StaffRole } from '../../platform/access.ts';

export const caseActions = {
  'cases.create': ['tracer', 'health_worker'] as StaffRole[],
  'cases.read': ['tracer', 'health_worker'] as StaffRole[],
  'cases.update': ['tracer', 'health_worker'] as StaffRole[],
  /** alert everyone present at a venue during a window */
  'cases.venueAlert': ['tracer'] as StaffRole[],
} as const;

export type CaseAction = keyof typeof caseActions;

export function can(actor: Actor, action: CaseAction, resource: { unitPath: string | null }): boolean {
  if (actor.kind === 'system') return true;
  if (actor.kind === 'citizen') return false;
  return inJurisdiction(actor, caseActions[action], resource.unitPath);
}
