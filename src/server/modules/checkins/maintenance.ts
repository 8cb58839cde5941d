/**
 * Check-in partitions and retention. `checkins` is range-partitioned by UTC day; partitions are created for the
 * retention window and a few days ahead, and the purge drops whole partitions older than the window, then deletes
 * the few remaining older rows of the partition that straddles the cutoff (and old rows in the default partition),
 * so nothing older than the window survives. Idempotency records (which name people) follow the same window, purged
 * through the platform (their table is the platform's).
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/types.ts';
import { purgeIdempotencyKeys } from '../../platform/idempotency.ts';

const DAY = 86_400_000;
/** the lock class of partition maintenance (registry: db/advisory-locks.test.ts) */
const LOCK_KEY = 7231017;

function utcDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

function partitionName(day: Date): string {
  return `checkins_p${day.toISOString().slice(0, 10).replace(/-/g, '')}`;
}

/** Existing day partitions, by name → day start. */
async function dayPartitions(db: Kysely<DB>): Promise<Map<string, Date>> {
  const rows = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i
    join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
    where p.relname = 'checkins' and c.relname like 'checkins_p%'`.execute(db);
  const out = new Map<string, Date>();
  for (const r of rows.rows) {
    const m = /^checkins_p(\d{4})(\d{2})(\d{2})$/.exec(r.name);
    if (m) out.set(r.name, new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))));
  }
  return out;
}

/** Creates the missing day partitions for [from, to] (UTC days), moving matching rows out of the default partition. */
export async function ensureCheckinPartitions(db: Kysely<DB>, from: Date, to: Date): Promise<number> {
  const existing = new Set((await dayPartitions(db)).keys());
  let created = 0;
  for (let day = utcDay(from); day <= utcDay(to); day = new Date(day.getTime() + DAY)) {
    const name = partitionName(day);
    if (existing.has(name)) continue;
    const next = new Date(day.getTime() + DAY);
    await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${LOCK_KEY})`.execute(trx);
      const again = await sql`select 1 from pg_class where relname = ${name}`.execute(trx);
      if (again.rows.length > 0) return;
      const table = sql.table(name);
      const fromLit = sql.lit(day.toISOString());
      const toLit = sql.lit(next.toISOString());
      const stray =
        await sql`select 1 from checkins_default where checked_in_at >= ${day} and checked_in_at < ${next} limit 1`.execute(
          trx,
        );
      if (stray.rows.length === 0) {
        await sql`create table ${table} partition of checkins for values from (${fromLit}) to (${toLit})`.execute(trx);
      } else {
        // rows of that day already sit in the default partition: move them into the new table, then attach it
        await sql`create table ${table} (like checkins including defaults including constraints)`.execute(trx);
        await sql`with moved as (delete from checkins_default where checked_in_at >= ${day} and checked_in_at < ${next} returning *)
                  insert into ${table} select * from moved`.execute(trx);
        await sql`alter table checkins attach partition ${table} for values from (${fromLit}) to (${toLit})`.execute(
          trx,
        );
      }
      created++;
    });
  }
  return created;
}

export interface PurgeResult {
  droppedPartitions: number;
  deletedRows: number;
  deletedIdempotencyKeys: number;
}

/** Removes every check-in older than `retentionDays` before `now` (and door codes older than a day). */
export async function purgeCheckins(db: Kysely<DB>, retentionDays: number, now = new Date()): Promise<PurgeResult> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY);
  let droppedPartitions = 0;
  for (const [name, day] of await dayPartitions(db)) {
    if (day.getTime() + DAY <= cutoff.getTime()) {
      await db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(${LOCK_KEY})`.execute(trx);
        await sql`drop table if exists ${sql.table(name)}`.execute(trx);
      });
      droppedPartitions++;
    }
  }
  const deleted = await db.deleteFrom('checkins').where('checked_in_at', '<', cutoff).executeTakeFirst();
  const deletedIdempotencyKeys = await purgeIdempotencyKeys(db, cutoff);
  // door codes (a phone number each) expire within minutes and count for the hourly send limits only: a day is plenty
  await db
    .deleteFrom('door_codes')
    .where('created_at', '<', new Date(now.getTime() - DAY))
    .execute();
  return {
    droppedPartitions,
    deletedRows: Number(deleted.numDeletedRows ?? 0),
    deletedIdempotencyKeys,
  };
}

/** Partitions for the whole window plus three days ahead, then the purge. */
export async function maintainCheckins(db: Kysely<DB>, retentionDays: number, now = new Date()) {
  const created = await ensureCheckinPartitions(
    db,
    new Date(now.getTime() - retentionDays * DAY),
    new Date(now.getTime() + 3 * DAY),
  );
  return { created, ...(await purgeCheckins(db, retentionDays, now)) };
}
