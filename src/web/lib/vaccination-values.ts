/**
 * The vaccination module's value lists and role lists (its dependency-free `constants.ts`): the selects offer exactly
 * what the server accepts, and a role sees a vaccination screen exactly when the server's policy lets it.
 */
export {
  AEFI_SEVERITIES,
  AEFI_SYMPTOMS,
  APPROVE_REASONS,
  CORRECTION_FIELDS,
  EVIDENCE_MAX_BYTES,
  OBSERVATION_MINUTES,
  PLANNER_ROLES,
  REJECT_REASONS,
  REVIEWER_ROLES,
  STATS_ROLES as VACCINATION_STATS_ROLES,
  VACCINATOR_ROLES,
} from '../../server/modules/vaccination/constants.ts';
