/**
 * The writer decides idempotency replays and double scans per batch (set-based look-ups plus the batch's own
 * items): a replay is never a duplicate, a duplicate points at the check-in it repeats, and nothing is written for
 * a refused item — whether the earlier check-in is in the same batch or was committed before.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  citizenToken,
  createTestEnv,
  DB_KIND,
  expectError,
  makeNationalId,
  staffToken,
  type TestEnv,
  UNITS,
} from '../../../../test/harness.ts';
import type { StaffActor } from '../../platform/access.ts';
import type { AppError } from '../../platform/errors.ts';
import { requestHash } from '../../platform/idempotency.ts';
import { localDate } from '../../platform/sms.ts';
import type { DoorReadReach } from '../people/index.ts';
import { BATCH_RATE_LIMIT_PER_MINUTE } from './constants.ts';
import {
  createCheckinWriter,
  ingestCheckins,
  LATE_CHECKINS,
  toResult,
  type WriteRequest,
  type WriteResult,
} from './writer.ts';

let env: TestEnv;
let staff: { token: string; userId: string };
let venue: { id: string };
const key = () => `k-${randomUUID()}`;

beforeAll(async () => {
  env = await createTestEnv();
  staff = await staffToken(env, 'venue_manager', UNITS.bienHoa);
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/v1/venues',
    headers: bearer(staff.token),
    payload: {
      name: 'Xưởng may Tam Hiệp',
      category: 'factory',
      unitCode: UNITS.bienHoaCommune,
      address: '5 Đồng Khởi',
    },
  });
  expect(res.statusCode).toBe(201);
  venue = res.json();
});
afterAll(async () => {
  await env?.close();
});

const storedRows = async (ids: string[]) =>
  (await env.ctx.db.selectFrom('checkins').select('id').where('id', 'in', ids).execute()).map((r) => r.id).sort();

const auditedCheckins = async (personId: string) =>
  Number(
    (
      await env.ctx.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('action', '=', 'checkins.create')
        .where('resource_id', '=', personId)
        .executeTakeFirstOrThrow()
    ).n,
  );

/** What the service would hand the writer for a staff check-in of `personId` (body `input`, key `k`). */
function request(
  personId: string,
  k: string | undefined,
  input: Record<string, unknown>,
  at = new Date(),
): WriteRequest {
  const actor: StaffActor = {
    kind: 'staff',
    userId: staff.userId,
    username: 'gate',
    displayName: 'gate',
    grants: [],
    sessionId: 'test',
  };
  return {
    row: {
      id: randomUUID(),
      venue_id: venue.id,
      zone_id: null,
      person_id: personId,
      checked_in_at: at,
      implied_out_at: new Date(at.getTime() + 3600_000),
      method: 'staff_manual',
      actor_type: 'staff',
      actor_id: staff.userId,
      unit_code: UNITS.bienHoaCommune,
      evidence: 'typed_staff',
    },
    ...(k
      ? { idempotency: { scope: `staff:${staff.userId}`, key: k, hash: requestHash('POST /checkins', input) } }
      : {}),
    audit: {
      actor,
      action: 'checkins.create',
      resourceType: 'person',
      resourceId: personId,
      unitCode: UNITS.bienHoaCommune,
      details: { venueId: venue.id, method: 'staff_manual' },
    },
  };
}

/** What a replay answers: the first answer as stored, without what the door was shown beside it. */
const storedAnswer = ({ badge: _badge, person: _person, ...stored }: Record<string, unknown>) => stored;

const settled = (p: Promise<WriteResult>) =>
  p.then(
    (r) => ({ ok: true as const, ...r }),
    (e: unknown) => ({ ok: false as const, error: e as AppError }),
  );

