/**
 * The dose rules as pure functions over the products' data: which rule a new dose breaks given the person's valid
 * doses, what a person's coverage status is, and when their next dose is due. No I/O: the service loads the rows.
 */
import { localDate } from '../../platform/sms.ts';
import type { AgeBand, DoseRuleCode } from './constants.ts';

export interface ProductRule {
  code: string;
  dosesInPrimarySeries: number;
  minIntervalDays: number;
  recommendedIntervalDays: number;
  /** products a next dose of the primary series may be, besides this one */
  mixWith: readonly string[];
  /** products a booster after this product's primary series may be */
  boosterProducts: readonly string[];
  boosterMinIntervalDays: number;
  minAgeYears: number;
  maxAgeYears: number | null;
}

export interface PriorDose {
  productCode: string;
  doseNumber: number;
  givenAt: Date;
}

export interface NextDoseInput {
  productCode: string;
  doseNumber: number;
  givenAt: Date;
  /** age in years on the day of the dose; null when the birth year is unknown */
  ageYears: number | null;
}

const DAY_MS = 86_400_000;

/** Days between two instants, in whole days (a dose on day 21 after the first is 21 days, whatever the hour). */
export function daysBetween(earlier: Date, later: Date): number {
  const local = (d: Date) => Math.floor((d.getTime() + 7 * 3_600_000) / DAY_MS); // Asia/Ho_Chi_Minh calendar days
  return local(later) - local(earlier);
}

/** The number of doses in the person's primary series: that of the product of their first dose. */
function seriesLength(products: ReadonlyMap<string, ProductRule>, history: readonly PriorDose[], next?: string) {
  const first = history[0]?.productCode ?? next;
  return (first && products.get(first)?.dosesInPrimarySeries) || 2;
}

/**
 * The rules a new dose breaks (empty when none), given the person's valid doses in order of `givenAt`. The dose
 * number must follow the history; the interval since the previous dose must reach the previous product's minimum
 * (the booster interval once the primary series is complete); a different product must be an allowed mix (the
 * series product's booster list for boosters); the age must lie within the product's limits.
 */
export function doseViolations(
  products: ReadonlyMap<string, ProductRule>,
  history: readonly PriorDose[],
  next: NextDoseInput,
): DoseRuleCode[] {
  const problems: DoseRuleCode[] = [];
  const product = products.get(next.productCode);
  if (next.doseNumber !== history.length + 1) problems.push('VACCINATION_DOSE_NUMBER_INVALID');
  const prev = history[history.length - 1];
  const series = seriesLength(products, history, next.productCode);
  const primary = next.doseNumber <= series;
  if (prev) {
    const prevProduct = products.get(prev.productCode);
    const required = primary ? (prevProduct?.minIntervalDays ?? 0) : (prevProduct?.boosterMinIntervalDays ?? 0);
    if (next.givenAt.getTime() < prev.givenAt.getTime() || daysBetween(prev.givenAt, next.givenAt) < required) {
      problems.push('VACCINATION_INTERVAL_TOO_SHORT');
    }
    if (next.productCode !== prev.productCode) {
      const first = products.get(history[0]?.productCode ?? prev.productCode);
      const allowed = primary ? (prevProduct?.mixWith ?? []) : (first?.boosterProducts ?? []);
      if (!allowed.includes(next.productCode)) problems.push('VACCINATION_MIX_NOT_ALLOWED');
    }
  }
  if (product && next.ageYears !== null) {
    if (next.ageYears < product.minAgeYears || (product.maxAgeYears !== null && next.ageYears > product.maxAgeYears)) {
      problems.push('VACCINATION_AGE_NOT_ALLOWED');
    }
  }
  return problems;
}

/** A person's coverage: at least one dose, the full primary series, a booster. */
export interface CoverageStatus {
  dose1: boolean;
  full: boolean;
  booster: boolean;
}

export function coverageStatus(
  products: ReadonlyMap<string, ProductRule>,
  history: readonly PriorDose[],
): CoverageStatus {
  const n = history.length;
  const series = seriesLength(products, history);
  return { dose1: n >= 1, full: n >= series, booster: n > series };
}

export interface NextDue {
  doseNumber: number;
  /** the product of the previous dose (the same product is always allowed) */
  productCode: string;
  earliest: Date;
  recommended: Date;
  booster: boolean;
}

