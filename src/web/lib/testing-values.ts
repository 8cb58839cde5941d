/**
 * The testing module's value lists and role lists (its dependency-free `constants.ts`): the selects offer exactly what
 * the server accepts, and a role sees a testing screen exactly when the server's policy lets it do that work.
 */
export {
  COLLECT_ROLES,
  LAB_ROLES,
  REJECT_REASONS,
  RESULTS,
  SAMPLE_KINDS,
  TESTING_STATS_ROLES,
} from '../../server/modules/testing/constants.ts';
