/**
 * CertLogic — the EU DCC business-rule language (a JSON-logic dialect; specification 1.x of the eHealth Network's
 * dgc-business-rules): an evaluator of its operators (`var`, `if`, `===`, `and`, `<` `>` `<=` `>=`, `in`, `+`, `!`,
 * `plusTime`, `before`/`after`/`not-before`/`not-after`, `reduce`, `extractFromUVCI`, `dccDateOfBirth`) and the
 * runner that applies EU-format rules ({Identifier, CertificateType, ValidFrom, ValidTo, Logic, Description, …}) to a
 * DCC with value sets as data — so a province publishes rules and value sets, and EU rule sets load as they are.
 * It follows the specification (1.2.x) and passes every assertion of the specification's published test suite
 * (test/fixtures/certlogic, run by certlogic-suite.test.ts). The reference implementation is on npm (certlogic-js);
 * this one is kept because it also runs in the browser verifier's small chunk, bounds the nesting of untrusted rule
 * sets (MAX_DEPTH) and never calls eval — see the module README.
 */
export class CertLogicError extends Error {}

type Data = unknown;

const isDict = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** CertLogic truthiness: false, null, 0, '', [] and {} are falsy. */
export function isTruthy(v: unknown): boolean {
  if (v === false || v === null || v === undefined || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isDict(v)) return Object.keys(v).length > 0;
  return true;
}

class DateTime {
  constructor(readonly ms: number) {}
}

function parseDateTime(s: unknown): DateTime {
  if (s instanceof DateTime) return s;
  if (typeof s !== 'string') throw new CertLogicError('not a date-time');
  // a partial date (YYYY or YYYY-MM, as dates of birth may be) is its latest day, as dccDateOfBirth reads it
  // (the specification's test suite, recognising-minors-with-plusTime)
  if (/^\d{4}(?:-\d{2})?$/.test(s.trim())) return dccDateOfBirth(s);
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(
      s.trim(),
    );
  if (!m) throw new CertLogicError(`not a date-time: ${s}`);
  const ms = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4] ?? 0),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
    Number((m[7] ?? '0').slice(0, 3).padEnd(3, '0')),
  );
  let offset = 0;
  const z = m[8];
  if (z && z !== 'Z') {
    const sign = z[0] === '-' ? -1 : 1;
    const digits = z.slice(1).replace(':', '');
    offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0)) * 60_000;
  }
  return new DateTime(ms - offset);
}

function plusTime(base: DateTime, amount: number, unit: string): DateTime {
  const d = new Date(base.ms);
  switch (unit) {
    case 'year':
      d.setUTCFullYear(d.getUTCFullYear() + amount);
      break;
    case 'month':
      d.setUTCMonth(d.getUTCMonth() + amount);
      break;
    case 'day':
      return new DateTime(base.ms + amount * 86_400_000);
    case 'hour':
      return new DateTime(base.ms + amount * 3_600_000);
    default:
      throw new CertLogicError(`unknown time unit ${unit}`);
  }
  return new DateTime(d.getTime());
}

function dccDateOfBirth(dob: unknown): DateTime {
  if (typeof dob !== 'string') throw new CertLogicError('dccDateOfBirth needs a text');
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(dob.trim());
  if (!m) throw new CertLogicError(`not a date of birth: ${dob}`);
  const y = Number(m[1]);
  if (m[3]) return new DateTime(Date.UTC(y, Number(m[2]) - 1, Number(m[3])));
  // a partial date of birth means the latest day it can be (the person is at least that old)
  if (m[2]) return new DateTime(Date.UTC(y, Number(m[2]), 0));
  return new DateTime(Date.UTC(y, 11, 31));
}

const MAX_DEPTH = 64;

