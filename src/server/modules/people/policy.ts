/**
 * Who may see and change people. Staff act inside their jurisdiction; citizens read and update themselves and the
 * dependants they manage. `leader` (read-only reports) and `venue_manager` never read person records here.
 *
 * Services go through `platform/authorize.ts` with these policies: `authorize(…)` for each loaded person or household
 * (403 when the role can never do the action, else 404 whether the record is missing or out of reach),
 * `authorizeAt(…)` for the unit a record is created in or moved to (403), `scopeOf(…)` for searches, which the
 * repository filters in SQL (`scoped`).
 */
import { type Actor, type CitizenActor, grantsFor, pathWithin } from '../../platform/access.ts';
import { can as allowed, definePolicy, type Policy } from '../../platform/authorize.ts';
import { peopleActions } from './constants.ts';
import type { DoorPerson } from './schemas.ts';

/** The roles each action needs: plain data in `constants.ts`, which the web app reads too. */
export { peopleActions };

export type PeopleAction = keyof typeof peopleActions;

export interface PersonResource {
  id: string;
  /** the person's unit path; null for a self-registered citizen who has not said where they live */
  unitPath: string | null;
  /** citizens who manage this person (guardians) */
  guardianIds?: string[];
}

export function isSelfOrDependant(actor: CitizenActor, person: PersonResource): boolean {
  return actor.personId === person.id || (person.guardianIds ?? []).includes(actor.personId);
}

/** The people policy; a person out of reach is `PERSON_NOT_FOUND`. */
export const peoplePolicy: Policy<PeopleAction, PersonResource> = definePolicy<PeopleAction, PersonResource>({
  roles: peopleActions,
  citizen: { 'people.read': isSelfOrDependant, 'people.update': isSelfOrDependant },
  unitPath: (person) => person.unitPath,
  notFound: 'PERSON_NOT_FOUND',
});

/** Where a household lies (its unit's path). */
export interface HouseholdResource {
  unitPath: string;
}

/**
 * The same staff roles for households (reading one is `people.read`, changing its members `households.manage`); no
 * household action is a citizen's. A household out of reach is `HOUSEHOLD_NOT_FOUND`.
 */
export const householdPolicy: Policy<PeopleAction, HouseholdResource> = definePolicy<PeopleAction, HouseholdResource>({
  roles: peopleActions,
  unitPath: (household) => household.unitPath,
  notFound: 'HOUSEHOLD_NOT_FOUND',
});

/** A unit a list is narrowed to (`unitCode`), by its path. */
export interface PeopleUnitResource {
  unitPath: string;
}

/**
 * The unit a staff list is narrowed to (the national-ID claims' `unitCode`) lies within the actor's reach for the
 * action: 403 for a role that can never do it, else `UNIT_NOT_FOUND` (404) whether the unit is unknown or out of
 * reach — as the declarations and vaccination lists answer for their `unitCode`.
 */
export const peopleUnitPolicy: Policy<PeopleAction, PeopleUnitResource> = definePolicy<
  PeopleAction,
  PeopleUnitResource
>({
  roles: peopleActions,
  unitPath: (unit) => unit.unitPath,
  notFound: 'UNIT_NOT_FOUND',
});

/** True when the actor may do `action` to this person (pure; the policy tests read it). */
export function can(actor: Actor, action: PeopleAction, person: PersonResource): boolean {
  return allowed(peoplePolicy, actor, action, person);
}

/**
 * A name as a door sees it when it may not read the person's record: the given name (the last word, what people are
 * called by) and the initials of the others — "Nguyễn Văn An" → "N. V. An". Enough to ask "An, born 1990?" of the
 * person holding the QR, not enough to look them up.
 */
export function maskPersonName(name: string): string {
  const words = name.normalize('NFC').trim().split(/\s+/).filter(Boolean);
  if (words.length <= 1) return words.join('');
  const given = words[words.length - 1] as string;
  return [...words.slice(0, -1).map((w) => `${Array.from(w)[0]}.`), given].join(' ');
}

/** What a door's look-up of a person reads (`people`, its unit's path): the input of `doorPersonView`. */
export interface DoorPersonRow {
  id: string;
  name: string;
  birth_year: number | null;
  birth_date: string | null;
  unit_path: string | null;
}

/** What a door was shown of a person: the full name, a masked one, none (a blank name). */
export type DoorShown = 'full' | 'masked' | 'no-name';

/**
 * Whom an actor sees in full at a door (`doorPersonView`'s `can(actor, 'people.read', …)` for a person it knows by id
 * and unit path only), as data a statement can decide with: the person is `self`, or a `paths` element is a prefix
 * of their unit path ('' = everywhere). The check-in statement decides with it (db/functions/checkins_ingest.sql),
 * so the audit row of a check-in says what the door was shown in the check-in's own commit; policy.test.ts checks
 * that it agrees with `can` for every role.
 */
export interface DoorReadReach {
  paths: string[];
  self: string | null;
}

export function doorReadReach(actor: Actor): DoorReadReach {
  if (actor.kind === 'system') return { paths: [''], self: null };
  // a citizen reads themself and the dependants they manage; the door knows no guardians: themself only
  if (actor.kind === 'citizen') return { paths: [], self: actor.personId };
  return { paths: grantsFor(actor, peopleActions['people.read']).map((g) => g.unitPath), self: null };
}

/** What `doorReadReach` gives for this person (the in-memory twin of the statement's rule). */
export function doorShownFor(reach: DoorReadReach, person: DoorPersonRow): DoorShown {
  if (!person.name.trim()) return 'no-name';
  const full = reach.self === person.id || reach.paths.some((p) => pathWithin(person.unit_path, p));
  return full ? 'full' : 'masked';
}

/** The person as the door is shown them, once what it may see is decided (`shown`). The birth year either way. */
export function doorPersonShown(person: DoorPersonRow, shown: DoorShown): DoorPerson {
  const name = person.name.trim() || null;
  const birthYear = person.birth_year ?? (person.birth_date ? Number(person.birth_date.slice(0, 4)) : null);
  if (shown === 'no-name' || name === null) return { name: null, nameMasked: false, birthYear };
  return { name: shown === 'full' ? name : maskPersonName(name), nameMasked: shown === 'masked', birthYear };
}

/**
 * The person a door just checked in by their signed personal QR, as that door may see them: the full name only when
 * the actor may read the person's record (`people.read` in scope — a health worker of the area), otherwise masked
 * (`maskPersonName`): a venue's managers and door staff need only match the QR to the face in front of them. The
 * birth year either way. Pure: `people.atDoor` reads the row itself; the declarations module's door look-up of a
 * replayed check-in reads it with the badge, and a check-in's own statement decides by `doorReadReach` (the same
 * rule, as data).
 */
export function doorPersonView(actor: Actor, person: DoorPersonRow): DoorPerson {
  const full = can(actor, 'people.read', { id: person.id, unitPath: person.unit_path });
  return doorPersonShown(person, !person.name.trim() ? 'no-name' : full ? 'full' : 'masked');
}