describe('check-in writer, one batch', () => {
  it('answers a replay inside the batch with the first answer, refuses a double scan of it, writes only the first', async () => {
    const writer = createCheckinWriter(env.ctx.db);
    const person = (await citizenToken(env, '0912000201')).personId;
    const other = (await citizenToken(env, '0912000202')).personId;
    const k1 = key();
    const body = { venueId: venue.id, nationalId: '075000000201' };
    const first = request(person, k1, body);
    const replay = request(person, k1, body); // a client retry: same key, same body, new row id
    const reused = request(person, k1, { ...body, name: 'someone else' });
    const double = request(person, key(), body, new Date(Date.now() + 60_000)); // same person and venue, 1 min later
    const unrelated = request(other, key(), { venueId: venue.id, nationalId: '075000000202' });

    // the first submit starts a batch on its own; everything submitted in the same tick after it forms the next batch
    // (the retry, the reused key and the double scan of `first` wait for the batch after, as they depend on it)
    const blocker = settled(writer.submit(request((await citizenToken(env, '0912000203')).personId, key(), {})));
    const results = await Promise.all([first, replay, reused, double, unrelated].map((r) => settled(writer.submit(r))));
    expect((await blocker).ok).toBe(true);

    const [r1, r2, r3, r4, r5] = results;
    expect(r1).toMatchObject({ ok: true, status: 201, body: toResult(first.row) });
    expect(r2).toMatchObject({ ok: true, status: 200, body: toResult(first.row) });
    expect(r3).toMatchObject({ ok: false, error: { code: 'IDEMPOTENCY_KEY_REUSED', status: 422 } });
    expect(r4).toMatchObject({
      ok: false,
      error: { code: 'CHECKIN_DUPLICATE', status: 409, details: { existingId: first.row.id } },
    });
    expect(r5).toMatchObject({ ok: true, status: 201, body: toResult(unrelated.row) });

    expect(await storedRows([first, replay, reused, double, unrelated].map((r) => r.row.id))).toEqual(
      [first.row.id, unrelated.row.id].sort(),
    );
    expect(await auditedCheckins(person)).toBe(1);
    const stored = await env.ctx.db
      .selectFrom('idempotency_keys')
      .select(['response'])
      .where('key', '=', k1)
      .executeTakeFirstOrThrow();
    expect(stored.response).toEqual(toResult(first.row));
  });

  it('answers a key stored by an earlier batch from the store, even when the retry would now be a double scan', async () => {
    const writer = createCheckinWriter(env.ctx.db);
    const person = (await citizenToken(env, '0912000211')).personId;
    const k = key();
    const body = { venueId: venue.id, nationalId: '075000000211' };
    const first = request(person, k, body);
    expect(await writer.submit(first)).toEqual({ status: 201, body: toResult(first.row) });
    const [again, double] = await Promise.all([
      settled(writer.submit(request(person, k, body))),
      settled(writer.submit(request(person, key(), body))),
    ]);
    expect(again).toMatchObject({ ok: true, status: 200, body: toResult(first.row) });
    expect(double).toMatchObject({
      ok: false,
      error: { code: 'CHECKIN_DUPLICATE', details: { existingId: first.row.id } },
    });
    expect(await auditedCheckins(person)).toBe(1);
  });
});