export function evaluate(expr: unknown, data: Data, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw new CertLogicError('expression nested too deeply');
  if (typeof expr === 'string' || typeof expr === 'number' || typeof expr === 'boolean' || expr === null) return expr;
  if (Array.isArray(expr)) return expr.map((e) => evaluate(e, data, depth + 1));
  if (!isDict(expr)) throw new CertLogicError('invalid expression');
  const keys = Object.keys(expr);
  if (keys.length !== 1) throw new CertLogicError('an operation has exactly one operator');
  const op = keys[0] as string;
  const args = expr[op];
  const ev = (e: unknown) => evaluate(e, data, depth + 1);
  if (op === 'var') {
    const path = Array.isArray(args) ? args[0] : args;
    if (typeof path !== 'string') throw new CertLogicError('var needs a path');
    if (path === '') return data;
    let v: unknown = data;
    for (const part of path.split('.')) {
      if (v === null || v === undefined) return null;
      if (Array.isArray(v)) v = /^\d+$/.test(part) ? v[Number(part)] : undefined;
      else if (isDict(v)) v = v[part];
      else return null;
    }
    return v === undefined ? null : v;
  }
  if (!Array.isArray(args)) throw new CertLogicError(`${op} needs an array of operands`);
  switch (op) {
    case 'if': {
      if (args.length !== 3) throw new CertLogicError('if needs three operands');
      return isTruthy(ev(args[0])) ? ev(args[1]) : ev(args[2]);
    }
    case 'and': {
      if (args.length < 2) throw new CertLogicError('and needs at least two operands');
      let last: unknown;
      for (const a of args) {
        last = ev(a);
        if (!isTruthy(last)) return last;
      }
      return last;
    }
    case '!':
      return !isTruthy(ev(args[0]));
    case '===':
      return ev(args[0]) === ev(args[1]);
    case 'in': {
      const r = ev(args[1]);
      if (!Array.isArray(r)) throw new CertLogicError('in needs an array');
      return r.includes(ev(args[0]));
    }
    case '+': {
      const [a, b] = [ev(args[0]), ev(args[1])];
      if (!Number.isInteger(a) || !Number.isInteger(b)) throw new CertLogicError('+ needs integers');
      return (a as number) + (b as number);
    }
    case '<':
    case '>':
    case '<=':
    case '>=': {
      const vs = args.map(ev);
      if (vs.some((v) => typeof v !== 'number')) throw new CertLogicError(`${op} needs integers`);
      return chain(op, vs as number[]);
    }
    case 'before':
    case 'after':
    case 'not-before':
    case 'not-after': {
      const vs = args.map(ev);
      if (vs.some((v) => !(v instanceof DateTime))) throw new CertLogicError(`${op} needs date-times (use plusTime)`);
      const sym = { before: '<', after: '>', 'not-before': '>=', 'not-after': '<=' }[op];
      return chain(
        sym,
        (vs as DateTime[]).map((d) => d.ms),
      );
    }
    case 'plusTime': {
      const [base, amount, unit] = [ev(args[0]), args[1], args[2]];
      if (!Number.isInteger(amount) || typeof unit !== 'string') throw new CertLogicError('plusTime(date, int, unit)');
      return plusTime(parseDateTime(base), amount as number, unit);
    }
    case 'reduce': {
      const list = ev(args[0]);
      let acc = ev(args[2]);
      if (list === null) return acc;
      if (!Array.isArray(list)) throw new CertLogicError('reduce needs an array');
      for (const current of list) acc = evaluate(args[1], { current, accumulator: acc, data }, depth + 1);
      return acc;
    }
    case 'extractFromUVCI': {
      const [uvci, index] = [ev(args[0]), args[1]];
      if (typeof uvci !== 'string' || !Number.isInteger(index)) return null;
      const fragments = uvci.replace(/^URN:UVCI:/i, '').split(/[/#:]/);
      return fragments[index as number] ?? null;
    }
    case 'dccDateOfBirth':
      return dccDateOfBirth(ev(args[0]));
    default:
      throw new CertLogicError(`unknown operator ${op}`);
  }
}

function chain(op: string, vs: number[]): boolean {
  if (vs.length < 2 || vs.length > 3) throw new CertLogicError(`${op} needs two or three operands`);
  for (let i = 0; i + 1 < vs.length; i++) {
    const [a, b] = [vs[i] as number, vs[i + 1] as number];
    const ok = op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
    if (!ok) return false;
  }
  return true;
}

// ---- rules -------------------------------------------------------------------------------------------------------

export interface BusinessRule {
  Identifier: string;
  Type?: string;
  Country?: string;
  Version?: string;
  /** 'General' | 'Vaccination' | 'Test' | 'Recovery' */
  CertificateType: string;
  Description?: Array<{ lang: string; desc: string }>;
  ValidFrom?: string;
  ValidTo?: string;
  AffectedFields?: string[];
  Logic: unknown;
}

export interface RuleOutcome {
  identifier: string;
  passed: boolean;
  /** The rule could not be evaluated (a malformed rule or field): counts as not passed. */
  error?: string;
  description?: string;
}

const TYPE_OF: Record<string, string> = { v: 'Vaccination', t: 'Test', r: 'Recovery' };

/**
 * What makes a rule unusable: a field that decides whether or which of its versions applies (`Version`, `ValidFrom`,
 * `ValidTo`) that is not what the EU rule format says it is. Such a rule is not skipped — it fails (closed), so a
 * garbled rule set turns passes yellow instead of dropping a check or failing the verification.
 */
function ruleProblem(r: BusinessRule): string | undefined {
  if (r.Version !== undefined && r.Version !== null && typeof r.Version !== 'string') return 'Version is not a string';
  for (const field of ['ValidFrom', 'ValidTo'] as const) {
    const v: unknown = r[field];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) return `${field} is not a date-time`;
  }
  return undefined;
}

/** The rule's description in `lang` (else its first); a malformed `Description` has none. */
function descriptionOf(r: BusinessRule, lang: string | undefined): string | undefined {
  const list: unknown = r.Description;
  if (!Array.isArray(list)) return undefined;
  const texts = list.filter(
    (d): d is { lang: unknown; desc: string } =>
      d !== null && typeof d === 'object' && typeof (d as { desc?: unknown }).desc === 'string',
  );
  return (texts.find((d) => d.lang === lang) ?? texts[0])?.desc;
}

/**
 * Applies the rules in force at `clock` that concern the certificate's type (and the General ones) — of each
 * Identifier only the newest Version — and reports each one's outcome. Never throws: a rule set that is not a list,
 * or a rule whose metadata is malformed (`ruleProblem`), is reported as a failed rule.
 */
export function runRules(
  rules: BusinessRule[],
  input: {
    payload: Record<string, unknown>;
    type?: 'v' | 't' | 'r';
    valueSets: Record<string, string[]>;
    clock: Date;
    iat?: number;
    exp?: number;
    countryCode: string;
    lang?: string;
  },
): RuleOutcome[] {
  if (!Array.isArray(rules)) return [{ identifier: 'RULES', passed: false, error: 'the rule set is not a list' }];
  const clockIso = input.clock.toISOString();
  const inForce = new Map<string, BusinessRule>();
  const broken = new Map<string, RuleOutcome>();
  for (const r of rules) {
    if (r === null || typeof r !== 'object' || typeof r.Identifier !== 'string') continue;
    if (r.CertificateType !== 'General' && r.CertificateType !== TYPE_OF[input.type ?? '']) continue;
    const problem = ruleProblem(r);
    if (problem) {
      // a malformed version out of force by dates it does state plainly (expired, not yet valid) is no rule at all;
      // one whose dates cannot be read fails closed
      const at = (v: unknown) => (typeof v === 'string' ? Date.parse(v) : Number.NaN);
      if (at(r.ValidTo) < input.clock.getTime() || at(r.ValidFrom) > input.clock.getTime()) continue;
      broken.set(r.Identifier, {
        identifier: r.Identifier,
        passed: false,
        error: `malformed rule: ${problem}`,
        description: descriptionOf(r, input.lang),
      });
      continue;
    }
    if (r.ValidFrom && Date.parse(r.ValidFrom) > input.clock.getTime()) continue;
    if (r.ValidTo && Date.parse(r.ValidTo) < input.clock.getTime()) continue;
    const prior = inForce.get(r.Identifier);
    if (!prior || compareVersions(r.Version, prior.Version) > 0) inForce.set(r.Identifier, r);
  }
  const data = {
    payload: input.payload,
    external: {
      valueSets: input.valueSets,
      validationClock: clockIso,
      countryCode: input.countryCode,
      exp: input.exp === undefined ? null : new Date(input.exp * 1000).toISOString(),
      iat: input.iat === undefined ? null : new Date(input.iat * 1000).toISOString(),
    },
  };
  const evaluated = [...inForce.values()]
    .filter((r) => !broken.has(r.Identifier))
    .map((r): RuleOutcome => {
      const description = descriptionOf(r, input.lang);
      try {
        return { identifier: r.Identifier, passed: evaluate(r.Logic, data) === true, description };
      } catch (err) {
        return { identifier: r.Identifier, passed: false, error: (err as Error).message, description };
      }
    });
  return [...evaluated, ...broken.values()];
}

function compareVersions(a: string | null | undefined, b: string | null | undefined): number {
  const pa = (a ?? '0').split('.').map(Number);
  const pb = (b ?? '0').split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
