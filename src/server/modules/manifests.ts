/** Every module's manifest, in one list: the ownership test and docs read it; the composition root builds the modules. */
import { manifest as adminUnits } from './admin-units/index.ts';
import { manifest as audit } from './audit/index.ts';
import { manifest as auth } from './auth/index.ts';
import { manifest as cases } from './cases/index.ts';
import { manifest as checkins } from './checkins/index.ts';
import { manifest as declarations } from './declarations/index.ts';
import { manifest as dev } from './dev/index.ts';
import { manifest as exposure } from './exposure/index.ts';
import { manifest as greenpass } from './greenpass/index.ts';
import { manifest as people } from './people/index.ts';
import { manifest as staff } from './staff/index.ts';
import { manifest as testing } from './testing/index.ts';
import { manifest as vaccination } from './vaccination/index.ts';
import { manifest as venues } from './venues/index.ts';

export const MANIFESTS = [
  adminUnits,
  people,
  staff,
  auth,
  audit,
  venues,
  checkins,
  cases,
  exposure,
  testing,
  declarations,
  vaccination,
  greenpass,
  dev,
];