describe("checkins_ingest: the door's look-up in the check-in's own statement", () => {
  it('refuses a live scan without a declaration at a venue that requires one, returns the badge status and decides what the door is shown', async () => {
    const [refused, queued, flagged, full, masked, self, nameless] = await Promise.all(
      ['0912000231', '0912000232', '0912000233', '0912000234', '0912000235', '0912000236', '0912000237'].map(
        async (phone) => (await citizenToken(env, phone)).personId,
      ),
    );
    // citizens signed in by phone alone have no name yet: give three of them one
    await env.ctx.db
      .updateTable('people')
      .set({ name: 'Nguyễn Văn An' })
      .where('id', 'in', [full, masked, self] as string[])
      .execute();
    const day = localDate(new Date());
    const [ghost, ghost2] = [randomUUID(), randomUUID()];
    await env.ctx.db
      .insertInto('declaration_venue_rules')
      .values({ venue_id: venue.id, require_today: true, set_by: 'test' })
      .execute();
    await env.ctx.db
      .insertInto('declaration_badges')
      .values({ person_id: flagged as string, day, status: 'flagged', declaration_id: randomUUID() })
      .execute();
    const shown = (reach: DoorReadReach) => ({ reach, auditUnshown: true });
    const withDoor = (r: WriteRequest, door: WriteRequest['door']): WriteRequest => ({ ...r, door });
    const items = [
      withDoor(request(refused as string, key(), { n: 1 }), { day, enforce: true }),
      withDoor(request(queued as string, key(), { n: 2 }), { day, enforce: false }),
      withDoor(request(flagged as string, key(), { n: 3 }), { day, enforce: true }),
      withDoor(request(full as string, key(), { n: 4 }), {
        day,
        enforce: false,
        person: shown({ paths: ['9.', ''], self: null }),
      }),
      withDoor(request(masked as string, key(), { n: 5 }), {
        day,
        enforce: false,
        person: shown({ paths: ['9.'], self: null }),
      }),
      withDoor(request(self as string, key(), { n: 6 }), {
        day,
        enforce: false,
        person: shown({ paths: [], self: self as string }),
      }),
      withDoor(request(nameless as string, key(), { n: 7 }), {
        day,
        enforce: false,
        person: shown({ paths: [''], self: null }),
      }),
      // a QR whose person is not on record: a staff account's row says so, a citizen manager's is not written
      withDoor(request(ghost, key(), { n: 8 }), { day, enforce: false, person: shown({ paths: [''], self: null }) }),
      withDoor(request(ghost2, key(), { n: 9 }), {
        day,
        enforce: false,
        person: { reach: { paths: [], self: null }, auditUnshown: false },
      }),
    ];
    const outcomes = await ingestCheckins(env.ctx.db, items).finally(() =>
      env.ctx.db.deleteFrom('declaration_venue_rules').where('venue_id', '=', venue.id).execute(),
    );
    expect(outcomes[0]).toMatchObject({ kind: 'refused', error: { code: 'DECLARATION_REQUIRED', status: 403 } });
    expect(outcomes[1]).toEqual({ kind: 'written', door: { status: null, person: undefined } });
    expect(outcomes[2]).toEqual({ kind: 'written', door: { status: 'flagged', person: undefined } });
    expect(outcomes[3]).toMatchObject({ kind: 'written', door: { status: null, person: { shown: 'full' } } });
    expect(outcomes[4]).toMatchObject({ kind: 'written', door: { status: null, person: { shown: 'masked' } } });
    expect(outcomes[5]).toMatchObject({ kind: 'written', door: { status: null, person: { shown: 'full' } } });
    expect(outcomes[6]).toMatchObject({ kind: 'written', door: { status: null, person: { shown: 'no-name' } } });
    expect(outcomes[4]).toMatchObject({ door: { person: { row: { name: 'Nguyễn Văn An', birth_year: null } } } });
    expect(outcomes.slice(7)).toEqual([
      { kind: 'written', door: { status: null, person: undefined } },
      { kind: 'written', door: { status: null, person: undefined } },
    ]);
    // nothing written for the refused scan: no row, no audit, no idempotency record
    expect(await storedRows(items.map((i) => i.row.id))).toEqual(
      items
        .slice(1)
        .map((i) => i.row.id)
        .sort(),
    );
    expect(await auditedCheckins(refused as string)).toBe(0);
    const refusedKey = await env.ctx.db
      .selectFrom('idempotency_keys')
      .select('key')
      .where('key', '=', items[0]?.idempotency?.key as string)
      .executeTakeFirst();
    expect(refusedKey).toBeUndefined();
    // one audit row per written check-in, saying what the door was shown; the chain still verifies
    const audit = await env.ctx.db
      .selectFrom('audit_log')
      .select(['resource_id', 'details'])
      .where('action', '=', 'checkins.create')
      .where('resource_id', 'in', [queued, full, masked, self, nameless, ghost, ghost2] as string[])
      .execute();
    const shownOf = new Map(audit.map((r) => [r.resource_id, (r.details as { shown?: string }).shown]));
    expect(audit).toHaveLength(6);
    expect(
      Object.fromEntries([queued, full, masked, self, nameless, ghost].map((id) => [id, shownOf.get(id as string)])),
    ).toEqual({
      [ghost]: 'none',
      [queued as string]: undefined,
      [full as string]: 'full',
      [masked as string]: 'masked',
      [self as string]: 'full',
      [nameless as string]: 'no-name',
    });
    expect((await env.ctx.audit.verify()).ok).toBe(true);
  });
});

