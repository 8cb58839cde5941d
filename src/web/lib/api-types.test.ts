/**
 * One source of API types: the web app's request/response types and value lists are the server's, and this file
 * fails when the two drift apart or when the web app starts importing server code into the browser.
 * - type level (checked by `tsc --noEmit`, which `npm test` runs): the web's narrower shapes still fit the server's
 *   schemas, and the value lists are exactly what the schemas accept;
 * - run time: the web's imports from src/server are `import type` or dependency-free constants files, and only in
 *   src/web/lib; the schemas validate with the very lists the web shows; the web's role lists give the answer the
 *   server's policy gives.
 * (`api-contract.int.test.ts` checks that the schemas named in `api-types.ts` are what the routes answer.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { can as caseCan } from '../../server/modules/cases/policy.ts';
import * as CaseSchemas from '../../server/modules/cases/schemas.ts';
import * as CheckinSchemas from '../../server/modules/checkins/schemas.ts';
import { can as peopleCan } from '../../server/modules/people/policy.ts';
import * as PeopleSchemas from '../../server/modules/people/schemas.ts';
import { can as staffCan } from '../../server/modules/staff/policy.ts';
import { can as venueCan } from '../../server/modules/venues/policy.ts';
import * as VenueSchemas from '../../server/modules/venues/schemas.ts';
import type { StaffActor } from '../../server/platform/access.ts';
import { STAFF_ROLES } from '../../server/platform/roles.ts';
import type { CheckinBody } from '../modules/checkins/checkinApi.ts';
import type { QueuedCheckin } from '../modules/checkins/queue.ts';
import type {
  BatchItem,
  CaseStatus,
  CheckinEvidence,
  CheckinInput,
  CheckinResult,
  Contact,
  ContactTaskBody,
  CreateVenueBody,
  DependantBody,
  FollowUp,
  Me,
  Person,
  Relation,
  Sex,
  StaffRole,
  StaffUser,
  UpdateCaseBody,
  VenueCategory,
  VenueView,
  Zone,
} from './api-types.ts';
import {
  CASE_DASHBOARD_ROLES,
  CASE_ROLES,
  hasRole,
  PEOPLE_ROLES,
  PEOPLE_UPDATE_ROLES,
  QUARANTINE_ROLES,
  STAFF_ADMIN_ROLES,
  VENUE_STAFF_ROLES,
  VENUE_STATS_ROLES,
  VENUE_VERIFY_ROLES,
} from './roles.ts';

// ——— type level: a line below stops compiling when the server's schemas and the web's types disagree ———

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assignable<A, B> = [A] extends [B] ? true : false;
type Expect<T extends true> = T;

export type TypeChecks = [
  // the value lists are exactly what the schemas accept (a list built wrongly would type as `never` or `string`)
  Expect<Equal<NonNullable<Person['sex']>, Sex>>,
  Expect<Equal<DependantBody['relation'], Relation>>,
  Expect<Equal<NonNullable<UpdateCaseBody['status']>, CaseStatus>>,
  Expect<Equal<ContactTaskBody['followUp'], (typeof CaseSchemas.SETTABLE_FOLLOW_UPS)[number]>>,
  Expect<Assignable<ContactTaskBody['followUp'], FollowUp>>,
  Expect<Equal<Contact['confirmation'], (typeof CaseSchemas.CONFIRMATIONS)[number]>>,
  Expect<Equal<CreateVenueBody['category'], VenueCategory>>,
  Expect<Equal<NonNullable<CheckinResult['evidence']>, CheckinEvidence>>,
  Expect<Equal<(typeof STAFF_ROLES)[number], StaffRole>>,
  // the pieces the web app names separately are the same shapes as inside the bigger answers
  Expect<Equal<Extract<Me, { kind: 'staff' }>['user'], StaffUser>>,
  Expect<Equal<VenueView['zones'][number], Zone>>,
  // what the web app sends by hand still fits the server's bodies
  Expect<Assignable<CheckinBody, CheckinInput>>,
  Expect<Assignable<QueuedCheckin, BatchItem>>,
];

// ——— run time: what the web app imports from the server ———

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const webDir = join(repo, 'src/web');
const serverDir = join(repo, 'src/server');
const rel = (file: string) => relative(repo, file).split(sep).join('/');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

interface ImportRef {
  /** the resolved file */
  target: string;
  /** `import type …` / `export type … from`: erased by the build */
  typeOnly: boolean;
  line: number;
}

