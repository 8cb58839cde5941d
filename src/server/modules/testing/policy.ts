/**
 * Testing: collectors (health workers) act where a tube is collected; a lab's staff act for the labs in their area
 * (intake, results, imports), whatever commune the tubes came from; planners and statistics readers by area; labs,
 * API keys and settings are the admins'. Services go through `authorize`/`authorizeAt`/`scopeOf`
 * (platform/authorize.ts) with these policies; `can` is the pure rule.
 */
import type { Actor } from '../../platform/access.ts';
import { can as canDo, definePolicy } from '../../platform/authorize.ts';
import { testingActions } from './constants.ts';

export { testingActions };

export type TestingAction = keyof typeof testingActions;

/** Anything placed in a unit: a tube (where it was collected), a lab, a campaign's area, a task's commune. */
export interface PlacedResource {
  unitPath: string | null;
}

/** Tubes, by the unit they were collected in. */
export const samplePolicy = definePolicy<TestingAction, PlacedResource>({
  roles: testingActions,
  unitPath: (r) => r.unitPath,
  notFound: 'SAMPLE_NOT_FOUND',
});

/** Labs, by the unit they stand in: a lab grant over a district reaches the labs of that district. */
export const labPolicy = definePolicy<TestingAction, PlacedResource>({
  roles: testingActions,
  unitPath: (r) => r.unitPath,
  notFound: 'LAB_NOT_FOUND',
});

export const campaignPolicy = definePolicy<TestingAction, PlacedResource>({
  roles: testingActions,
  unitPath: (r) => r.unitPath,
  notFound: 'CAMPAIGN_NOT_FOUND',
});

/** Places named in a request (a unit filter, where a tube is collected): out of reach is 404 UNIT_NOT_FOUND. */
export const unitPolicy = definePolicy<TestingAction, PlacedResource>({
  roles: testingActions,
  unitPath: (r) => r.unitPath,
  notFound: 'UNIT_NOT_FOUND',
});

/** True when the actor may do `action` to a resource at this place (the pure rule). */
export function can(actor: Actor, action: TestingAction, resource: PlacedResource): boolean {
  return canDo(samplePolicy, actor, action, resource);
}
