/**
 * The API's value lists (statuses, categories, relations…): the server's own, from its dependency-free
 * `constants.ts` files, so a select never offers a value the server refuses, nor misses one it accepts. Pages take
 * them from here (the web app reaches the server only from src/web/lib); the bundle gets the arrays, no server code.
 * The list of staff roles is in `staff-roles.ts`: only the staff-management page needs it, and a list re-exported here
 * lands in the citizen's first download.
 */
export {
  CASE_STATUSES,
  FOLLOW_UPS,
  SETTABLE_FOLLOW_UPS,
  VIA_TYPES,
} from '../../server/modules/cases/constants.ts';
export { MAX_BATCH } from '../../server/modules/checkins/constants.ts';
export { RELATIONS, SEXES } from '../../server/modules/people/constants.ts';
export { VENUE_CATEGORIES } from '../../server/modules/venues/constants.ts';