describe('checkins_ingest', () => {
  it('decides each check-in against what is stored and writes only the new ones, with late ones in one job', async () => {
    const person = (await citizenToken(env, '0912000221')).personId;
    const k = key();
    const body = { venueId: venue.id, nationalId: '075000000221' };
    const earlier = request(person, k, body, new Date(Date.now() - 3600_000));
    expect(await ingestCheckins(env.ctx.db, [earlier])).toEqual([{ kind: 'written' }]);
    const retry = request(person, k, body, new Date(Date.now() - 3600_000));
    const reused = request(person, k, { ...body, other: true });
    const double = request(person, key(), body, new Date(Date.now() - 3600_000 + 60_000));
    const fresh = request(person, key(), body);
    const outcomes = await ingestCheckins(env.ctx.db, [retry, reused, double, fresh]);
    expect(outcomes).toMatchObject([
      { kind: 'stored', body: toResult(earlier.row) },
      { kind: 'refused', error: { code: 'IDEMPOTENCY_KEY_REUSED' } },
      { kind: 'refused', error: { code: 'CHECKIN_DUPLICATE', details: { existingId: earlier.row.id } } },
      { kind: 'written' },
    ]);
    const ids = [earlier, retry, reused, double, fresh].map((r) => r.row.id);
    expect(await storedRows(ids)).toEqual([earlier.row.id, fresh.row.id].sort());
    expect(await auditedCheckins(person)).toBe(2);
    expect((await env.ctx.audit.verify()).ok).toBe(true);
    const late = await env.ctx.db
      .selectFrom('jobs')
      .select('payload')
      .where('topic', '=', LATE_CHECKINS.name)
      .execute();
    const mine = late.flatMap(
      (j) => (j.payload as { items: Array<{ venueId: string; from: string; to: string }> }).items,
    );
    expect(mine).toContainEqual({
      venueId: venue.id,
      from: earlier.row.checked_in_at.toISOString(),
      to: earlier.row.implied_out_at.toISOString(),
    });
  });

  it.skipIf(DB_KIND === 'pglite')(
    'writes nothing for a check-in whose key another process stores while the statement runs, and says so',
    async () => {
      const person = (await citizenToken(env, '0912000222')).personId;
      const k = key();
      const body = { venueId: venue.id, nationalId: '075000000222' };
      const mine = request(person, k, body);
      const other = request(person, key(), body, new Date(Date.now() - 3600_000));
      // another process holds the same key, uncommitted: our look-up does not see it, our insert waits for it.
      // (The ingest starts outside that transaction's callback: inside it, it would be this transaction's own work
      // using the outer db, which the transaction guard refuses.)
      let stored!: () => void;
      const keyHeld = new Promise<void>((r) => {
        stored = r;
      });
      let commit!: () => void;
      const committing = new Promise<void>((r) => {
        commit = r;
      });
      const otherProcess = env.ctx.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('idempotency_keys')
          .values({ scope: mine.idempotency!.scope, key: k, request_hash: 'other', status_code: 201, response: '{}' })
          .execute();
        stored();
        await committing;
      });
      await keyHeld;
      const ingest = ingestCheckins(env.ctx.db, [mine, other]);
      await new Promise((r) => setTimeout(r, 300));
      commit();
      await otherProcess;
      expect(await ingest).toEqual([{ kind: 'raced' }, { kind: 'written' }]);
      expect(await storedRows([mine.row.id, other.row.id])).toEqual([other.row.id]);
      expect(await auditedCheckins(person)).toBe(1);
    },
  );
});

