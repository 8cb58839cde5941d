/**
 * Queries for people, households, dependants and citizen accounts. Searches take the actor's `AccessScope` and filter
 * in SQL (`scoped`), so out-of-scope people are simply not found.
 * `findById` outside a transaction is the hot read (every staff look-up of a person, every profile read): the look-ups
 * of concurrent requests are coalesced (DataLoader, one batch per event-loop turn, no cache) into one statement.
 */
import DataLoader from 'dataloader';
import { type Expression, type Kysely, type SqlBool, sql, type Transaction } from 'kysely';
import type { DB, NewPerson, PersonUpdate } from '../../db/types.ts';
import { type AccessScope, scoped } from '../../platform/authorize.ts';
import { foldDiacritics, isUuid } from '../../platform/formats.ts';
import { pageLimit } from '../../platform/paging.ts';

type Q = Kysely<DB> | Transaction<DB>;

/**
 * `column` holds `name` (a cleaned name: service.ts `cleanName`), letter case and runs of spaces aside — the one
 * comparison of every look-up by an identifier and a name (written once: `\\s` in a template literal is easily
 * mistyped as `\s`, which JavaScript reads as a plain `s`).
 */
const hasName = (column: 'name' | 'p.name', name: string) =>
  sql<SqlBool>`lower(regexp_replace(btrim(${sql.ref(column)}), '\\s+', ' ', 'g')) = lower(${name})`;

const personColumns = [
  'p.id',
  'p.national_id',
  'p.national_id_claim',
  'p.phone',
  'p.name',
  'p.birth_year',
  'p.birth_date',
  'p.sex',
  'p.unit_code',
  'p.address',
  'p.household_id',
  'u.name as unit_name',
  'u.path as unit_path',
] as const;

export type PersonWithUnit = NonNullable<Awaited<ReturnType<ReturnType<typeof peopleRepo>['findById']>>>;

