/**
 * The audit log viewer: administrators only, and only about people inside their own scope — a district admin learns
 * who saw the district's residents, never who saw someone elsewhere.
 */
import { type Actor, inJurisdiction, type StaffRole } from '../../platform/access.ts';

export const auditActions = {
  /** who accessed a person */
  'audit.read': [] as StaffRole[],
} as const;

export type AuditAction = keyof typeof auditActions;

/** `admin` passes through `inJurisdiction` (the empty role list leaves only admin grants). */
export function can(actor: Actor, action: AuditAction, resource: { unitPath: string | null }): boolean {
  if (actor.kind === 'citizen') return false;
  return inJurisdiction(actor, auditActions[action], resource.unitPath);
}