describe('POST /api/v1/checkins: replays and double scans', () => {
  const post = (payload: Record<string, unknown>, k?: string) =>
    env.app.inject({
      method: 'POST',
      url: '/api/v1/checkins',
      headers: { ...bearer(staff.token), ...(k ? { 'idempotency-key': k } : {}) },
      payload,
    });

  it('refuses a double scan of a committed check-in with its id, while a retry of that check-in still answers 200', async () => {
    const nationalId = makeNationalId();
    const body = { venueId: venue.id, nationalId, name: 'Ông Trần Văn Bình' };
    const k = key();
    const first = await post(body, k);
    expect(first.statusCode).toBe(201);
    const double = await post(body, key());
    expect(double.statusCode).toBe(409);
    expect(double.json().error).toMatchObject({ code: 'CHECKIN_DUPLICATE', details: { existingId: first.json().id } });
    const retry = await post(body, k);
    expect(retry.statusCode).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(storedAnswer(first.json()));
    // the check-in's own audit row, and the door seeing it again
    expect(await auditedCheckins(first.json().personId)).toBe(2);
  });

  it('registers no one for a reused key, and gives a retry that no longer validates its stored answer', async () => {
    const own = await env.app.inject({
      method: 'POST',
      url: '/api/v1/venues',
      headers: bearer(staff.token),
      payload: { name: 'Nhà văn hóa ấp 3', category: 'factory', unitCode: UNITS.bienHoaCommune, address: 'Ấp 3' },
    });
    expect(own.statusCode).toBe(201);
    const venueId = own.json().id as string;
    const body = { venueId, nationalId: makeNationalId(), name: 'Bà Nguyễn Thị Hoa' };
    const k = key();
    const first = await post(body, k);
    expect(first.statusCode).toBe(201);

    const stranger = makeNationalId();
    const reused = await post({ venueId, nationalId: stranger, name: 'Người khác' }, k);
    expect(reused.statusCode).toBe(422);
    expect(reused.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(
      await env.ctx.db
        .selectFrom('people')
        .select('id')
        .where((eb) => eb.or([eb('national_id', '=', stranger), eb('national_id_claim', '=', stranger)]))
        .executeTakeFirst(),
    ).toBeUndefined();

    // the venue closes; a late retry of the accepted check-in still gets its answer, a new check-in is refused
    await env.ctx.db.updateTable('venues').set({ active: false }).where('id', '=', venueId).execute();
    await env.ctx.services.venues.loadCached(venueId, true);
    const retry = await post(body, k);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(storedAnswer(first.json()));
    const fresh = await post({ ...body, nationalId: makeNationalId() }, key());
    expect(fresh.statusCode).toBe(400);
    expect(fresh.json().error.code).toBe('VENUE_NOT_OPEN');
  });

  it('refuses the repeat of a person within five minutes in a synced list in its own result (400 CHECKIN_BATCH_DUPLICATE_ITEM), recording the first', async () => {
    const nationalId = makeNationalId();
    const at = new Date(Date.now() - 20 * 60_000);
    const items = [0, 1].map((i) => ({
      idempotencyKey: key(),
      venueId: venue.id,
      nationalId,
      name: 'Anh Lê Văn Cường',
      at: new Date(at.getTime() + i * 120_000).toISOString(),
    }));
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/checkins/batch',
      headers: bearer(staff.token),
      payload: { items },
    });
    expect(res.statusCode).toBe(200);
    const [first, second] = res.json().results;
    expect(first.status).toBe(201);
    expect(second).toMatchObject({
      status: 400,
      error: { code: 'CHECKIN_BATCH_DUPLICATE_ITEM', details: { index: 1, duplicateOf: 0, reason: 'person' } },
    });
    expect(await storedRows([first.checkin.id])).toEqual([first.checkin.id]);
    // the first scan sent again is its own replay; the second sent on its own is the double scan of the first
    const one = await env.app.inject({
      method: 'POST',
      url: '/api/v1/checkins/batch',
      headers: bearer(staff.token),
      payload: { items: [items[0]] },
    });
    const two = await env.app.inject({
      method: 'POST',
      url: '/api/v1/checkins/batch',
      headers: bearer(staff.token),
      payload: { items: [items[1]] },
    });
    const ok = one.json().results[0];
    expect(ok.status).toBe(200);
    expect(ok.checkin.id).toBe(first.checkin.id);
    expect(two.json().results[0]).toMatchObject({
      status: 409,
      error: { code: 'CHECKIN_DUPLICATE', details: { existingId: ok.checkin.id } },
    });
    expect(await storedRows([ok.checkin.id])).toEqual([ok.checkin.id]);
    // the check-in, and the door seeing it again on the replay
    expect(await auditedCheckins(ok.checkin.personId)).toBe(2);
  });
});

describe('the writer is never held by check-ins that wait', () => {
  it('decides an independent check-in in the next batch, however many check-ins queued before it wait for each other', async () => {
    const writer = createCheckinWriter(env.ctx.db);
    const person = (await citizenToken(env, '0912000241')).personId;
    const other = (await citizenToken(env, '0912000242')).personId;
    const at = new Date();
    // more than one batch (1000) of double scans of one person: each must wait for the one before it
    const chain = Array.from({ length: 1100 }, () => request(person, key(), {}, at));
    const order: string[] = [];
    const answers = chain.map((r, n) =>
      settled(writer.submit(r)).then((x) => {
        order.push(`chain-${n}`);
        return x;
      }),
    );
    const alone = settled(writer.submit(request(other, key(), {}, at))).then((x) => {
      order.push('alone');
      return x;
    });
    const done = await alone;
    expect(done, JSON.stringify(done)).toMatchObject({ ok: true, status: 201 });
    // decided with the second link of the chain, not after a thousand of them
    expect(order.indexOf('alone')).toBeLessThanOrEqual(3);
    const results = await Promise.all(answers);
    expect(results[0]).toMatchObject({ ok: true, status: 201 });
    expect(results.slice(1).every((r) => !r.ok && r.error.code === 'CHECKIN_DUPLICATE')).toBe(true);
  }, 120_000);
});

