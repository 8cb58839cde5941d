/**
 * Green pass: citizens fetch their own passes and their dependants' (checked by the service against the people
 * module's dependants); anyone may read the trust list, the revocation list and the rules, and ask the server to
 * verify a code. Health workers revoke certificates; health workers and leaders read the figures; admins publish
 * rules and rotate the signer key. Certificates have no unit of their own here: staff actions are national-scope
 * data (the revocation list is national), so only the role decides.
 */
import { definePolicy, type Policy } from '../../platform/authorize.ts';
import { greenpassActions } from './constants.ts';

export type GreenpassAction = keyof typeof greenpassActions;

export const greenpassPolicy: Policy<GreenpassAction, { unitPath: string | null }> = definePolicy({
  roles: greenpassActions,
  unitPath: (r) => r.unitPath,
  notFound: 'GREENPASS_NOT_FOUND',
});
