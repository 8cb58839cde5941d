/**
 * Bulk synthetic data for benchmarks (`truyvet seed-demo --scale --people 1000000 --venues 20000 --checkins 10000000`):
 * generated inside the database with generate_series, deterministic (setseed), in chunks so memory stays flat.
 * Each person has five favourite venues (near-by places they return to), so co-presence — and tracing work — is
 * realistic: about (check-ins per venue per day) overlaps per stay. People live in Đồng Nai's communes.
 */
import { type Kysely, sql } from 'kysely';
import type { AppContext } from '../context.ts';
import type { DB } from '../db/types.ts';

export interface ScaleOptions {
  people: number;
  venues: number;
  checkins: number;
  days: number;
  seed?: number;
  log?: (line: string) => void;
}

const CHUNK = 500_000;
/** from this many new check-ins on, indexes are dropped during the load and rebuilt after it */
const BULK_THRESHOLD = 2_000_000;

/** Adds people and venues up to the requested counts, then `checkins` more check-ins. Returns the totals. */
export async function seedScale(
  ctx: AppContext,
  o: ScaleOptions,
): Promise<{ people: number; venues: number; checkins: number }> {
  const log = o.log ?? (() => {});
  const db = ctx.db;
  await sql`create table if not exists scale_people (idx integer primary key, id uuid not null)`.execute(db);
  await sql`create table if not exists scale_venues (idx integer primary key, id uuid not null, unit_code text not null, stay integer not null)`.execute(
    db,
  );
  await sql`select setseed(${((o.seed ?? 2021) % 1000) / 1000})`.execute(db);
  const communes = await sql<{
    code: string;
  }>`select code from admin_units where path like '75.%' and level = 3 and not is_hamlet order by code`.execute(db);
  if (communes.rows.length === 0) throw new Error('import the administrative units first');
  const codes = communes.rows.map((r) => r.code);

  const havePeople = Number(
    (await sql<{ n: number }>`select count(*)::int as n from scale_people`.execute(db)).rows[0]?.n ?? 0,
  );
  for (let from = havePeople + 1; from <= o.people; from += CHUNK) {
    const to = Math.min(o.people, from + CHUNK - 1);
    await db.transaction().execute(async (trx) => {
      await sql`
        with g as (select i, gen_random_uuid() as id from generate_series(${from}::int, ${to}::int) i),
        ins as (
          insert into people (id, national_id, phone, name, birth_year, sex, unit_code)
          select id, lpad((750000000000 + i)::text, 12, '0'), '+8497' || lpad(i::text, 7, '0'),
                 'Người thử ' || i, 1950 + (i % 60), case when i % 2 = 0 then 'female' else 'male' end,
                 (${codes}::text[])[1 + (i % ${codes.length})]
          from g returning id
        )
        insert into scale_people (idx, id) select i, id from g`.execute(trx);
    });
    log(`people ${to}`);
  }

  const haveVenues = Number(
    (await sql<{ n: number }>`select count(*)::int as n from scale_venues`.execute(db)).rows[0]?.n ?? 0,
  );
  if (haveVenues < o.venues) {
    await db.transaction().execute(async (trx) => {
      await sql`
        with g as (select i, gen_random_uuid() as id, (${codes}::text[])[1 + (i % ${codes.length})] as unit_code,
                          (array[30, 45, 60, 90, 240, 480])[1 + (i % 6)] as stay
                   from generate_series(${haveVenues + 1}::int, ${o.venues}::int) i),
        ins as (
          insert into venues (id, short_code, name, category, unit_code, address, default_stay_minutes)
          -- (lpad cuts a longer text: from venue 4,096 on the number is written whole, or codes would repeat)
          select id, 'S' || (case when i < 4096 then lpad(to_hex(i), 3, '0') else to_hex(i) end) || '-' ||
                 lpad(to_hex(i::bigint * 7919 % 65536), 4, '0'), 'Địa điểm ' || i,
                 (array['market_supermarket_mall_shop','restaurant_cafe','factory','office','school_university'])[1 + (i % 5)],
                 unit_code, i || ' Đường thử', stay
          from g returning id
        )
        insert into scale_venues (idx, id, unit_code, stay) select i, id, unit_code, stay from g`.execute(trx);
    });
    log(`venues ${o.venues}`);
  }

  const people = Math.min(
    o.people,
    Number((await sql<{ n: number }>`select count(*)::int as n from scale_people`.execute(db)).rows[0]?.n),
  );
  const venues = Number((await sql<{ n: number }>`select count(*)::int as n from scale_venues`.execute(db)).rows[0]?.n);
  const spanSeconds = o.days * 86_400 - 3600;
  // a large load goes in without the check-in indexes, which are built afterwards by sorting (minutes instead of
  // hours of random index inserts); one pinned connection, so the session's maintenance_work_mem applies
  const bulk = o.checkins >= BULK_THRESHOLD;
  await db.connection().execute(async (conn) => {
    // an earlier load that was killed before it rebuilt its indexes: rebuild them first
    await rebuildDroppedIndexes(conn);
    if (bulk) {
      log('bulk load: dropping check-in indexes until the load is done');
      // their definitions are read from the catalog (whatever the migrations made them) and kept in a table, so
      // they are rebuilt as they were even when this process dies before the end of the load
      await sql`create table if not exists scale_dropped_indexes (name text primary key, def text not null)`.execute(
        conn,
      );
      await sql`
        insert into scale_dropped_indexes (name, def)
        select indexname, indexdef from pg_indexes
        where schemaname = current_schema() and tablename = 'checkins' and indexname <> 'checkins_pkey'
        on conflict do nothing`.execute(conn);
      await sql`alter table checkins drop constraint if exists checkins_pkey`.execute(conn);
      for (const r of (await sql<{ name: string }>`select name from scale_dropped_indexes`.execute(conn)).rows)
        await sql`drop index if exists ${sql.id(r.name)}`.execute(conn);
    }
    try {
      for (let done = 0; done < o.checkins; done += CHUNK) {
        const n = Math.min(CHUNK, o.checkins - done);
        await sql`
          insert into checkins (venue_id, person_id, checked_in_at, checked_out_at, implied_out_at, method, actor_type, actor_id, unit_code, evidence)
          select v.id, p.id, t.at, null, t.at + make_interval(mins => v.stay), 'citizen_scan', 'system', 'seed-scale', v.unit_code, 'qr_self'
          from (select 1 + floor(random() * ${people})::int as pidx, floor(random() * 5)::int as fav,
                       now() - make_interval(secs => floor(random() * ${spanSeconds})::int) - interval '1 hour' as at
                from generate_series(1, ${n}::int)) t
          join scale_people p on p.idx = t.pidx
          join scale_venues v on v.idx = 1 + ((t.pidx::bigint * 7919 + t.fav * 104729) % ${venues})`.execute(conn);
        log(`check-ins +${done + n}`);
      }
    } finally {
      // also after a failed load: the table never stays without its indexes
      if (bulk) {
        log('bulk load: building check-in indexes');
        await rebuildDroppedIndexes(conn);
      }
    }
  });
  // loaded check-ins are all-visible once vacuumed: index-only scans and set hint bits from the first query on, as
  // after autovacuum in a running system
  await sql`vacuum checkins`.execute(db);
  await sql`analyze`.execute(db);
  const total = Number((await sql<{ n: number }>`select count(*)::bigint as n from checkins`.execute(db)).rows[0]?.n);
  return { people, venues, checkins: total };
}