describe("the batch endpoint is the door's", () => {
  const batch = (token: string, items: object[]) =>
    env.app.inject({ method: 'POST', url: '/api/v1/checkins/batch', headers: bearer(token), payload: { items } });

  it('refuses a role that never checks people in and a citizen code as a whole, a citizen at no door in each item, queuing nothing', async () => {
    const before = await env.ctx.db
      .selectFrom('checkins')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const item = () => ({ idempotencyKey: key(), venueId: venue.id, nationalId: makeNationalId(), name: 'Khách' });
    const leader = await staffToken(env, 'leader', UNITS.province);
    expectError(await batch(leader.token, [item()]), 403, 'FORBIDDEN');
    const citizen = await citizenToken(env, '0912000243');
    const nowhere = await batch(citizen.token, [item(), item()]);
    expect(nowhere.statusCode).toBe(200);
    expect(
      nowhere.json().results.map((r: { status: number; error: { code: string } }) => [r.status, r.error.code]),
    ).toEqual([
      [404, 'VENUE_NOT_FOUND'],
      [404, 'VENUE_NOT_FOUND'],
    ]);
    const own = await env.app.inject({
      method: 'POST',
      url: '/api/v1/venues',
      headers: bearer(staff.token),
      payload: { name: 'Quầy vé', category: 'station_port_airport', unitCode: UNITS.bienHoaCommune, address: 'Ga' },
    });
    const venueQr = own.json().qr as string;
    const selfScan = await batch(citizen.token, [{ idempotencyKey: key(), venueQr }]);
    expect(expectError(selfScan, 400, 'CHECKIN_BATCH_DOOR_ONLY').error.details).toEqual({ index: 0 });
    const after = await env.ctx.db
      .selectFrom('checkins')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('refuses an item repeating an idempotency key of the batch in its own result (400 CHECKIN_BATCH_DUPLICATE_ITEM); the rest are recorded', async () => {
    const k = key();
    const nationalIds = [makeNationalId(), makeNationalId()];
    const res = await batch(staff.token, [
      { idempotencyKey: k, venueId: venue.id, nationalId: nationalIds[0], name: 'Một' },
      { idempotencyKey: key(), venueId: venue.id, nationalId: nationalIds[1], name: 'Hai' },
      { idempotencyKey: k, venueId: venue.id, nationalId: nationalIds[0], name: 'Một' },
    ]);
    expect(res.statusCode).toBe(200);
    const results = res.json().results;
    expect(results.map((r: { status: number }) => r.status)).toEqual([201, 201, 400]);
    expect(results[2].error).toMatchObject({
      code: 'CHECKIN_BATCH_DUPLICATE_ITEM',
      details: { index: 2, duplicateOf: 0, reason: 'idempotencyKey' },
    });
    // (a door's manager types claims: people/README, "National IDs")
    const people = await env.ctx.db
      .selectFrom('people')
      .select('id')
      .where('national_id_claim', 'in', nationalIds)
      .execute();
    expect(people).toHaveLength(2);
  });

  it('limits each account to BATCH_RATE_LIMIT_PER_MINUTE requests a minute (429 RATE_LIMITED); another account is not held', async () => {
    const busy = await staffToken(env, 'venue_manager', UNITS.bienHoa);
    for (let i = 0; i < BATCH_RATE_LIMIT_PER_MINUTE; i++) {
      // refused by the schema (no items), but counted: the limit comes first
      expect((await batch(busy.token, [])).statusCode).toBe(400);
    }
    expectError(await batch(busy.token, []), 429, 'RATE_LIMITED');
    expect((await batch(staff.token, [])).statusCode).toBe(400);
  });
});
