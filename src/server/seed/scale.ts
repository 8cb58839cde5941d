/**
 * Bulk synthetic data for benchmarks (`truyvet seed-demo --scale --people 1000000 --venues 20000 --checkins 10000000`):
 * generated inside the database with generate_series, deterministic (setseed), in chunks so memory stays flat.
 * Each person has five favourite venues (near-by places they return to), so co-presence — and tracing work — is
 * realistic: about (check-ins per venue per day) overlaps per stay. People live in Đồng Nai's communes.
 */
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';

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
          select id, 'S' || lpad(to_hex(i), 3, '0') || '-' || lpad(to_hex(i * 7919 % 65536), 4, '0'), 'Địa điểm ' || i,
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
    if (bulk) {
      log('bulk load: dropping check-in indexes until the load is done');
      await sql`alter table checkins drop constraint if exists checkins_pkey`.execute(conn);
      await sql`drop index if exists checkins_venue_time_idx, checkins_person_time_idx, checkins_id_idx`.execute(conn);
    }
    try {
      for (let done = 0; done < o.checkins; done += CHUNK) {
        const n = Math.min(CHUNK, o.checkins - done);
        await sql`
          insert into checkins (venue_id, person_id, checked_in_at, checked_out_at, implied_out_at, method, actor_type, actor_id, unit_code)
          select v.id, p.id, t.at, null, t.at + make_interval(mins => v.stay), 'citizen_scan', 'system', 'seed-scale', v.unit_code
          from (select 1 + floor(random() * ${people})::int as pidx, floor(random() * 5)::int as fav,
                       now() - make_interval(secs => floor(random() * ${spanSeconds})::int) - interval '1 hour' as at
                from generate_series(1, ${n}::int)) t
          join scale_people p on p.idx = t.pidx
          join scale_venues v on v.idx = 1 + ((t.pidx::bigint * 7919 + t.fav * 104729) % ${venues})`.execute(conn);
        log(`check-ins +${done + n}`);
      }
    } finally {
      // also after a failed load: the table never stays without its indexes (the same as migration 0002's)
      if (bulk) {
        log('bulk load: building check-in indexes');
        await sql`set maintenance_work_mem = '512MB'`.execute(conn);
        const pk = await sql`select 1 from pg_constraint where conname = 'checkins_pkey'`.execute(conn);
        if (pk.rows.length === 0) await sql`alter table checkins add primary key (id, checked_in_at)`.execute(conn);
        await sql`create index if not exists checkins_venue_time_idx on checkins (venue_id, checked_in_at)`.execute(
          conn,
        );
        await sql`create index if not exists checkins_person_time_idx on checkins (person_id, checked_in_at)`.execute(
          conn,
        );
        await sql`create index if not exists checkins_id_idx on checkins (id)`.execute(conn);
        await sql`reset maintenance_work_mem`.execute(conn);
      }
    }
  });
  await sql`analyze`.execute(db);
  const total = Number((await sql<{ n: number }>`select count(*)::bigint as n from checkins`.execute(db)).rows[0]?.n);
  return { people, venues, checkins: total };
}
