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
