/**
 * Every query of the cases module: its own tables (`tracing_rules`, `case_counters`, `cases`, `contacts`,
 * `quarantine_orders`, the view `exposure_notices`) and the reads of other modules' tables its manifest declares
 * (`people`, `dependants`, `admin_units`, `venues`: names, phones, households and unit paths joined set-based into
 * tracing and lists). Check-ins are read through the check-ins module (`../checkins/index.ts`).
 *
 * A plain factory; each method takes an optional transaction (`trx ?? db`), so a service wraps several in one
 * `db.transaction()`. Lists and searches take an `AccessScope` (`platform/authorize.ts`) and filter in SQL, so a
 * row outside the caller's reach is simply not found; the system's own callers pass `systemScope('reason')`.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { CaseStatus, ContactConfirmation, ContactVia, DB, FollowUp, QuarantineStatus } from '../../db/types.ts';
import { type AccessScope, scopeCondition, scoped } from '../../platform/authorize.ts';
import { foldDiacritics, isUuid } from '../../platform/formats.ts';
import { pageLimit } from '../../platform/paging.ts';

type Q = Kysely<DB> | Transaction<DB>;

/** Cases in these statuses are closed: a person may have one case that is not. */
export const CLOSED: CaseStatus[] = ['recovered', 'died'];

/** The columns of `tracing_rules` that tracing uses (a `Rule`). */
export const RULE_COLUMNS = [
  'version',
  'lookback_days',
  'min_overlap_minutes',
  'include_f2',
  'f1_quarantine_days',
  'f1_quarantine_kind',
] as const;

export interface Rule {
  version: number;
  lookback_days: number;
  min_overlap_minutes: number;
  include_f2: boolean;
  f1_quarantine_days: number;
  f1_quarantine_kind: 'home' | 'facility';
}

/** What tracing needs of a case: whose it is, its rule version and the times its exposure window comes from. */
export interface CaseRow {
  id: string;
  person_id: string;
  rule_version: number;
  onset_at: Date | null;
  sample_at: Date | null;
  confirmed_at: Date | null;
  isolated_at: Date | null;
  created_at: Date;
}

/** One `contacts` row to insert: a piece of evidence, decided (confirmation, follow-up) by tracing. */
export interface EvidenceRow {
  case_id: string;
  person_id: string;
  degree: 1 | 2;
  via_type: ContactVia;
  venue_id: string | null;
  zone_id: string | null;
  overlap_start: Date | null;
  overlap_end: Date | null;
  overlap_minutes: number | null;
  through_person_id: string | null;
  rule_version: number;
  unit_code: string | null;
  follow_up: FollowUp;
  note: string | null;
  assigned_tracer_id: string | null;
  confirmation: ContactConfirmation;
}

export interface NewQuarantineOrder {
  person_id: string;
  case_id: string;
  kind: string;
  ends_on: string;
  unit_code: string | null;
}

/** How a tracer names a person: by id, by national ID, or by phone (the first person registered with it). */
export type PersonKey = { id: string } | { nationalId: string } | { phone: string };

/** Household, then interviews, then venue co-presence, then Bluetooth: the strength of a contact's evidence. */
const VIA_RANK = sql<number>`case k.via_type when 'household' then 0 when 'manual' then 1 when 'venue' then 2 else 3 end`;

/**
 * A unit and the units above it, nearest first, without the province unless the unit is the province ("Ấp 1, Xã An
 * Phước, Huyện Long Thành"): the codes of the path, each looked up by primary key (a path has at most six).
 */
const unitFullName = (pathColumn: string) =>
  sql<string | null>`(select string_agg(a.name, ', ' order by a.level desc) from admin_units a
    where a.code = any(string_to_array(rtrim(${sql.ref(pathColumn)}, '.'), '.'))
      and (a.level > 1 or a.path = ${sql.ref(pathColumn)}))`;

/** A person's name folded to plain lower-case letters (`people.name_folded`, with its trigram index: migration 0024). */
const FOLDED_NAME = (alias: string) => sql.ref(`${alias}.name_folded`);

/** Text to match literally inside a `like` pattern. */
export const likeEscape = (text: string) => text.replace(/[%_\\]/g, '\\$&');

/**
 * The sort key of a case list: newest confirmation first, then id (a case without a confirmation time sorts last).
 * `cases_list_idx` (migration 0020) is this expression and id, so a page — and the page after a cursor — is an index
 * range scan that stops after `limit` rows.
 */
const CASE_LIST_KEY = sql<Date>`coalesce(c.confirmed_at, '-infinity'::timestamptz)`;

/**
 * The strength of one piece of evidence, strongest first: degree, then household < interview < venue < Bluetooth,
 * then the longer overlap, then the earlier one, then id (unique, so the order is total). `contacts_rank_idx`
 * (migration 0020) is this key after `case_id`, so a page of a case's contacts is read in order from the index.
 */
const evidenceRankParts = (k: string) => [
  sql.ref(`${k}.degree`),
  sql`(case ${sql.ref(`${k}.via_type`)} when 'household' then 0 when 'manual' then 1 when 'venue' then 2 else 3 end)`,
  sql`(-coalesce(${sql.ref(`${k}.overlap_minutes`)}, 0))`,
  sql`coalesce(${sql.ref(`${k}.overlap_start`)}, '-infinity'::timestamptz)`,
  sql.ref(`${k}.id`),
];
const EVIDENCE_RANK = (k: string) => sql`(${sql.join(evidenceRankParts(k))})`;

/** What a contacts list is narrowed to (the evidence rows a person is listed by). */
export interface ContactFilter {
  degree?: 1 | 2 | undefined;
  via?: ContactVia | undefined;
  followUp?: FollowUp | undefined;
  /** a folded name fragment (`%…%` pattern) or an exact phone, matched among the people `scope` may identify */
  q?: { namePattern?: string; phone?: string; scope: AccessScope } | undefined;
}

/** The sort key of a contact page's row: its person's strongest evidence (see EVIDENCE_RANK). */
export type ContactKey = [number, number, number, string, string];

