/**
 * The audit log viewer: administrators only, and only about people inside their own scope — a district admin learns
 * who saw the district's residents, never who saw someone elsewhere. A person out of reach is "not found", the same
 * as an unknown id; any other role is refused (403), citizens included.
 */
import type { Actor } from '../../platform/access.ts';
import { can as allowed, definePolicy, type Policy } from '../../platform/authorize.ts';
import type { StaffRole } from '../../platform/roles.ts';

export const auditActions = {
  /** who accessed a person; no role but `admin` (which passes every check within its scope) */
  'audit.read': [] as StaffRole[],
} as const;

export type AuditAction = keyof typeof auditActions;

/** The person the question is about, by where they live (null: no unit, only national scope reaches them). */
export interface AuditSubject {
  unitPath: string | null;
}

export const auditPolicy: Policy<AuditAction, AuditSubject> = definePolicy<AuditAction, AuditSubject>({
  roles: auditActions,
  unitPath: (subject) => subject.unitPath,
  notFound: 'PERSON_NOT_FOUND',
});

/** True when the actor may do `action` about this person (pure; the policy tests read it). */
export function can(actor: Actor, action: AuditAction, subject: AuditSubject): boolean {
  return allowed(auditPolicy, actor, action, subject);
}
