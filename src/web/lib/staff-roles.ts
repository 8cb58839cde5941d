/**
 * The roles a staff grant may carry, for the staff-management page: the server's list (`platform/roles.ts`). Apart
 * from `api-values.ts` so that it stays in the staff chunk (a re-export there lands in the citizen's first download).
 */
export { STAFF_ROLES } from '../../server/platform/roles.ts';