/** Every static import/re-export and dynamic import of `file` with a relative specifier, resolved. */
export function importsOf(file: string): ImportRef[] {
  const source = readFileSync(file, 'utf8');
  const refs: ImportRef[] = [];
  const add = (index: number, specifier: string, typeOnly: boolean) => {
    if (!specifier.startsWith('.')) return;
    refs.push({
      target: resolve(dirname(file), specifier),
      typeOnly,
      line: source.slice(0, index).split('\n').length,
    });
  };
  // import x from '…', import { a, type b } from '…', import type * as X from '…', export { a } from '…',
  // export * from '…', import '…'
  const staticRe = /(?:^|[;\n])\s*(import|export)\s+(type\s+)?(?:[\w$*{},\s]*?\s*from\s*)?['"]([^'"]+)['"]/g;
  for (const m of source.matchAll(staticRe)) {
    add((m.index ?? 0) + m[0].indexOf(m[1] as string), m[3] as string, m[2] !== undefined);
  }
  for (const m of source.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) add(m.index ?? 0, m[1] as string, false);
  return refs;
}

/** A server file the web app may load at run time: plain data that imports no server code. */
const isConstantsFile = (file: string) =>
  file.startsWith(serverDir + sep) &&
  (/[/\\]constants\.ts$/.test(file) || rel(file) === 'src/server/platform/roles.ts');

