/**
 * The greenpass module's plain data: validity periods, the issuer, value-set codes of what we issue, the verifier's
 * reason codes and the staff roles of each action. It imports nothing but types, so the web app imports it at run
 * time.
 */
import type { StaffRole } from '../../platform/roles.ts';

export const GP_COUNTRY = 'VN';
/** The certificate issuer (`is`, at most 80 characters) and the UVCI's issuing entity. */
export const GP_ISSUER = 'Bộ Y tế Việt Nam (Truyvet)';
export const GP_UVCI_ENTITY = 'TRUYVET';

export const GP_TYPES = ['v', 't', 'r'] as const;
export type GpType = (typeof GP_TYPES)[number];

/** A negative RT-PCR is valid 72 h from sample collection, a rapid antigen test 48 h. */
export const GP_TEST_VALID_HOURS = { pcr: 72, antigen: 48 } as const;
/** A full primary series counts 14 days after its last dose; a vaccination certificate is issued for 365 days. */
export const GP_VACCINATION_WAIT_DAYS = 14;
export const GP_VACCINATION_VALID_DAYS = 365;
/** Recovery: from day 11 after the first positive test until day 180. */
export const GP_RECOVERY_FROM_DAYS = 11;
export const GP_RECOVERY_UNTIL_DAYS = 180;

/** Value-set codes (EU eHealth Network value sets). */
export const GP_CODES = {
  disease: '840539006', // COVID-19
  testNaat: 'LP6464-4', // nucleic acid amplification (RT-PCR)
  testRat: 'LP217198-3', // rapid immunoassay (antigen)
  notDetected: '260415000',
  detected: '260373001',
} as const;

/** What the citizen's page says of a certificate. */
export const GP_STATUSES = ['vaccinated-full', 'vaccinated-partial', 'test-negative', 'recovered'] as const;
export type GpStatus = (typeof GP_STATUSES)[number];

export const GP_VERDICTS = ['green', 'yellow', 'red'] as const;
export type GpVerdict = (typeof GP_VERDICTS)[number];

/** The staff roles allowed each greenpass action; `admin` passes every check. */
export const greenpassActions = {
  /** put a certificate on the revocation list */
  'greenpass.revoke': ['health_worker'],
  /** issuance, verification and revocation figures */
  'greenpass.stats': ['health_worker', 'leader'],
  /** publish business rules and value sets, rotate the signer key */
  'greenpass.admin': [],
} as const satisfies Record<string, readonly StaffRole[]>;
