/**
 * Migrations 0013 and 0014 on a database that has data from before them: staff-registered venues become verified
 * (from the audit chain), citizen-registered ones do not; stored check-ins get the evidence their method and writer
 * tell, typed entries by citizen managers the weak `typed_unverified`; a writer that says nothing is never trusted.
 * (PGlite, in memory: the SQL is the same on PostgreSQL, where the rest of the suite runs these migrations too.)
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from './database.ts';
import { migrateTo, migrateToLatest } from './migrate.ts';

let database: Database;
beforeAll(async () => {
  database = await openDatabase({});
  await migrateTo(database.db, '0012_checkins_ingest_probes');
});
afterAll(async () => {
  await database?.close();
});

describe('migrations 0013 and 0014 on existing data', () => {
  it('verifies staff-registered venues only, and gives every stored check-in the evidence it had', async () => {
    const db = database.db;
    await sql`insert into admin_units (code, level, type, name, name_search, path)
              values ('75', 1, 'Tỉnh', 'Đồng Nai', 'dong nai', '75.')`.execute(db);
    const staff = randomUUID();
    await sql`insert into staff_users (id, username, password_hash) values (${staff}::uuid, 'old.staff', 'x')`.execute(
      db,
    );
    const [byStaff, byCitizen] = [randomUUID(), randomUUID()];
    for (const [id, code] of [
      [byStaff, 'AAAA-2222'],
      [byCitizen, 'BBBB-3333'],
    ])
      await sql`insert into venues (id, short_code, name, category, unit_code, address)
                values (${id}::uuid, ${code}, 'Quán', 'restaurant_cafe', '75', '1 Đường')`.execute(db);
    const registeredAt = new Date(Date.now() - 86_400_000);
    await sql`insert into audit_log (at, actor_type, actor_id, action, resource_type, resource_id, outcome, prev_hash, hash)
              values (${registeredAt}, 'staff', ${staff}, 'venues.create', 'venue', ${byStaff}, 'ok', 'x', 'y')`.execute(
      db,
    );
    const person = randomUUID();
    await sql`insert into people (id, name) values (${person}::uuid, 'Người cũ')`.execute(db);
    const rows: Array<[string, string, string]> = [
      ['citizen_scan', 'citizen', 'qr_self'],
      ['short_code', 'citizen', 'qr_self'],
      ['staff_scan', 'staff', 'qr_personal'],
      ['staff_scan', 'citizen', 'qr_personal'],
      ['staff_manual', 'staff', 'typed_staff'],
      ['bulk', 'staff', 'typed_staff'],
      ['staff_manual', 'citizen', 'typed_unverified'],
      ['bulk', 'citizen', 'typed_unverified'],
    ];
    const ids = new Map<string, string>();
    for (const [n, [method, actor, want]] of rows.entries()) {
      const id = randomUUID();
      ids.set(id, want);
      await sql`insert into checkins (id, venue_id, person_id, checked_in_at, implied_out_at, method, actor_type, unit_code)
                values (${id}::uuid, ${byCitizen}::uuid, ${person}::uuid, now() - make_interval(hours => ${n + 1}),
                        now(), ${method}, ${actor}, '75')`.execute(db);
    }

    await migrateToLatest(db);

    const venues = await db.selectFrom('venues').select(['id', 'verified_at', 'verified_by']).execute();
    const v = new Map(venues.map((r) => [r.id, r]));
    expect(v.get(byStaff)?.verified_at?.getTime()).toBe(registeredAt.getTime());
    expect(v.get(byStaff)?.verified_by).toBe(staff);
    expect(v.get(byCitizen)).toMatchObject({ verified_at: null, verified_by: null });
    const stored = await db.selectFrom('checkins').select(['id', 'evidence']).execute();
    expect(new Map(stored.map((r) => [r.id, r.evidence]))).toEqual(ids);
    // a writer that does not say how it knows is never trusted
    const silent = randomUUID();
    await sql`insert into checkins (id, venue_id, person_id, checked_in_at, implied_out_at, method, actor_type, unit_code)
              values (${silent}::uuid, ${byCitizen}::uuid, ${person}::uuid, now(), now(), 'bulk', 'system', '75')`.execute(
      db,
    );
    expect(
      (await db.selectFrom('checkins').select('evidence').where('id', '=', silent).executeTakeFirstOrThrow()).evidence,
    ).toBe('typed_unverified');
  });
});