/** Below every contact's key (degrees are 1 and 2, ranks 0–3). */
const FIRST_CONTACT_KEY: ContactKey = [0, -1, -2147483648, '-infinity', '00000000-0000-0000-0000-000000000000'];

export function casesRepo(db: Kysely<DB>) {
  const on = (trx?: Transaction<DB>): Q => trx ?? db;

  /**
   * Recounts the F1 and F2 of these cases into `cases.f1_count` / `f2_count` (migration 0025), in the transaction
   * that changed their evidence — every writer of `contacts` here ends with it. The case rows are locked first (in
   * id order; `FOR NO KEY UPDATE` lets evidence inserts' foreign-key checks through), and the count is a statement
   * of its own after the lock: its snapshot then holds what a concurrent writer of the same case committed before
   * us, so the last writer counts everything (counting in the locking statement would count from before the wait).
   */
  async function refreshContactCounts(caseIds: string[], trx: Transaction<DB>): Promise<void> {
    if (caseIds.length === 0) return;
    const ids = sql`${[...caseIds].sort()}::uuid[]`;
    await sql`select 1 from cases where id = any(${ids}) order by id for no key update`.execute(trx);
    await sql`
      update cases c set
        f1_count = (select count(distinct k.person_id)::int from contacts k
                    where k.case_id = c.id and k.degree = 1 and k.confirmation <> 'dismissed'),
        f2_count = (select count(distinct k.person_id)::int from contacts k
                    where k.case_id = c.id and k.degree = 2 and k.confirmation <> 'dismissed')
      where c.id = any(${ids})`.execute(trx);
  }

  return {
    // ---- tracing rules ----------------------------------------------------------------------------------------

    /** The rule version a case was traced with (cases keep theirs when newer rules are added). */
    findRule: (version: number, trx?: Transaction<DB>) =>
      on(trx).selectFrom('tracing_rules').selectAll().where('version', '=', version).executeTakeFirstOrThrow(),

    findRules: (versions: number[], trx?: Transaction<DB>): Promise<Rule[]> =>
      on(trx).selectFrom('tracing_rules').select(RULE_COLUMNS).where('version', 'in', versions).execute(),

    /** The newest rules: what a new case is traced with. */
    findLatestRule: (trx?: Transaction<DB>): Promise<Rule> =>
      on(trx)
        .selectFrom('tracing_rules')
        .select(RULE_COLUMNS)
        .orderBy('version', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow(),

    // ---- people (declared read) ---------------------------------------------------------------------------------

    /** A person with their unit path (where they live decides who may open their case, or see who they are). */
    findPerson: (key: PersonKey, trx?: Transaction<DB>) => {
      const query = on(trx)
        .selectFrom('people as p')
        .leftJoin('admin_units as u', 'u.code', 'p.unit_code')
        .select(['p.id', 'p.name', 'p.unit_code', 'u.path as unit_path']);
      if ('id' in key) return query.where('p.id', '=', key.id).executeTakeFirst();
      if ('nationalId' in key) return query.where('p.national_id', '=', key.nationalId).executeTakeFirst();
      // a phone alone: its account holder, else the first record of it that is not a claim (a phone a citizen typed
      // for a dependant, people/README.md) — as the people module's look-up by phone
      return query
        .leftJoin('citizen_accounts as a', (j) => j.onRef('a.person_id', '=', 'p.id').onRef('a.phone', '=', 'p.phone'))
        .where('p.phone', '=', key.phone)
        .where('p.phone_claimed', '=', false)
        .orderBy(sql`a.person_id is null`)
        .orderBy('p.created_at')
        .limit(1)
        .executeTakeFirst();
    },

    /**
     * Locks the people about to get a case (`FOR NO KEY UPDATE`, in id order: concurrent batches cannot deadlock, and
     * foreign-key checks of concurrent tracing are not blocked), so a person in two batches waits for the first.
     */
    async lockPeople(personIds: string[], trx: Transaction<DB>): Promise<void> {
      await sql`select 1 from people where id = any(${personIds}::uuid[]) order by id for no key update`.execute(trx);
    },

    /** Household members of each index person (same household, not the person). */
    async findHouseholdMembers(
      personIds: string[],
      trx?: Transaction<DB>,
    ): Promise<Array<{ indexPersonId: string; personId: string }>> {
      if (personIds.length === 0) return [];
      const rows = await on(trx)
        .selectFrom('people as i')
        .innerJoin('people as m', 'm.household_id', 'i.household_id')
        .select(['i.id as index_person_id', 'm.id as person_id'])
        .where('i.id', 'in', personIds)
        .whereRef('m.id', '<>', 'i.id')
        .execute();
      return rows.map((r) => ({ indexPersonId: r.index_person_id, personId: r.person_id }));
    },

    /** Each person's phone (else their guardian's) and unit: how to reach them and where they belong. */
    async findReach(
      personIds: string[],
      trx: Transaction<DB>,
    ): Promise<Map<string, { phone: string | null; unit_code: string | null }>> {
      return new Map(
        (
          await sql<{ id: string; unit_code: string | null; phone: string | null }>`
            select p.id, p.unit_code, coalesce(p.phone, (
              select g.phone from dependants d join people g on g.id = d.guardian_id
              where d.dependant_id = p.id and g.phone is not null order by g.phone limit 1)) as phone
            from people p where p.id = any(${[...new Set(personIds)]}::uuid[])`.execute(trx)
        ).rows.map((p) => [p.id, p]),
      );
    },

    // ---- admin units and venues (declared reads) ----------------------------------------------------------------

    /** A unit's path (a list filter), or undefined. */
    findUnitPath: async (code: string, trx?: Transaction<DB>) =>
      (await on(trx).selectFrom('admin_units').select('path').where('code', '=', code).executeTakeFirst())?.path,

    findUnits: (codes: string[], trx?: Transaction<DB>) =>
      on(trx).selectFrom('admin_units').select(['code', 'name']).where('code', 'in', codes).execute(),

    /** A venue with its unit path (a venue alert is authorized where the venue is). */
    findVenue: (id: string, trx?: Transaction<DB>) =>
      on(trx)
        .selectFrom('venues as v')
        .innerJoin('admin_units as u', 'u.code', 'v.unit_code')
        .select(['v.id', 'v.name', 'u.path as unit_path'])
        .where('v.id', '=', id)
        .executeTakeFirst(),

    /** Name, category and address of each venue (a case's stays). */
    findVenues: async (ids: string[], trx?: Transaction<DB>) =>
      ids.length === 0
        ? []
        : on(trx)
            .selectFrom('venues')
            .select(['id', 'name', 'category', 'address'])
            .where('id', 'in', [...new Set(ids)])
            .execute(),

    // ---- cases --------------------------------------------------------------------------------------------------

    /** One case with the person's name and the unit's name and path (what it is authorized by). */
    findById: (id: string, trx?: Transaction<DB>) =>
      on(trx)
        .selectFrom('cases as c')
        .innerJoin('people as p', 'p.id', 'c.person_id')
        .leftJoin('admin_units as u', 'u.code', 'c.unit_code')
        .selectAll('c')
        .select([
          'p.name as person_name',
          'u.name as unit_name',
          'u.path as unit_path',
          unitFullName('u.path').as('unit_full_name'),
        ])
        .where('c.id', '=', id)
        .executeTakeFirst(),

    /** The cases to trace, by id. */
    findForTracing: (ids: string[], trx: Transaction<DB>): Promise<CaseRow[]> =>
      trx
        .selectFrom('cases')
        .select([
          'id',
          'person_id',
          'rule_version',
          'onset_at',
          'sample_at',
          'confirmed_at',
          'isolated_at',
          'created_at',
        ])
        .where('id', 'in', ids)
        .execute(),

    /**
     * Cases in scope, newest first (`CASE_LIST_KEY`), each with its F1 and F2 counts (dismissed contacts are no
     * contacts); `after` = the key of the previous page's last row. Returns up to `limit` rows with their keys.
     */
    search: (
      scope: AccessScope,
      opts: {
        status?: CaseStatus | undefined;
        q?: string | undefined;
        personId?: string | undefined;
        after?: [string, string] | undefined;
        limit: number;
      },
      trx?: Transaction<DB>,
    ) => {
      let q = scoped(
        on(trx)
          .selectFrom('cases as c')
          .innerJoin('people as p', 'p.id', 'c.person_id')
          .leftJoin('admin_units as u', 'u.code', 'c.unit_code')
          .select([
            'c.id',
            'c.display_code',
            'c.status',
            'c.confirmed_at',
            'c.unit_code',
            'u.name as unit_name',
            unitFullName('u.path').as('unit_full_name'),
            // as text: a cursor must hold the key to the microsecond (a Date keeps milliseconds)
            sql<string>`${CASE_LIST_KEY}::text`.as('sort_key'),
            'c.person_id',
            'p.name as person_name',
            // kept with the case (refreshContactCounts): counting a big case's contacts on every page would not be
            'c.f1_count as f1',
            'c.f2_count as f2',
          ]),
        scope,
        'u.path',
      );
      if (opts.status) q = q.where('c.status', '=', opts.status);
      if (opts.personId) q = q.where('c.person_id', '=', opts.personId);
      const text = opts.q?.trim();
      if (text) {
        // a code fragment (any case) or a name fragment (accents ignored), each found through its trigram index
        // (migration 0024): the matching cases are gathered first, so a rare match never walks the whole list
        const code = `%${likeEscape(text)}%`;
        const name = `%${likeEscape(foldDiacritics(text))}%`;
        q = q.where(
          sql<boolean>`c.id in (
            select m.id from cases m where m.display_code ilike ${code}
            union
            select m.id from cases m where m.person_id in (select f.id from people f where ${FOLDED_NAME('f')} like ${name}))`,
        );
      }
      if (opts.after)
        q = q.where(sql<boolean>`(${CASE_LIST_KEY}, c.id) < (${opts.after[0]}::timestamptz, ${opts.after[1]}::uuid)`);
      return q.orderBy(CASE_LIST_KEY, 'desc').orderBy('c.id', 'desc').limit(pageLimit(opts.limit)).execute();
    },

    /** Cases in scope for the chain graph, newest first. */
    searchForGraph: (scope: AccessScope, limit: number, trx?: Transaction<DB>) =>
      scoped(
        on(trx)
          .selectFrom('cases as c')
          .leftJoin('admin_units as u', 'u.code', 'c.unit_code')
          .select(['c.id', 'c.display_code', 'c.person_id', 'c.status', 'c.source_case_id']),
        scope,
        'u.path',
      )
        .orderBy('c.confirmed_at', 'desc')
        .limit(limit)
        .execute(),

    /** Cases already opened from these origin references (test results), keyed `origin|ref`. */
    async findByOriginRefs(refs: string[], trx: Transaction<DB>) {
      const byRef = new Map<string, { id: string; display_code: string }>();
      if (refs.length === 0) return byRef;
      for (const r of await trx
        .selectFrom('cases')
        .select(['id', 'display_code', 'origin', 'origin_ref'])
        .where('origin_ref', 'in', refs)
        .execute())
        byRef.set(`${r.origin}|${r.origin_ref}`, r);
      return byRef;
    },

    /** The open case of each of these people (person id → case id). */
    findOpenByPeople: async (personIds: string[], trx?: Transaction<DB>) =>
      new Map(
        (
          await on(trx)
            .selectFrom('cases')
            .select(['id', 'person_id'])
            .where('person_id', 'in', personIds)
            .where('status', 'not in', CLOSED)
            .execute()
        ).map((r) => [r.person_id, r.id]),
      ),

    /**
     * Open cases in scope whose F0 or one of whose F1 is among these people (a late check-in of theirs may add
     * contacts).
     */
    async findOpenTouching(scope: AccessScope, personIds: string[], trx?: Transaction<DB>): Promise<string[]> {
      if (personIds.length === 0) return [];
      // one array parameter: a busy venue's window may hold more people than a statement has parameters
      const anyId = sql<string>`any(${personIds}::uuid[])`;
      const rows = await scoped(
        on(trx).selectFrom('cases as c').leftJoin('admin_units as u', 'u.code', 'c.unit_code').select('c.id'),
        scope,
        'u.path',
      )
        .where('c.status', 'not in', CLOSED)
        .where((eb) =>
          eb.or([
            eb('c.person_id', '=', anyId),
            eb.exists(
              eb
                .selectFrom('contacts as t')
                .select(sql`1`.as('one'))
                .whereRef('t.case_id', '=', 'c.id')
                .where('t.degree', '=', 1)
                .where('t.person_id', '=', anyId),
            ),
          ]),
        )
        .execute();
      return rows.map((r) => r.id);
    },

    /** New cases, with placeholder display codes (the real ones are allocated last: see `setDisplayCodes`). */
    insertMany: (
      rows: Array<{
        display_code: string;
        person_id: string;
        unit_code: string | null;
        confirmed_at: Date;
        onset_at: Date | null;
        sample_at: Date | null;
        isolated_at: Date | null;
        source_case_id: string | null;
        source_note: string | null;
        origin: 'tracer' | 'test_result';
        origin_ref: string | null;
        rule_version: number;
        created_by: string | null;
      }>,
      trx: Transaction<DB>,
    ): Promise<CaseRow[]> =>
      trx
        .insertInto('cases')
        .values(rows.map((r) => ({ ...r, status: 'confirmed' as const })))
        .returning([
          'id',
          'person_id',
          'rule_version',
          'onset_at',
          'sample_at',
          'confirmed_at',
          'isolated_at',
          'created_at',
        ])
        .execute(),

    /** Takes `count` numbers from the province's display-code counter; returns the last one taken. */
    async takeCaseNumbers(province: string, count: number, trx: Transaction<DB>): Promise<number> {
      const row = await trx
        .insertInto('case_counters')
        .values({ province_code: province, last_number: count })
        .onConflict((oc) =>
          oc.column('province_code').doUpdateSet({ last_number: sql`case_counters.last_number + ${count}::int` }),
        )
        .returning('last_number')
        .executeTakeFirstOrThrow();
      return row.last_number;
    },

    /** Sets the display codes of new cases and marks them traced, in one statement. */
    async setDisplayCodes(ids: string[], codes: string[], trx: Transaction<DB>): Promise<void> {
      await sql`
        update cases set display_code = v.code, traced_at = now()
        from unnest(${ids}::uuid[], ${codes}::text[]) as v(id, code)
        where cases.id = v.id`.execute(trx);
    },

    async markTraced(ids: string[], at: Date, trx: Transaction<DB>): Promise<void> {
      await trx.updateTable('cases').set({ traced_at: at }).where('id', 'in', ids).execute();
    },

    async update(
      id: string,
      set: {
        status?: CaseStatus;
        closed_at?: Date;
        isolated_at?: Date;
        onset_at?: Date;
        source_case_id?: string | null;
        source_note?: string | null;
      },
      trx?: Transaction<DB>,
    ): Promise<void> {
      await on(trx)
        .updateTable('cases')
        .set({ ...set, updated_at: new Date() })
        .where('id', '=', id)
        .execute();
    },

    // ---- contacts -----------------------------------------------------------------------------------------------

    /** How many people each degree of the case counts (dismissed contacts are no contacts). */
    countContacts: (caseId: string, trx?: Transaction<DB>) =>
      on(trx)
        .selectFrom('contacts')
        .select(['degree', sql<number>`count(distinct person_id)::int`.as('n')])
        .where('case_id', '=', caseId)
        .where('confirmation', '<>', 'dismissed')
        .groupBy('degree')
        .execute(),

    /** The evidence already stored for these cases (earlier tracing, interviews, Bluetooth). */
    findEvidence: (caseIds: string[], trx: Transaction<DB>) =>
      trx
        .selectFrom('contacts')
        .select([
          'case_id',
          'person_id',
          'degree',
          'via_type',
          'venue_id',
          'overlap_start',
          'overlap_end',
          'unit_code',
          'confirmation',
        ])
        .where('case_id', 'in', caseIds)
        .execute(),

    /** What the case has on one person: whether they are known to it, and through which interviews. */
    findEvidenceOn: (caseId: string, personId: string, trx?: Transaction<DB>) =>
      on(trx)
        .selectFrom('contacts')
        .select(['via_type', 'overlap_start', 'confirmation'])
        .where('case_id', '=', caseId)
        .where('person_id', '=', personId)
        .execute(),

    /** The id of an interview contact (manual evidence at `at`). */
    findManualContactId: async (caseId: string, personId: string, at: Date | null, trx?: Transaction<DB>) =>
      (
        await on(trx)
          .selectFrom('contacts')
          .select('id')
          .where('case_id', '=', caseId)
          .where('person_id', '=', personId)
          .where('via_type', '=', 'manual')
          .where(at ? sql<boolean>`overlap_start = ${at}` : sql<boolean>`overlap_start is null`)
          .executeTakeFirst()
      )?.id,

    /** People the case has told already (`caseId|personId`): those with confirmed evidence. */
    findToldKeys: async (caseId: string, trx?: Transaction<DB>) =>
      new Set(
        (
          await on(trx)
            .selectFrom('contacts')
            .select('person_id')
            .where('case_id', '=', caseId)
            .where('confirmation', '=', 'confirmed')
            .execute()
        ).map((r) => `${caseId}|${r.person_id}`),
      ),

    /** The case's venue evidence at degree 1 (who overlapped the F0 where): the overlap counts of its stays. */
    findVenueEvidence: (caseId: string, trx?: Transaction<DB>) =>
      on(trx)
        .selectFrom('contacts')
        .select(['venue_id', 'overlap_start', 'overlap_end', 'person_id'])
        .where('case_id', '=', caseId)
        .where('degree', '=', 1)
        .where('via_type', '=', 'venue')
        .execute(),

    /**
     * A case's contacts, one row per person: their strongest piece of evidence (EVIDENCE_RANK) among the rows the
     * filter keeps, strongest first, with how many rows they have, their standing (confirmed by any confirmed row,
     * else "to confirm" while any is pending, else dismissed), the person, their unit path, the venue, the F1 an F2
     * met and their quarantine order. A row is a person's best when no kept row of theirs ranks before it (an
     * anti-join by `contacts_evidence_uniq`); the walk follows `contacts_rank_idx` from `after` (the previous page's
     * last key) and stops after `limit` people, so a page costs the same at 300,000 contacts as at 30. Without
     * `limit`, every contact (the export, and callers that never paged).
     */
    listContacts: (
      caseId: string,
      filter: ContactFilter,
      page: { after?: ContactKey | undefined; limit?: number | undefined } = {},
      trx?: Transaction<DB>,
    ) => {
      // The case is written into the statement, not bound: its size decides the plan (one case may hold 300,000
      // rows, most hold ten), and a prepared statement's generic plan, made for the average case, would read a big
      // case's whole index once per listed person (2.5 s instead of 7 ms at 300,000). `caseId` is the id of a loaded
      // case, a uuid.
      if (!isUuid(caseId)) throw new Error('listContacts: not a case id');
      const theCase = sql`${sql.lit(caseId)}::uuid`;
      // the filter, on any alias of `contacts` (the listed row, its rivals, the rows counted)
      const keep = (k: string) => {
        const parts = [sql`${sql.ref(`${k}.case_id`)} = ${theCase}`];
        if (filter.degree) parts.push(sql`${sql.ref(`${k}.degree`)} = ${filter.degree}`);
        if (filter.via) parts.push(sql`${sql.ref(`${k}.via_type`)} = ${filter.via}`);
        if (filter.followUp) parts.push(sql`${sql.ref(`${k}.follow_up`)} = ${filter.followUp}`);
        return sql<boolean>`${sql.join(parts, sql` and `)}`;
      };
      let q = on(trx)
        .selectFrom('contacts as k')
        .innerJoin('people as p', 'p.id', 'k.person_id')
        .leftJoin('admin_units as pu', 'pu.code', 'p.unit_code')
        .leftJoin('venues as v', 'v.id', 'k.venue_id')
        .leftJoin('people as tp', 'tp.id', 'k.through_person_id')
        .leftJoin('admin_units as tpu', 'tpu.code', 'tp.unit_code')
        .leftJoin('quarantine_orders as o', (j) =>
          j.onRef('o.person_id', '=', 'k.person_id').onRef('o.case_id', '=', 'k.case_id'),
        )
        .innerJoinLateral(
          (eb) =>
            eb
              .selectFrom('contacts as e')
              .select([
                sql<number>`count(*)::int`.as('evidence_count'),
                sql<ContactConfirmation>`case when bool_or(e.confirmation = 'confirmed') then 'confirmed'
                  when bool_or(e.confirmation = 'pending') then 'pending' else 'dismissed' end`.as('standing'),
              ])
              .where(keep('e'))
              .whereRef('e.person_id', '=', 'k.person_id')
              .as('agg'),
          (j) => j.onTrue(),
        )
        .select([
          'k.person_id',
          'k.degree',
          'k.via_type',
          'k.venue_id',
          'v.name as venue_name',
          'k.overlap_start',
          'k.overlap_end',
          'k.overlap_minutes',
          'k.through_person_id',
          'tp.name as through_name',
          'tpu.path as through_unit_path',
          'k.follow_up',
          'agg.standing as confirmation',
          'agg.evidence_count',
          'k.assigned_tracer_id',
          'p.name',
          'p.phone',
          'p.unit_code',
          'pu.path as unit_path',
          unitFullName('pu.path').as('unit_full_name'),
          'o.kind as q_kind',
          'o.starts_on as q_starts',
          'o.ends_on as q_ends',
          'o.status as q_status',
          // the row's key for the next page's cursor (the overlap start as text: to the microsecond)
          sql<number>`(case k.via_type when 'household' then 0 when 'manual' then 1 when 'venue' then 2 else 3 end)`.as(
            'via_rank',
          ),
          sql<number>`(-coalesce(k.overlap_minutes, 0))`.as('minutes_key'),
          sql<string>`coalesce(k.overlap_start, '-infinity'::timestamptz)::text`.as('start_key'),
          'k.id',
        ])
        .where(keep('k'))
        .where(
          sql<boolean>`not exists (select 1 from contacts s where ${keep('s')} and s.person_id = k.person_id
            and ${EVIDENCE_RANK('s')} < ${EVIDENCE_RANK('k')})`,
        );
      const text = filter.q;
      if (text) {
        q = q.where((eb) =>
          eb.and([
            scopeCondition(text.scope, 'pu.path'),
            eb.or([
              ...(text.namePattern ? [sql<boolean>`${FOLDED_NAME('p')} like ${text.namePattern}`] : []),
              ...(text.phone ? [eb('p.phone', '=', text.phone)] : []),
            ]),
          ]),
        );
      }
      // the first page starts below every key: one statement (one prepared plan) for every page, and a plan that
      // walks the rank index whatever the planner guesses of the case's size
      const after = page.after ?? FIRST_CONTACT_KEY;
      q = q.where(
        sql<boolean>`(${sql.join([sql.ref('k.case_id'), ...evidenceRankParts('k')])}) > (${theCase},
            ${after[0]}::smallint, ${after[1]}::int, ${after[2]}::int, ${after[3]}::timestamptz, ${after[4]}::uuid)`,
      );
      q = q.orderBy('k.case_id');
      for (const part of evidenceRankParts('k')) q = q.orderBy(part);
      return (page.limit === undefined ? q : q.limit(pageLimit(page.limit))).execute();
    },

    /**
     * Contacts handed to the scope's tracers: of cases outside the scope, living inside it, one row per (case,
     * person) at its strongest evidence, newest first, with identity, the case's display code and unit path (never
     * the F0). `contacts.unit_code` (where the contact lived when traced) finds the candidates by index; the person's
     * current unit decides, so someone who moved away is no longer this area's. National scope: nothing is handed.
     */
    listHandedOver: (
      scope: AccessScope,
      opts: { followUp?: FollowUp | undefined; limit: number },
      trx?: Transaction<DB>,
    ) =>
      on(trx)
        .selectFrom((eb) => {
          let q = eb
            .selectFrom('contacts as k')
            .innerJoin('admin_units as ku', 'ku.code', 'k.unit_code')
            .innerJoin('people as p', 'p.id', 'k.person_id')
            .innerJoin('admin_units as pu', 'pu.code', 'p.unit_code')
            .innerJoin('cases as c', 'c.id', 'k.case_id')
            .leftJoin('admin_units as cu', 'cu.code', 'c.unit_code')
            .leftJoin('venues as v', 'v.id', 'k.venue_id')
            .leftJoin('quarantine_orders as o', (j) =>
              j.onRef('o.person_id', '=', 'k.person_id').onRef('o.case_id', '=', 'k.case_id'),
            )
            .distinctOn(['k.case_id', 'k.person_id'])
            .select([
              'k.case_id',
              'c.display_code',
              'cu.path as case_path',
              'k.person_id',
              'p.name',
              'p.phone',
              'p.unit_code',
              'pu.name as unit_name',
              unitFullName('pu.path').as('unit_full_name'),
              'k.degree',
              'k.via_type',
              'v.name as venue_name',
              'k.overlap_start',
              'k.overlap_end',
              'k.follow_up',
              'k.assigned_tracer_id',
              'k.created_at',
              'o.kind as q_kind',
              'o.starts_on as q_starts',
              'o.ends_on as q_ends',
              'o.status as q_status',
            ])
            .where(scopeCondition(scope, 'ku.path'))
            .where(scopeCondition(scope, 'pu.path'))
            // the case lies outside the scope (a case without a unit is nobody's area but national)
            .where((w) => w.or([w('cu.path', 'is', null), w.not(scopeCondition(scope, 'cu.path'))]));
          if (opts.followUp) q = q.where('k.follow_up', '=', opts.followUp);
          return q
            .orderBy('k.case_id')
            .orderBy('k.person_id')
            .orderBy('k.degree')
            .orderBy(VIA_RANK)
            .orderBy(sql`k.overlap_minutes desc nulls last`)
            .as('t');
        })
        .selectAll('t')
        .orderBy('t.created_at', 'desc')
        .limit(opts.limit)
        .execute(),

    /** A contact of a case with where they live now (who may follow them up). */
    findContactPerson: (caseId: string, personId: string, trx?: Transaction<DB>) =>
      on(trx)
        .selectFrom('contacts as k')
        .innerJoin('people as p', 'p.id', 'k.person_id')
        .leftJoin('admin_units as pu', 'pu.code', 'p.unit_code')
        .select(['p.unit_code', 'pu.path as unit_path'])
        .where('k.case_id', '=', caseId)
        .where('k.person_id', '=', personId)
        .limit(1)
        .executeTakeFirst(),

    /**
     * The listed people who are contacts of the case, once each, with where they live now (who may follow them up):
     * a bulk change is checked against each of them before anything is written.
     */
    findContactPeople: async (caseId: string, personIds: string[], trx?: Transaction<DB>) =>
      personIds.length === 0
        ? []
        : on(trx)
            .selectFrom('people as p')
            .leftJoin('admin_units as pu', 'pu.code', 'p.unit_code')
            .select(['p.id as person_id', 'p.unit_code', 'pu.path as unit_path'])
            .where('p.id', 'in', personIds)
            .where((eb) =>
              eb.exists(
                eb
                  .selectFrom('contacts as k')
                  .select(sql`1`.as('one'))
                  .whereRef('k.person_id', '=', 'p.id')
                  .where('k.case_id', '=', caseId),
              ),
            )
            .execute(),

    /** F1 links of these cases (case → person), for the chain graph; dismissed contacts are no contacts. */
    findF1Links: async (caseIds: string[], limit: number, trx?: Transaction<DB>) =>
      caseIds.length === 0
        ? []
        : on(trx)
            .selectFrom('contacts')
            .select(['case_id', 'person_id'])
            .distinct()
            .where('case_id', 'in', caseIds)
            .where('degree', '=', 1)
            .where('confirmation', '<>', 'dismissed')
            .limit(limit)
            .execute(),

    /** F2 links of these cases (the F1 met → person), for the chain graph; dismissed contacts are no contacts. */
    findF2Links: async (caseIds: string[], limit: number, trx?: Transaction<DB>) =>
      caseIds.length === 0
        ? []
        : on(trx)
            .selectFrom('contacts')
            .select(['case_id', 'person_id', 'through_person_id'])
            .distinct()
            .where('case_id', 'in', caseIds)
            .where('degree', '=', 2)
            .where('confirmation', '<>', 'dismissed')
            .limit(limit)
            .execute(),

    /**
     * Stores evidence set-based (one `unnest()` INSERT, whatever the number of rows). Evidence already stored is
     * skipped (`contacts_evidence_uniq`), except that confirmed evidence confirms the same evidence stored pending.
     */
    async insertEvidence(rows: EvidenceRow[], trx: Transaction<DB>): Promise<void> {
      const col = <T>(f: (e: EvidenceRow) => T) => rows.map(f);
      await sql`
      insert into contacts (case_id, person_id, degree, via_type, venue_id, zone_id, overlap_start, overlap_end,
                            overlap_minutes, through_person_id, rule_version, unit_code, follow_up, note,
                            assigned_tracer_id, confirmation)
      select * from unnest(
        ${col((e) => e.case_id)}::uuid[], ${col((e) => e.person_id)}::uuid[], ${col((e) => e.degree)}::smallint[],
        ${col((e) => e.via_type)}::text[], ${col((e) => e.venue_id)}::uuid[], ${col((e) => e.zone_id)}::uuid[],
        ${col((e) => e.overlap_start?.toISOString() ?? null)}::timestamptz[],
        ${col((e) => e.overlap_end?.toISOString() ?? null)}::timestamptz[],
        ${col((e) => e.overlap_minutes)}::integer[], ${col((e) => e.through_person_id)}::uuid[],
        ${col((e) => e.rule_version)}::integer[], ${col((e) => e.unit_code)}::text[],
        ${col((e) => e.follow_up)}::text[], ${col((e) => e.note)}::text[],
        ${col((e) => e.assigned_tracer_id)}::uuid[], ${col((e) => e.confirmation)}::text[]
      )
      on conflict (case_id, person_id, degree, via_type, venue_id, overlap_start, through_person_id)
      do update set confirmation = 'confirmed', follow_up = excluded.follow_up, updated_at = now()
        where contacts.confirmation = 'pending' and excluded.confirmation = 'confirmed'`.execute(trx);
      await refreshContactCounts([...new Set(rows.map((e) => e.case_id))], trx);
    },

    /** The case's evidence on one person, locked until the end of the transaction. */
    lockEvidenceOn: (caseId: string, personId: string, trx: Transaction<DB>) =>
      trx
        .selectFrom('contacts')
        .select([
          'id',
          'degree',
          'via_type',
          'venue_id',
          'zone_id',
          'overlap_start',
          'overlap_end',
          'overlap_minutes',
          'through_person_id',
          'confirmation',
        ])
        .where('case_id', '=', caseId)
        .where('person_id', '=', personId)
        .forUpdate()
        .execute(),

    /** Confirms these pieces of evidence of the case (a dismissed one counts again). */
    async confirmEvidence(caseId: string, ids: string[], trx: Transaction<DB>): Promise<void> {
      await trx
        .updateTable('contacts')
        .set({ confirmation: 'confirmed', updated_at: new Date() })
        .where('case_id', '=', caseId)
        .where('id', 'in', ids)
        .execute();
      await refreshContactCounts([caseId], trx);
    },

    /** A person just told: their follow-up moves from identified to notified. */
    async markNotified(caseId: string, personId: string, trx: Transaction<DB>): Promise<void> {
      await trx
        .updateTable('contacts')
        .set({ follow_up: 'notified' })
        .where('case_id', '=', caseId)
        .where('person_id', '=', personId)
        .where('follow_up', '=', 'identified')
        .execute();
    },

    async dismissPending(caseId: string, personId: string, trx: Transaction<DB>): Promise<void> {
      await trx
        .updateTable('contacts')
        .set({ confirmation: 'dismissed', updated_at: new Date() })
        .where('case_id', '=', caseId)
        .where('person_id', '=', personId)
        .where('confirmation', '=', 'pending')
        .execute();
      await refreshContactCounts([caseId], trx);
    },

    /** Sets the follow-up and/or the assigned tracer of these contacts of a case; returns the rows changed. */
    async updateFollowUp(
      caseId: string,
      personIds: string[],
      set: { follow_up?: FollowUp; assigned_tracer_id?: string | null },
      trx: Transaction<DB>,
    ): Promise<number> {
      const res = await trx
        .updateTable('contacts')
        .set({ ...set, updated_at: new Date() })
        .where('case_id', '=', caseId)
        .where('person_id', 'in', personIds)
        .executeTakeFirst();
      return Number(res.numUpdatedRows ?? 0);
    },

    // ---- quarantine orders and exposure notices -----------------------------------------------------------------

    /** Orders for new F1, starting today; a person already ordered for the case keeps their order. */
    async insertQuarantineOrders(orders: NewQuarantineOrder[], startsOn: string, trx: Transaction<DB>): Promise<void> {
      if (orders.length === 0) return;
      await sql`
      insert into quarantine_orders (person_id, case_id, kind, starts_on, ends_on, unit_code)
      select p, c, k, ${startsOn}::date, e, u from unnest(
        ${orders.map((o) => o.person_id)}::uuid[], ${orders.map((o) => o.case_id)}::uuid[],
        ${orders.map((o) => o.kind)}::text[], ${orders.map((o) => o.ends_on)}::date[],
        ${orders.map((o) => o.unit_code)}::text[]
      ) as t(p, c, k, e, u)
      on conflict do nothing`.execute(trx);
    },

    /**
     * Releases these people's orders of the case — only those issued in `scope` (`quarantine_orders.unit_code`, the
     * person's unit when traced): an order issued in another area is that area's to release. Returns how many.
     */
    async releaseQuarantine(
      caseId: string,
      personIds: string[],
      scope: AccessScope,
      trx: Transaction<DB>,
    ): Promise<number> {
      if (personIds.length === 0) return 0;
      let q = trx
        .updateTable('quarantine_orders')
        .set({ status: 'released' })
        .where('case_id', '=', caseId)
        .where('person_id', 'in', personIds);
      if (scope.paths !== 'all') {
        q = q.where('unit_code', 'in', (eb) =>
          eb.selectFrom('admin_units as u').select('u.code').where(scopeCondition(scope, 'u.path')),
        );
      }
      const res = await q.executeTakeFirst();
      return Number(res.numUpdatedRows ?? 0);
    },

    /** A person's own quarantine orders, newest first. */
    findQuarantineOrdersOf: (personId: string, trx?: Transaction<DB>) =>
      on(trx)
        .selectFrom('quarantine_orders')
        .select(['id', 'kind', 'starts_on', 'ends_on', 'status'])
        .where('person_id', '=', personId)
        .orderBy('created_at', 'desc')
        .execute(),

    /**
     * Quarantine orders in scope — where the order was issued (`quarantine_orders.unit_code`, the person's unit when
     * traced) — soonest end first, with the person's name, phone and address (the officer checks on them) and the
     * source case's display code (never the F0's identity). Active orders come from a partial index on
     * `(ends_on, unit_code)` (migration 0023). A page at a time (keyset on end date, name, id: `after`).
     */
    listQuarantineOrders: (
      scope: AccessScope,
      opts: {
        status?: QuarantineStatus | undefined;
        endsBy?: string | undefined;
        q?: string | undefined;
        /** the last row of the previous page: (ends_on, name, id) */
        after?: [string, string, string] | undefined;
        limit: number;
      },
      trx?: Transaction<DB>,
    ) => {
      let q = scoped(
        on(trx)
          .selectFrom('quarantine_orders as o')
          .innerJoin('people as p', 'p.id', 'o.person_id')
          .innerJoin('cases as c', 'c.id', 'o.case_id')
          .leftJoin('admin_units as u', 'u.code', 'o.unit_code')
          .select([
            'o.id',
            'o.person_id',
            'p.name',
            'p.phone',
            'p.address',
            'o.unit_code',
            'u.name as unit_name',
            'u.path as unit_path',
            'o.kind',
            'o.starts_on',
            'o.ends_on',
            'o.status',
            'c.display_code',
            'o.created_at',
          ]),
        scope,
        'u.path',
      );
      if (opts.status) q = q.where('o.status', '=', opts.status);
      if (opts.endsBy) q = q.where('o.ends_on', '<=', opts.endsBy);
      const text = opts.q;
      if (text) q = q.where((eb) => eb.or([eb('p.name', 'ilike', `%${text}%`), eb('p.phone', 'like', `%${text}%`)]));
      // keyset: the rows after the previous page's last, in the list's own order (the same collation for both)
      const after = opts.after;
      if (after)
        q = q.where(
          sql<boolean>`(o.ends_on, p.name, o.id) > (${after[0]}::date, ${after[1]}::text, ${after[2]}::uuid)`,
        );
      return q.orderBy('o.ends_on').orderBy('p.name').orderBy('o.id').limit(pageLimit(opts.limit)).execute();
    },

    /** One quarantine order with where it was issued (what it is authorized by). */
    findQuarantineOrder: (id: string, trx?: Transaction<DB>) =>
      on(trx)
        .selectFrom('quarantine_orders as o')
        .leftJoin('admin_units as u', 'u.code', 'o.unit_code')
        .select([
          'o.id',
          'o.person_id',
          'o.case_id',
          'o.kind',
          'o.starts_on',
          'o.ends_on',
          'o.status',
          'o.unit_code',
          'u.path as unit_path',
        ])
        .where('o.id', '=', id)
        .executeTakeFirst(),

    /** Sets an order's status and/or end date; the row as it is now. */
    updateQuarantineOrder: (
      id: string,
      change: { status?: QuarantineStatus | undefined; ends_on?: string | undefined },
      trx: Transaction<DB>,
    ) =>
      trx
        .updateTable('quarantine_orders')
        .set({
          ...(change.status ? { status: change.status } : {}),
          ...(change.ends_on ? { ends_on: change.ends_on } : {}),
        })
        .where('id', '=', id)
        .returning(['id', 'status', 'starts_on', 'ends_on'])
        .executeTakeFirstOrThrow(),

    // ---- the outbreak's figures (no names) ----------------------------------------------------------------------

    /** Cases in scope confirmed per local (Asia/Ho_Chi_Minh) day since `from`. */
    casesPerDay: (scope: AccessScope, from: Date, trx?: Transaction<DB>) =>
      scoped(
        on(trx)
          .selectFrom('cases as c')
          .innerJoin('admin_units as u', 'u.code', 'c.unit_code')
          .select([
            sql<string>`to_char(c.confirmed_at at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD')`.as('day'),
            sql<number>`count(*)::int`.as('n'),
          ])
          .where('c.confirmed_at', '>=', from),
        scope,
        'u.path',
      )
        .groupBy(sql`1`)
        .orderBy(sql`1`)
        .execute(),

    /** Open cases in scope (not recovered, not died). */
    countOpenCases: async (scope: AccessScope, trx?: Transaction<DB>) =>
      (
        await scoped(
          on(trx)
            .selectFrom('cases as c')
            .innerJoin('admin_units as u', 'u.code', 'c.unit_code')
            .select(sql<number>`count(*)::int`.as('n'))
            .where('c.status', 'not in', CLOSED),
          scope,
          'u.path',
        ).executeTakeFirstOrThrow()
      ).n,

    /** People under an active quarantine order in scope that has not ended before `today` (YYYY-MM-DD). */
    countUnderQuarantine: async (scope: AccessScope, today: string, trx?: Transaction<DB>) =>
      (
        await scoped(
          on(trx)
            .selectFrom('quarantine_orders as o')
            .innerJoin('admin_units as u', 'u.code', 'o.unit_code')
            .select(sql<number>`count(distinct o.person_id)::int`.as('n'))
            .where('o.status', '=', 'active')
            .where('o.ends_on', '>=', today),
          scope,
          'u.path',
        ).executeTakeFirstOrThrow()
      ).n,

    /** A person's own exposure notices (never who the case is), newest first, at most 100. */
    findExposuresOf: (personId: string, trx?: Transaction<DB>) =>
      on(trx)
        .selectFrom('exposure_notices as n')
        .leftJoin('venues as v', 'v.id', 'n.venue_id')
        .select([
          'n.id',
          'n.kind',
          'n.degree',
          'n.venue_id',
          'v.name as venue_name',
          'n.exposure_start',
          'n.exposure_end',
          'n.created_at',
        ])
        .where('n.person_id', '=', personId)
        .orderBy('n.created_at', 'desc')
        .limit(100)
        .execute(),

    /** Venue names by id (the messages name where the exposure was). */
    findVenueNames: async (ids: string[], trx?: Transaction<DB>): Promise<Map<string, string>> =>
      new Map(
        ids.length
          ? (await on(trx).selectFrom('venues').select(['id', 'name']).where('id', 'in', ids).execute()).map((v) => [
              v.id,
              v.name,
            ])
          : [],
      ),
  };
}

export type CasesRepo = ReturnType<typeof casesRepo>;