describe('the web app imports from the server only types and constants files', () => {
  const webFiles = sourceFiles(webDir).filter((f) => !/\.test\.tsx?$/.test(f));

  it('finds the imports it checks (the scanner works)', () => {
    const apiTypes = importsOf(join(here, 'api-types.ts'));
    expect(apiTypes.filter((r) => r.typeOnly && r.target.startsWith(serverDir)).length).toBeGreaterThan(5);
    expect(apiTypes.filter((r) => !r.typeOnly)).toEqual([]);
    for (const lib of ['roles.ts', 'api-values.ts', 'staff-roles.ts']) {
      expect(
        importsOf(join(here, lib)).some((r) => !r.typeOnly && isConstantsFile(r.target)),
        lib,
      ).toBe(true);
    }
    // a non-type import of a schemas file is what the check below must catch
    const probe = importsOf(fileURLToPath(import.meta.url));
    expect(probe.some((r) => !r.typeOnly && rel(r.target) === 'src/server/modules/cases/schemas.ts')).toBe(true);
  });

  it('every run-time import of src/server is a constants file', () => {
    const bad = webFiles.flatMap((file) =>
      importsOf(file)
        .filter((r) => r.target.startsWith(serverDir + sep) && !r.typeOnly && !isConstantsFile(r.target))
        .map((r) => `${rel(file)}:${r.line} imports ${rel(r.target)} at run time (use \`import type\`)`),
    );
    expect(bad).toEqual([]);
  });

  it('only src/web/lib imports the server (dependency-cruiser checks this for .ts files, this for .tsx too)', () => {
    const libDir = join(webDir, 'lib') + sep;
    const bad = webFiles
      .filter((file) => !file.startsWith(libDir))
      .flatMap((file) =>
        importsOf(file)
          .filter((r) => r.target.startsWith(serverDir + sep))
          .map((r) => `${rel(file)}:${r.line} imports ${rel(r.target)} (go through src/web/lib)`),
      );
    expect(bad).toEqual([]);
  });

  it('constants files import nothing at run time but other constants files', () => {
    const constants = sourceFiles(serverDir).filter(isConstantsFile);
    expect(constants.map(rel)).toContain('src/server/platform/roles.ts');
    const bad = constants.flatMap((file) =>
      importsOf(file)
        .filter((r) => !r.typeOnly && !isConstantsFile(r.target))
        .map((r) => `${rel(file)}:${r.line} imports ${rel(r.target)}`),
    );
    expect(bad).toEqual([]);
    // and nothing from packages (TypeBox and friends would land in the citizen's bundle)
    for (const file of constants) {
      expect(readFileSync(file, 'utf8'), rel(file)).not.toMatch(/^\s*import\s+(?!type\b)[^;]*from\s+['"][^.]/m);
    }
  });
});

// ——— run time: the schemas validate with the lists the web app shows ———

const enumOf = (schema: unknown): unknown => (schema as { enum?: unknown }).enum;
const constsOf = (schema: unknown): unknown[] =>
  ((schema as { anyOf?: unknown[] }).anyOf ?? []).map((s) => (s as { const?: unknown }).const);

describe('the schemas accept exactly the value lists the web app shows', () => {
  it('venues', () => {
    expect(enumOf(VenueSchemas.CreateVenueBody.properties.category)).toEqual([...VenueSchemas.VENUE_CATEGORIES]);
  });
  it('cases', () => {
    expect(enumOf(CaseSchemas.UpdateCaseBody.properties.status)).toEqual([...CaseSchemas.CASE_STATUSES]);
    expect(enumOf(CaseSchemas.ContactsQuery.properties.followUp)).toEqual([...CaseSchemas.FOLLOW_UPS]);
    expect(enumOf(CaseSchemas.ContactsQuery.properties.via)).toEqual([...CaseSchemas.VIA_TYPES]);
    expect(enumOf(CaseSchemas.ContactTaskBody.properties.followUp)).toEqual([...CaseSchemas.SETTABLE_FOLLOW_UPS]);
    expect(enumOf(CaseSchemas.ContactView.properties.confirmation)).toEqual([...CaseSchemas.CONFIRMATIONS]);
  });
  it('check-ins', () => {
    expect(enumOf(CheckinSchemas.CheckinResult.properties.evidence)).toEqual([...CheckinSchemas.CHECKIN_EVIDENCE]);
  });
  it('people', () => {
    expect(enumOf(PeopleSchemas.DependantBody.properties.relation)).toEqual([...PeopleSchemas.RELATIONS]);
    expect(constsOf(PeopleSchemas.CreatePersonBody.properties.sex)).toEqual([...PeopleSchemas.SEXES]);
  });
});

// ——— run time: the web's role lists answer as the server's policy does ———

const staffWith = (role: StaffRole): { actor: StaffActor; user: StaffUser } => ({
  actor: {
    kind: 'staff',
    userId: 'u',
    username: 'u',
    displayName: 'u',
    sessionId: 's',
    grants: [{ role, unitCode: null, unitPath: '' }],
  },
  user: {
    id: '00000000-0000-4000-8000-000000000000',
    username: 'u',
    displayName: 'u',
    totpEnabled: false,
    grants: [{ role, unitCode: null, unitName: null }],
  },
});

describe('a staff member sees a screen exactly when the server lets their role do its work', () => {
  // one resource in the grant's scope, in the shape each module's `can` reads
  const inScope = { id: 'p', unitPath: '75.', unit_path: '75.', managerIds: [] as string[] };
  for (const role of STAFF_ROLES) {
    it(role, () => {
      const { actor, user } = staffWith(role);
      expect(hasRole(user, PEOPLE_ROLES), 'people').toBe(peopleCan(actor, 'people.read', inScope));
      expect(hasRole(user, PEOPLE_ROLES), 'people').toBe(peopleCan(actor, 'people.create', inScope));
      expect(hasRole(user, PEOPLE_UPDATE_ROLES), 'verify national ID').toBe(peopleCan(actor, 'people.update', inScope));
      expect(hasRole(user, CASE_ROLES), 'cases').toBe(caseCan(actor, 'cases.read', inScope));
      expect(hasRole(user, CASE_DASHBOARD_ROLES), 'dashboard').toBe(caseCan(actor, 'cases.dashboard', inScope));
      expect(hasRole(user, QUARANTINE_ROLES), 'quarantine').toBe(caseCan(actor, 'cases.readQuarantine', inScope));
      expect(hasRole(user, QUARANTINE_ROLES), 'quarantine').toBe(caseCan(actor, 'cases.updateQuarantine', inScope));
      expect(hasRole(user, VENUE_STAFF_ROLES), 'venues').toBe(venueCan(actor, 'venues.create', inScope));
      expect(hasRole(user, VENUE_STAFF_ROLES), 'door').toBe(venueCan(actor, 'venues.checkin', inScope));
      expect(hasRole(user, VENUE_STATS_ROLES), 'stats').toBe(venueCan(actor, 'venues.stats', inScope));
      expect(hasRole(user, VENUE_VERIFY_ROLES), 'verify').toBe(venueCan(actor, 'venues.verify', inScope));
      expect(hasRole(user, STAFF_ADMIN_ROLES), 'staff').toBe(staffCan(actor, 'staff.manage', inScope));
    });
  }
});