export function peopleRepo(db: Kysely<DB>) {
  const base = (q: Q) =>
    q.selectFrom('people as p').leftJoin('admin_units as u', 'u.code', 'p.unit_code').select(personColumns);
  const one = (id: string, q: Q) => base(q).where('p.id', '=', id).executeTakeFirst();
  type Row = Awaited<ReturnType<typeof one>>;

  // Concurrent requests' look-ups by id in one statement: the requests parsed in one event-loop turn are answered by
  // one round trip (the answer to each is what it would read alone, at most one turn later). Nothing is cached: each
  // load reads the database.
  const byId = new DataLoader<string, Row>(
    async (ids) => {
      const rows = await base(db)
        .where('p.id', '=', sql<string>`any(${[...ids]}::uuid[])`)
        .execute();
      const found = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => found.get(id));
    },
    { cache: false, maxBatchSize: 500, batchScheduleFn: (run) => setImmediate(run) },
  );

  return {
    /** Inside a transaction: read in it. Otherwise batched with concurrent look-ups. A malformed id finds nobody. */
    findById: (id: string, q: Q = db): Promise<Row> => {
      if (!isUuid(id)) return Promise.resolve(undefined);
      return q === db ? byId.load(id) : one(id, q);
    },

    /** The holder of a **verified** national ID (a claim is never found here: migration 0042). */
    findByNationalId: (nationalId: string, q: Q = db) =>
      q.selectFrom('people').select('id').where('national_id', '=', nationalId).executeTakeFirst(),

    /**
     * The records that claim this national ID (typed by a citizen, not verified) under this name (case-insensitive,
     * spaces collapsed): at most two, so a caller can tell one from several.
     */
    findClaimantsByName: (nationalId: string, name: string, q: Q = db) =>
      q
        .selectFrom('people')
        .select('id')
        .where('national_id_claim', '=', nationalId)
        .where(hasName('name', name))
        .orderBy('created_at')
        .limit(2)
        .execute(),

    /** Same phone and same name (case-insensitive): the same person registered twice. */
    findByPhoneAndName: (phone: string, name: string, q: Q = db) =>
      q
        .selectFrom('people')
        .select('id')
        .where('phone', '=', phone)
        .where(sql<SqlBool>`lower(name) = lower(${name})`)
        .executeTakeFirst(),

    /**
     * The person a phone stands for when it is **trusted** (not a claim: migration 0044) — with `name`, among those of
     * that name (case-insensitive, spaces collapsed): its account holder first, else the first registered.
     */
    findTrustedByPhone: (phone: string, name: string | undefined, q: Q = db) => {
      let query = q
        .selectFrom('people as p')
        .leftJoin('citizen_accounts as a', (j) => j.onRef('a.person_id', '=', 'p.id').onRef('a.phone', '=', 'p.phone'))
        .select('p.id')
        .where('p.phone', '=', phone)
        .where('p.phone_claimed', '=', false);
      if (name !== undefined) query = query.where(hasName('p.name', name));
      return query.orderBy(sql`a.person_id is null`).orderBy('p.created_at').limit(1).executeTakeFirst();
    },

    /** The records that claim this phone (migration 0044) under this name: at most two, as `findClaimantsByName`. */
    findPhoneClaimantsByName: (phone: string, name: string, q: Q = db) =>
      q
        .selectFrom('people')
        .select('id')
        .where('phone', '=', phone)
        .where('phone_claimed', '=', true)
        .where(hasName('name', name))
        .orderBy('created_at')
        .limit(2)
        .execute(),

    /** Same national ID and same name (case-insensitive, spaces collapsed): someone who holds the person's card. */
    findByNationalIdAndName: (nationalId: string, name: string, q: Q = db) =>
      q
        .selectFrom('people')
        .select('id')
        .where('national_id', '=', nationalId)
        .where(hasName('name', name))
        .executeTakeFirst(),

    guardianIds: async (personId: string, q: Q = db) =>
      (await q.selectFrom('dependants').select('guardian_id').where('dependant_id', '=', personId).execute()).map(
        (r) => r.guardian_id,
      ),

    create: (trx: Q, values: NewPerson) =>
      trx.insertInto('people').values(values).returning('id').executeTakeFirstOrThrow(),

    /** A person known only by phone (a citizen's first sign-in): the profile is theirs to complete. */
    createWithPhone: (trx: Q, phone: string) =>
      trx.insertInto('people').values({ phone }).returning(['id', 'name', 'unit_code']).executeTakeFirstOrThrow(),

    update: (trx: Q, id: string, values: PersonUpdate) =>
      trx
        .updateTable('people')
        .set({ ...values, updated_at: new Date() })
        .where('id', '=', id)
        .execute(),

    /**
     * Search by exact national ID, exact phone or name fragment, only among people whose unit lies in scope.
     * Invariant: an empty scope returns nothing (never everything).
     */
    search: (scope: AccessScope, term: { nationalId?: string; phone?: string; name?: string }, limit: number) => {
      const q = scoped(base(db), scope, 'u.path').where(({ or, eb }) => {
        const terms: Expression<SqlBool>[] = [];
        if (term.nationalId) {
          // staff see claims too (each marked not verified in its view), so they can check the card and verify one
          terms.push(eb('p.national_id', '=', term.nationalId));
          terms.push(eb('p.national_id_claim', '=', term.nationalId));
        }
        if (term.phone) terms.push(eb('p.phone', '=', term.phone));
        if (term.name) {
          // accent-insensitive: "nguyen van" finds "Nguyễn Văn" (`name_folded`, kept by the database and searched
          // through its trigram index: migration 0024)
          const pattern = `%${foldDiacritics(term.name).replace(/[%_\\]/g, '\\$&')}%`;
          terms.push(eb('p.name_folded', 'like', pattern));
        }
        return or(terms);
      });
      return q.orderBy('p.name').limit(limit).execute();
    },

    /**
     * The people in scope whose national ID is a claim (a citizen typed it, staff have not verified it), oldest record
     * first (`created_at`, then id); `after` = the key of the previous page's last row (`sort_key`, id). Each row says
     * whether another record holds the number verified (`contested`: the unique index of `national_id` answers it).
     * The page's ids are chosen first from the claims' own partial indexes alone (index-only, migration 0043: an
     * area's units in `unit_code` order, a wide area in list order), then only those records are read: chosen from
     * the whole row, the planner read every person of the area's units through `people_unit_idx` to keep the claims
     * (0.2 s for a district of a 3,000,000-people province, against 4 ms). Invariant: an empty scope returns nothing
     * (never everything).
     */
    listClaims: (scope: AccessScope, opts: { after?: [string, string] | undefined; limit: number }) => {
      let page = scoped(
        db
          .selectFrom('people as c')
          .leftJoin('admin_units as cu', 'cu.code', 'c.unit_code')
          .select('c.id')
          .where('c.national_id_claim', 'is not', null),
        scope,
        'cu.path',
      );
      if (opts.after)
        page = page.where(sql<SqlBool>`(c.created_at, c.id) > (${opts.after[0]}::timestamptz, ${opts.after[1]}::uuid)`);
      return base(db)
        .select([
          // as text, in UTC: a cursor must hold the key to the microsecond (a Date keeps milliseconds)
          sql<string>`to_char(p.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('sort_key'),
          sql<boolean>`exists (select 1 from people h where h.national_id = p.national_id_claim)`.as('contested'),
        ])
        .where('p.id', 'in', page.orderBy('c.created_at').orderBy('c.id').limit(pageLimit(opts.limit)))
        .orderBy('p.created_at')
        .orderBy('p.id')
        .execute();
    },

    createHousehold: (trx: Q, unitCode: string, address: string | null) =>
      trx.insertInto('households').values({ unit_code: unitCode, address }).returning('id').executeTakeFirstOrThrow(),

    findHousehold: (id: string, q: Q = db) =>
      q
        .selectFrom('households as h')
        .innerJoin('admin_units as u', 'u.code', 'h.unit_code')
        .select(['h.id', 'h.unit_code', 'h.address', 'u.path as unit_path'])
        .where('h.id', '=', id)
        .executeTakeFirst(),

    householdMembers: (householdId: string, q: Q = db) =>
      base(q).where('p.household_id', '=', householdId).orderBy('p.name').execute(),

    setHousehold: (trx: Q, personIds: string[], householdId: string) =>
      trx
        .updateTable('people')
        .set({ household_id: householdId, updated_at: new Date() })
        .where('id', 'in', personIds)
        .execute(),

    dependantsOf: (guardianId: string, q: Q = db) =>
      base(q)
        .innerJoin('dependants as d', 'd.dependant_id', 'p.id')
        .select('d.relation')
        .where('d.guardian_id', '=', guardianId)
        .orderBy('p.name')
        .execute(),

    /** The person holding the citizen account of this phone. */
    findAccountHolder: (phone: string, q: Q = db) =>
      q
        .selectFrom('citizen_accounts as a')
        .innerJoin('people as p', 'p.id', 'a.person_id')
        .select(['p.id', 'p.name', 'p.unit_code'])
        .where('a.phone', '=', phone)
        .executeTakeFirst(),

    /** People registered by staff with this phone who have no account yet (the citizen may be one of them). */
    findUnclaimedByPhone: (phone: string, q: Q = db) =>
      q
        .selectFrom('people as p')
        .leftJoin('citizen_accounts as a', 'a.person_id', 'p.id')
        .select(['p.id', 'p.name', 'p.unit_code'])
        .where('p.phone', '=', phone)
        .where('a.phone', 'is', null)
        // never hand over a dependant record: a citizen can type any phone into a dependant, and claiming it would
        // let that guardian read the real phone owner's profile
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('dependants as d').select('d.dependant_id').whereRef('d.dependant_id', '=', 'p.id'))),
        )
        .execute(),

    createAccount: (trx: Transaction<DB>, phone: string, personId: string) =>
      trx.insertInto('citizen_accounts').values({ phone, person_id: personId }).execute(),

    addDependant: (trx: Q, guardianId: string, dependantId: string, relation: string) =>
      trx
        .insertInto('dependants')
        .values({ guardian_id: guardianId, dependant_id: dependantId, relation })
        .onConflict((oc) => oc.doNothing())
        .execute(),

    // ——— residents per unit (migration 0037) ———
    /**
     * Recounts residents per unit (one pass over people, in one statement: readers see the old counts or the new,
     * never none); units nobody lives in any more lose their row.
     */
    countUnits: (q: Q = db) =>
      sql`
        with counted as (
          select p.unit_code, u.path, count(*)::int as n
          from people p join admin_units u on u.code = p.unit_code
          group by p.unit_code, u.path
        ), gone as (
          delete from people_unit_counts c where not exists (select 1 from counted x where x.unit_code = c.unit_code)
        )
        insert into people_unit_counts (unit_code, unit_path, people, counted_at)
        select unit_code, path, n, now() from counted
        on conflict (unit_code) do update
          set unit_path = excluded.unit_path, people = excluded.people, counted_at = excluded.counted_at`.execute(q),

    /** Whether residents were ever counted (an empty table: a database seeded since the last count, or new). */
    unitsCounted: async () =>
      (await db.selectFrom('people_unit_counts').select('unit_code').limit(1).executeTakeFirst()) !== undefined,

    /** Residents per unit path in `scope`, as last counted. */
    unitCounts: (scope: AccessScope) =>
      scoped(
        db.selectFrom('people_unit_counts').select(['unit_path as path', 'people as n']),
        scope,
        'unit_path',
      ).execute(),
  };
}
