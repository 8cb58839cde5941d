/**
 * The declarations module's value lists and role lists (its dependency-free `constants.ts`): the screens offer
 * exactly what the server accepts, and a role sees a declaration screen exactly when the server's policy lets it.
 */
export {
  AGENCY_MANAGER_ROLES,
  CIVIL_SERVICE_TARGET,
  DECLARATION_STATS_ROLES,
  DECLARATION_TYPES,
  DECLARE_FOR_ROLES,
  ENTERPRISE_LEVELS,
  ENTERPRISE_OVERSIGHT_ROLES,
  FLAG_REASONS,
  HEALTH_TASK_ROLES,
  HEALTH_TASK_STATUSES,
  ORGANISATION_READ_ROLES,
} from '../../server/modules/declarations/constants.ts';