/** Rebuilds the check-in indexes (and primary key) a bulk load dropped, from the definitions it kept. */
async function rebuildDroppedIndexes(conn: Kysely<DB>): Promise<void> {
  const exists = await sql<{ t: string | null }>`select to_regclass('scale_dropped_indexes')::text as t`.execute(conn);
  const kept = exists.rows[0]?.t
    ? await sql<{ name: string; def: string }>`select name, def from scale_dropped_indexes order by name`.execute(conn)
    : { rows: [] };
  const pk = await sql`select 1 from pg_constraint where conname = 'checkins_pkey'`.execute(conn);
  if (kept.rows.length === 0 && pk.rows.length > 0) return;
  await sql`set maintenance_work_mem = '512MB'`.execute(conn);
  if (pk.rows.length === 0) await sql`alter table checkins add primary key (id, checked_in_at)`.execute(conn);
  for (const r of kept.rows) {
    // the parent's definition reads "ON ONLY checkins"; built without ONLY it cascades to every partition
    await sql
      .raw(r.def.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX IF NOT EXISTS ').replace(' ON ONLY ', ' ON '))
      .execute(conn);
    await sql`delete from scale_dropped_indexes where name = ${r.name}`.execute(conn);
  }
  await sql`reset maintenance_work_mem`.execute(conn);
}

export interface ScaleCasesOptions {
  /** cases to have in all: one per scale person, from the first on */
  cases: number;
  /** evidence rows of the newest case (a market outbreak's mass alert): its contact list at its longest */
  caseContacts: number;
  /** F1 of every other case (venue co-presence), as tracing finds them: about 8 a case at the reference density */
  contactsPerCase?: number;
  days: number;
  log?: (line: string) => void;
}

/**
 * Bulk cases for the list benchmarks (`seed-demo --scale --cases N --case-contacts M`), on top of the scale people
 * and venues: one case for each of the first N scale people, confirmed at random over the last `days` (display codes
 * `BN75-S0000001`…, apart from the ones the app gives), `contactsPerCase` F1 for each (default 8), and M pieces of
 * evidence for the newest case — the F0 of scale person 1, confirmed now — shaped like real tracing: mostly venue co-presence with overlaps of 15–254 minutes, some
 * households and interviews, a quarter of them F2 through the first F1, one person in ten with a second piece of
 * evidence, and a quarantine order for every F1. Written straight into the tables, like the rest of this file (the
 * tracing itself is bench/tracing's subject). Idempotent: cases and evidence already there are kept.
 */
export async function seedScaleCases(
  ctx: AppContext,
  o: ScaleCasesOptions,
): Promise<{ cases: number; contacts: number }> {
  const log = o.log ?? (() => {});
  const db = ctx.db;
  const people = Number((await sql<{ n: number }>`select count(*)::int as n from scale_people`.execute(db)).rows[0]?.n);
  if (people < 2) throw new Error('generate the scale people first (--people)');
  const wanted = Math.min(o.cases, people);
  const have = Number(
    (await sql<{ n: number }>`select count(*)::int as n from cases where created_by = 'seed-scale'`.execute(db)).rows[0]
      ?.n ?? 0,
  );
  for (let from = have + 1; from <= wanted; from += CHUNK) {
    const to = Math.min(wanted, from + CHUNK - 1);
    await sql`
      insert into cases (display_code, person_id, unit_code, status, confirmed_at, origin, rule_version, traced_at,
                         created_by)
      select 'BN75-S' || lpad(s.idx::text, 7, '0'), s.id, p.unit_code,
             (array['confirmed', 'isolating', 'treated_home', 'treated_hospital', 'recovered'])[1 + s.idx % 5],
             case when s.idx = 1 then now()
                  else now() - make_interval(secs => floor(random() * ${o.days * 86_400})::int) - interval '1 hour' end,
             'tracer', 1, now(), 'seed-scale'
      from scale_people s join people p on p.id = s.id
      where s.idx between ${from} and ${to}
      on conflict do nothing`.execute(db);
    log(`cases ${to}`);
  }
  // every case's own F1 (at other scale people's venues, 15–134 minutes): the planner then sees contacts spread
  // over cases as they are, not all on the newest one
  const perCase = o.contactsPerCase ?? 8;
  const venueCount = Number(
    (await sql<{ n: number }>`select count(*)::int as n from scale_venues`.execute(db)).rows[0]?.n,
  );
  const withOwn = Number(
    (
      await sql<{ n: number }>`
        select count(distinct k.case_id)::int as n from contacts k join cases c on c.id = k.case_id
        where c.created_by = 'seed-scale' and k.rule_version = 1 and k.note = 'seed-scale'`.execute(db)
    ).rows[0]?.n ?? 0,
  );
  if (perCase > 0 && venueCount > 0 && withOwn < wanted) {
    for (let from = withOwn + 2; from <= wanted; from += CHUNK / perCase) {
      const to = Math.min(wanted, from + CHUNK / perCase - 1);
      await sql`
        insert into contacts (case_id, person_id, degree, via_type, venue_id, overlap_start, overlap_end,
                              overlap_minutes, rule_version, unit_code, follow_up, confirmation, note)
        select c.id, f.id, 1, 'venue', v.id, c.confirmed_at - interval '1 day',
               c.confirmed_at - interval '1 day' + make_interval(mins => (15 + (s.idx + j) % 120)::int),
               (15 + (s.idx + j) % 120)::int, 1, p.unit_code, 'notified', 'confirmed', 'seed-scale'
        from scale_people s
        join cases c on c.person_id = s.id and c.created_by = 'seed-scale'
        cross join generate_series(1, ${perCase}) j
        join scale_people f on f.idx = 1 + ((s.idx::bigint * 7919 + j * 104729) % ${people})
        join people p on p.id = f.id
        join scale_venues v on v.idx = 1 + ((s.idx::bigint * 31 + j) % ${venueCount})
        where s.idx between ${from} and ${to} and f.id <> s.id
        on conflict do nothing`.execute(db);
      log(`contacts of cases up to ${to}`);
    }
  }

  const bigCase = (
    await sql<{ id: string }>`
      select c.id from cases c join scale_people s on s.id = c.person_id where s.idx = 1 and c.created_by = 'seed-scale'`.execute(
      db,
    )
  ).rows[0]?.id;
  const venues = Number((await sql<{ n: number }>`select count(*)::int as n from scale_venues`.execute(db)).rows[0]?.n);
  const contactsWanted = Math.min(o.caseContacts, people - 1);
  if (bigCase && contactsWanted > 0 && venues > 0) {
    const haveContacts = Number(
      (
        await sql<{
          n: number;
        }>`select count(distinct person_id)::int as n from contacts where case_id = ${bigCase}`.execute(db)
      ).rows[0]?.n ?? 0,
    );
    // people 2 … M+1 are the contacts; person 2 is the F1 every F2 met
    for (let from = haveContacts + 2; from <= contactsWanted + 1; from += CHUNK) {
      const to = Math.min(contactsWanted + 1, from + CHUNK - 1);
      await sql`
        with g as (
          select s.idx, s.id, p.unit_code,
                 case when s.idx > 2 and s.idx % 4 = 0 then 2 else 1 end as degree,
                 case when s.idx % 97 = 0 then 'household' when s.idx % 31 = 0 then 'manual' else 'venue' end as via,
                 now() - make_interval(mins => (60 + (s.idx::bigint * 7919) % 2800)::int) as at,
                 (15 + (s.idx::bigint * 104729) % 240)::int as minutes
          from scale_people s join people p on p.id = s.id
          where s.idx between ${from} and ${to}
        ),
        rows as (
          select idx, id, unit_code, degree, via, at, minutes, 0 as extra from g
          union all
          -- one person in ten has a second, weaker piece of evidence (another venue, shorter)
          select idx, id, unit_code, degree, 'venue', at - interval '1 day', 15 + minutes % 20, 1 from g
          where idx % 10 = 0
        )
        insert into contacts (case_id, person_id, degree, via_type, venue_id, overlap_start, overlap_end,
                              overlap_minutes, through_person_id, rule_version, unit_code, follow_up, confirmation)
        select ${bigCase}::uuid, r.id, r.degree, r.via,
               case when r.via = 'venue' then v.id end,
               case when r.via = 'household' then null else r.at end,
               case when r.via = 'household' then null else r.at + make_interval(mins => r.minutes) end,
               case when r.via = 'venue' then r.minutes end,
               case when r.degree = 2 then (select id from scale_people where idx = 2) end,
               1, r.unit_code,
               (array['identified', 'notified', 'reached', 'tested', 'quarantined'])[1 + r.idx % 5],
               'confirmed'
        from rows r
        join scale_venues v on v.idx = 1 + ((r.idx::bigint * 7919 + r.extra * 104729) % ${venues})
        on conflict do nothing`.execute(db);
      await sql`
        insert into quarantine_orders (person_id, case_id, kind, starts_on, ends_on, unit_code)
        select s.id, ${bigCase}::uuid, 'home', current_date, current_date + 14, p.unit_code
        from scale_people s join people p on p.id = s.id
        where s.idx between ${from} and ${to} and not (s.idx > 2 and s.idx % 4 = 0)
        on conflict do nothing`.execute(db);
      log(`contacts of the newest case ${to - 1}`);
    }
  }
  // the counts the cases repository keeps with each case (migration 0025), for the evidence written here directly
  await sql`
    update cases c set f1_count = t.f1, f2_count = t.f2
    from (select case_id, count(distinct person_id) filter (where degree = 1)::int as f1,
                 count(distinct person_id) filter (where degree = 2)::int as f2
          from contacts where confirmation <> 'dismissed' group by case_id) t
    where t.case_id = c.id and c.created_by = 'seed-scale' and (c.f1_count, c.f2_count) <> (t.f1, t.f2)`.execute(db);
  // as after autovacuum in a running system: all-visible pages (index-only scans) and fresh statistics
  for (const table of ['cases', 'contacts', 'quarantine_orders', 'people', 'venues'])
    await sql`vacuum (analyze) ${sql.table(table)}`.execute(db);
  const contacts = bigCase
    ? Number(
        (await sql<{ n: number }>`select count(*)::int as n from contacts where case_id = ${bigCase}`.execute(db))
          .rows[0]?.n ?? 0,
      )
    : 0;
  return { cases: wanted, contacts };
}
