/**
 * Exposure notification: tracers and health workers issue verification codes for, and read the Bluetooth contacts
 * of, the cases in their jurisdiction (the case's unit). Publishing a batch is the system's (the hourly job, the CLI)
 * or a national admin's. Citizens reach this module without a role: the code, the token and their own consent are
 * their authority, checked by the service.
 */
import { definePolicy, type Policy } from '../../platform/authorize.ts';
import { exposureActions } from './constants.ts';

export { exposureActions };

export type ExposureAction = keyof typeof exposureActions;

/** A case as this module sees it: where it lies. */
export interface CaseResource {
  /** the case's unit path; null when the case has no unit (then only national scope reaches it) */
  unitPath: string | null;
}

export const exposurePolicy: Policy<ExposureAction, CaseResource> = definePolicy<ExposureAction, CaseResource>({
  roles: exposureActions,
  unitPath: (c) => c.unitPath,
  notFound: 'CASE_NOT_FOUND',
});
