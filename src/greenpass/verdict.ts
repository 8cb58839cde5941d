/**
 * What a verifier shows: green (valid and meets the rules), yellow (a valid certificate that does not meet a rule
 * here — e.g. the series is not complete or the last dose too recent), red (not a valid certificate: unreadable,
 * unknown signer, forged, expired, revoked). Only the name and date of birth leave this function — never the rest
 * of the certificate — with the reason code and the failed rules' descriptions.
 */
import { type BusinessRule, runRules } from './certlogic.ts';
import { type ReasonCode, type VerifyOptions, verifyHcert } from './hcert.ts';

export type Verdict = 'green' | 'yellow' | 'red';

export interface PassCheck {
  valid: boolean;
  verdict: Verdict;
  /** 'OK', a verification reason code, or 'RULES' when a business rule failed. */
  reason: ReasonCode;
  holder?: { name: string; dob: string };
  /** Type of certificate: v, t or r. */
  type?: 'v' | 't' | 'r';
  /** Descriptions of the rules that failed (yellow). */
  failedRules?: Array<{ identifier: string; description?: string }>;
}

export interface PassCheckOptions extends VerifyOptions {
  rules: BusinessRule[];
  valueSets: Record<string, string[]>;
  countryCode?: string;
  lang?: string;
}

function holderOf(dcc: Record<string, unknown>): { name: string; dob: string } | undefined {
  const nam = dcc.nam as Record<string, unknown> | undefined;
  if (!nam || typeof nam !== 'object') return undefined;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const name = [str(nam.fn) || str(nam.fnt), str(nam.gn) || str(nam.gnt)].filter(Boolean).join(' ').replace(/</g, ' ');
  return { name: name.slice(0, 170), dob: str(dcc.dob).slice(0, 10) };
}

export async function checkPass(qr: unknown, options: PassCheckOptions): Promise<PassCheck> {
  const outcome = await verifyHcert(qr, options);
  if (!outcome.valid) {
    // the holder is shown for a certificate that decoded but is expired or revoked (so the checker knows whose it
    // was); never for one whose signature is unknown or wrong (its content is anyone's invention)
    const trustworthy = ['EXPIRED', 'REVOKED', 'NOT_YET_VALID', 'SIGNER_EXPIRED'].includes(outcome.reason);
    const holder = trustworthy && outcome.claims ? holderOf(outcome.claims.dcc) : undefined;
    return { valid: false, verdict: 'red', reason: outcome.reason, ...(holder ? { holder } : {}) };
  }
  const c = outcome.claims;
  const holder = holderOf(c.dcc);
  const results = runRules(options.rules, {
    payload: c.dcc,
    type: c.type,
    valueSets: options.valueSets,
    clock: options.now ?? new Date(),
    iat: c.iat,
    exp: c.exp,
    countryCode: options.countryCode ?? 'VN',
    lang: options.lang,
  });
  const failed = results.filter((r) => !r.passed);
  return {
    valid: true,
    verdict: failed.length ? 'yellow' : 'green',
    reason: failed.length ? 'RULES' : 'OK',
    ...(holder ? { holder } : {}),
    ...(c.type ? { type: c.type } : {}),
    ...(failed.length
      ? { failedRules: failed.map((f) => ({ identifier: f.identifier, description: f.description })) }
      : {}),
  };
}