/** When the next dose is due (null before the first one: anyone registered may get dose 1). */
export function nextDue(products: ReadonlyMap<string, ProductRule>, history: readonly PriorDose[]): NextDue | null {
  const prev = history[history.length - 1];
  if (!prev) return null;
  const product = products.get(prev.productCode);
  const series = seriesLength(products, history);
  const booster = history.length >= series;
  const min = booster ? (product?.boosterMinIntervalDays ?? 90) : (product?.minIntervalDays ?? 0);
  const rec = booster ? min : Math.max(min, product?.recommendedIntervalDays ?? min);
  return {
    doseNumber: history.length + 1,
    productCode: prev.productCode,
    earliest: new Date(prev.givenAt.getTime() + min * DAY_MS),
    recommended: new Date(prev.givenAt.getTime() + rec * DAY_MS),
    booster,
  };
}

/** The oldest age a birth year derived from a national ID may give (older: not believed, the year stays unknown). */
export const DERIVED_MAX_AGE = 120;

/**
 * The birth year a 12-digit CCCD (citizen identity card) number says (Circular 59/2021/TT-BCA): its 4th digit is the
 * sex and century code — 0/1 the 1900s, 2/3 the 2000s, 4/5 the 2100s, 6/7 the 2200s, 8/9 the 2300s — and its 5th
 * and 6th digits are the last two digits of the birth year. Null for anything else, and for a year in the future or
 * more than `DERIVED_MAX_AGE` years ago (`now`'s year in Asia/Ho_Chi_Minh): a mistyped number gives no age.
 */
export function birthYearFromNationalId(nationalId: string | null | undefined, now: Date): number | null {
  if (!nationalId || !/^\d{12}$/.test(nationalId)) return null;
  const year = 1900 + Math.floor(Number(nationalId[3]) / 2) * 100 + Number(nationalId.slice(4, 6));
  const thisYear = Number(localDate(now).slice(0, 4));
  return year <= thisYear && thisYear - year <= DERIVED_MAX_AGE ? year : null;
}

/**
 * The birth year the dose's checks use: the recorded one, else the one the person's national ID says (verified, else
 * the number they claimed) — the seed's rule "complete the missing data before a dose" is met by the card's number.
 */
export function effectiveBirthYear(
  person: { birth_year: number | null; id_number?: string | null | undefined },
  now: Date,
): number | null {
  return person.birth_year ?? birthYearFromNationalId(person.id_number, now);
}

/** The age band of the statistics, from the birth year and the dose's year. */
export function ageBand(birthYear: number | null, at: Date): AgeBand {
  if (birthYear === null) return 'unknown';
  const age = at.getUTCFullYear() - birthYear;
  if (age < 18) return '0-17';
  if (age < 50) return '18-49';
  if (age < 65) return '50-64';
  return '65+';
}

/** The commune of a unit path (a hamlet's commune; `-` when unknown) and that commune's path. */
export function communeOf(unitPath: string | null): { code: string; path: string | null } {
  if (!unitPath) return { code: '-', path: null };
  const segments = unitPath.split('.').filter(Boolean);
  let i = segments.length - 1;
  while (i > 0 && segments[i]?.includes('-')) i--;
  return { code: segments[i] ?? '-', path: `${segments.slice(0, i + 1).join('.')}.` };
}

/** The screening outcome of a checklist's answers: any "defer" answer defers, else any "refer" refers. */
export function screeningOutcome(
  questions: readonly { id: string; outcome: 'defer' | 'refer' }[],
  answers: Readonly<Record<string, boolean>>,
): 'proceed' | 'defer' | 'refer' {
  const yes = questions.filter((q) => answers[q.id] === true);
  if (yes.some((q) => q.outcome === 'defer')) return 'defer';
  if (yes.some((q) => q.outcome === 'refer')) return 'refer';
  return 'proceed';
}

/** Checks an image's first bytes against its declared type (a photo that is not what it says is refused). */
export function imageMatches(contentType: string, bytes: Uint8Array): boolean {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (contentType === 'image/jpeg') return starts(0xff, 0xd8, 0xff);
  if (contentType === 'image/png') return starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
  if (contentType === 'image/webp') {
    return (
      starts(0x52, 0x49, 0x46, 0x46) &&
      bytes[8] === 0x57 &&
      bytes[9] === 0x45 &&
      bytes[10] === 0x42 &&
      bytes[11] === 0x50
    );
  }
  return false;
}
