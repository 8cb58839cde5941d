/**
 * The dose writer (group commit, writer.ts) on PGlite and PostgreSQL: doses that arrive together are decided and
 * written in one transaction — one audit append, one commit — with every rule as one dose at a time would have it:
 * two doses of one person in a batch see each other, a lot's stock is counted down within the batch, a retry sent
 * while its first try is being written gets the first try's answer, and a dose that fails (a refusal, or a database
 * error that fails the whole batch) fails alone while the others are written. Through HTTP too: concurrent doses of
 * different people, and the same person twice at once.
 *
 * A writer's first submission is written at once, alone; what is submitted while it is being written forms the next
 * batch — so each test submits a "blocker" first and then the doses that must share a batch, in the same tick.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestEnv, DB_KIND, staffToken, type TestEnv, UNITS } from '../../../../test/harness.ts';
import type { StaffActor } from '../../platform/access.ts';
import { AppError } from '../../platform/errors.ts';
import { type ProductRow, vaccinationRepo } from './repo.ts';
import { createDoseWriter, type DoseRequest, type DoseWriter } from './writer.ts';

let env: TestEnv;
let writer: DoseWriter;
let products: Map<string, ProductRow>;
let actor: StaffActor;
let vaccinatorToken = '';
let siteId = '';
let unitPath = '';
const DAY = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

let serial = 0;
/** A person of the site's commune with everything a dose needs. */
async function person(birthYear = 1980): Promise<string> {
  serial++;
  const row = await env.ctx.db
    .insertInto('people')
    .values({ name: `Người Tiêm Lô ${serial}`, birth_year: birthYear, unit_code: UNITS.bienHoaCommune })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

function request(personId: string, over: Partial<DoseRequest> = {}): DoseRequest {
  return {
    actor,
    actorKey: `staff:${actor.userId}`,
    idempotency: undefined,
    person: { id: personId, birthYear: 1980, unitCode: UNITS.bienHoaCommune, unitPath },
    site: { id: siteId },
    product: products.get('comirnaty') as ProductRow,
    lotNumber: 'BATCH01',
    doseNumber: 1,
    givenAt: new Date(Date.now() - 60 * DAY),
    screeningId: undefined,
    overrideReason: undefined,
    route: undefined,
    ...over,
  };
}

const keyed = (key: string, hash = 'same-body') => ({ scope: `vaccination.dose:staff:${actor.userId}`, key, hash });

/** Settles a submission: its result, or its error's code. */
async function settled(p: Promise<unknown>): Promise<{ ok?: unknown; code?: string; error?: unknown }> {
  try {
    return { ok: await p };
  } catch (e) {
    return e instanceof AppError ? { code: e.code, error: e } : { code: (e as { code?: string }).code, error: e };
  }
}

async function doseRows(personIds: string[]) {
  return env.ctx.db
    .selectFrom('vaccination_doses')
    .select(['id', 'person_id', 'dose_number', 'created_at'])
    .where('person_id', 'in', personIds)
    .orderBy('created_at')
    .execute();
}

const lotUsed = async (lotNumber: string) =>
  (
    await env.ctx.db
      .selectFrom('vaccine_lots')
      .select('used')
      .where('lot_number', '=', lotNumber)
      .executeTakeFirstOrThrow()
  ).used;

/** The counters' doses and the valid doses they count must agree (and with `people_dose1`, the people). */
async function countersAgree() {
  const r = await sql<{ counted: number; doses: number; people: number; dose1: number }>`
    select (select coalesce(sum(doses), 0)::int from vaccination_coverage) as counted,
           (select count(*)::int from vaccination_doses where status = 'valid') as doses,
           (select count(distinct person_id)::int from vaccination_doses where status = 'valid') as people,
           (select coalesce(sum(people_dose1), 0)::int from vaccination_coverage) as dose1`.execute(env.ctx.db);
  const row = r.rows[0];
  expect(row?.counted).toBe(row?.doses);
  expect(row?.dose1).toBe(row?.people);
}

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'] });
  const admin = (await staffToken(env, 'admin', null)).token;
  const vaccinator = await staffToken(env, 'vaccinator', UNITS.bienHoa);
  vaccinatorToken = vaccinator.token;
  actor = {
    kind: 'staff',
    userId: vaccinator.userId,
    username: vaccinator.username,
    displayName: vaccinator.username,
    grants: [{ role: 'vaccinator', unitCode: UNITS.bienHoa, unitPath: `${UNITS.province}.${UNITS.bienHoa}.` }],
    sessionId: 'writer-test',
  };
  const site = await env.app.inject({
    method: 'POST',
    url: '/api/v1/vaccination/sites',
    headers: bearer(admin),
    payload: { name: 'Điểm tiêm lô', unitCode: UNITS.bienHoaCommune },
  });
  expect(site.statusCode, site.body).toBe(201);
  siteId = site.json().id;
  for (const [lotNumber, quantity] of [
    ['BATCH01', 1000],
    ['ONLYONE', 1],
  ] as const) {
    const lot = await env.app.inject({
      method: 'POST',
      url: '/api/v1/vaccination/lots',
      headers: bearer(admin),
      payload: { product: 'comirnaty', lotNumber, expiresOn: inDays(200), siteId, quantity },
    });
    expect(lot.statusCode, lot.body).toBe(201);
  }
  await env.ctx.db
    .insertInto('vaccine_lots')
    .values({
      site_id: siteId,
      product_code: 'comirnaty',
      lot_number: 'EXPIRED1',
      expires_on: inDays(-400),
      quantity: 5,
    })
    .execute();
  unitPath = (
    await env.ctx.db
      .selectFrom('admin_units')
      .select('path')
      .where('code', '=', UNITS.bienHoaCommune)
      .executeTakeFirstOrThrow()
  ).path;
  const repo = vaccinationRepo(env.ctx.db);
  products = new Map((await repo.products()).map((p) => [p.code, p]));
  writer = createDoseWriter(env.ctx, repo, async () => products);
}, 180_000);

afterAll(async () => {
  await env?.close();
}, 60_000);

describe('the dose writer', () => {
  it('writes doses of different people that arrive together in one transaction: one audit append, exact stock and counters', async () => {
    const usedBefore = await lotUsed('BATCH01');
    const people = await Promise.all([1, 2, 3, 4, 5].map(() => person()));
    const blocker = writer.submit(request(await person()));
    const results = await Promise.all(people.map((p) => settled(writer.submit(request(p)))));
    await blocker;
    expect(results.map((r) => r.code)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(results.map((r) => (r.ok as { status: number }).status)).toEqual([201, 201, 201, 201, 201]);
    const rows = await doseRows(people);
    expect(rows).toHaveLength(5);
    // (nothing awaited between the submissions: they form one batch, the blocker's — an idle writer starts at the
    // end of the event-loop turn)
    // one transaction: one now(); one audit append: one `at`, consecutive ids
    expect(new Set(rows.map((r) => r.created_at.getTime())).size).toBe(1);
    const audit = await env.ctx.db
      .selectFrom('audit_log')
      .select(['id', 'at', 'resource_id', 'details'])
      .where('action', '=', 'vaccination.dose.record')
      .where('resource_id', 'in', people)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.resource_id)).toEqual(people);
    expect(new Set(audit.map((a) => a.at.getTime())).size).toBe(1);
    expect((audit.at(-1)?.id ?? 0) - (audit[0]?.id ?? 0)).toBe(4);
    expect(audit.map((a) => (a.details as { doseId: string }).doseId).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(await lotUsed('BATCH01')).toBe(usedBefore + 6);
    const events = await sql<{ n: number }>`
      select count(*)::int as n from jobs
      where topic = 'vaccination.record-changed' and payload->>'personId' = any(${people}::text[])
        and payload->>'change' = 'recorded'`.execute(env.ctx.db);
    expect(events.rows[0]?.n).toBe(5);
    await countersAgree();
    expect((await env.ctx.audit.verify()).ok).toBe(true);
  });

  it('takes the doses submitted to an idle writer in one event-loop turn as one batch, not the first alone', async () => {
    const people = await Promise.all([1, 2, 3].map(() => person()));
    const results = await Promise.all(people.map((p) => settled(writer.submit(request(p)))));
    expect(results.map((r) => (r.ok as { status: number } | undefined)?.status)).toEqual([201, 201, 201]);
    const rows = await doseRows(people);
    expect(rows).toHaveLength(3);
    // one transaction: one now()
    expect(new Set(rows.map((r) => r.created_at.getTime())).size).toBe(1);
  });

  it('decides two doses of one person in one batch in order: the second sees the first', async () => {
    const twice = await person();
    const early = await person();
    const blocker = writer.submit(request(await person()));
    const results = await Promise.all(
      [
        request(twice),
        request(twice),
        request(early, { givenAt: new Date(Date.now() - 30 * DAY) }),
        request(early, { doseNumber: 2, givenAt: new Date(Date.now() - 20 * DAY) }),
      ].map((r) => settled(writer.submit(r))),
    );
    await blocker;
    expect(results.map((r) => r.code)).toEqual([
      undefined,
      'VACCINATION_DOSE_NUMBER_INVALID',
      undefined,
      'VACCINATION_INTERVAL_TOO_SHORT',
    ]);
    expect((results[3]?.error as AppError | undefined)?.params).toEqual({ minDays: 21, days: 10 });
    expect((await doseRows([twice])).map((r) => r.dose_number)).toEqual([1]);
    expect((await doseRows([early])).map((r) => r.dose_number)).toEqual([1]);
    // after the interval, in a later batch, dose 2 is accepted against the committed dose 1
    const dose2 = await writer.submit(request(early, { doseNumber: 2, givenAt: new Date(Date.now() - DAY) }));
    expect(dose2.status).toBe(201);
    await countersAgree();
  });

  it('answers a retry sent while its first try is being written with the first answer; another body with the key is 422', async () => {
    const p = await person();
    const blocker = writer.submit(request(await person()));
    const [first, retry, reused] = await Promise.all([
      settled(writer.submit(request(p, { idempotency: keyed('retry-in-batch-1') }))),
      settled(writer.submit(request(p, { idempotency: keyed('retry-in-batch-1') }))),
      settled(writer.submit(request(p, { doseNumber: 2, idempotency: keyed('retry-in-batch-1', 'another-body') }))),
    ]);
    await blocker;
    const firstOk = first.ok as { status: number; body: { id: string }; replayed: boolean };
    expect(firstOk.status).toBe(201);
    expect(retry.ok).toEqual({ status: 200, body: firstOk.body, replayed: true });
    expect(reused.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // and later, from the store
    expect(await writer.submit(request(p, { idempotency: keyed('retry-in-batch-1') }))).toEqual({
      status: 200,
      body: firstOk.body,
      replayed: true,
    });
    expect(await doseRows([p])).toHaveLength(1);
  });

  it('fails a bad dose alone: refusals write nothing, a database error is retried dose by dose, the others are written', async () => {
    const usedBefore = await lotUsed('BATCH01');
    const good = await Promise.all([1, 2, 3].map(() => person()));
    const blocker = writer.submit(request(await person()));
    const results = await Promise.all(
      [
        request(good[0] as string),
        // a person deleted meanwhile: the insert fails (foreign key), the whole batch rolls back and goes again
        request(randomUUID()),
        request(good[1] as string, { lotNumber: 'EXPIRED1' }),
        request(good[1] as string, { lotNumber: 'ONLYONE' }),
        request(good[2] as string, { lotNumber: 'ONLYONE' }),
        request(good[2] as string, { lotNumber: 'NOSUCHLOT' }),
      ].map((r) => settled(writer.submit(r))),
    );
    await blocker;
    expect(results.map((r) => r.code)).toEqual([
      undefined,
      '23503',
      'VACCINATION_LOT_EXPIRED',
      undefined,
      'VACCINATION_LOT_EMPTY',
      'VACCINATION_LOT_UNKNOWN',
    ]);
    expect((await doseRows(good)).map((r) => r.person_id).sort()).toEqual([good[0], good[1]].sort());
    expect(await lotUsed('ONLYONE')).toBe(1);
    expect(await lotUsed('BATCH01')).toBe(usedBefore + 2);
    await countersAgree();
    expect((await env.ctx.audit.verify()).ok).toBe(true);
  });
});

describe('two writers (two API processes) at once', () => {
  it('give the last dose of a lot once: the other is refused VACCINATION_LOT_EMPTY, nothing of it written', async () => {
    await env.ctx.db
      .insertInto('vaccine_lots')
      .values({ site_id: siteId, product_code: 'comirnaty', lot_number: 'LAST1', expires_on: inDays(100), quantity: 1 })
      .execute();
    const other = createDoseWriter(env.ctx, vaccinationRepo(env.ctx.db), async () => products);
    const [a, b] = [await person(), await person()];
    // On PostgreSQL, both batches read the lot before either commits: the audit chain's lock, held here, stops the
    // first just before its commit (its lot row updated), while the second reads the lot as it was and accepts its
    // dose — its stock update then finds the lot used up and the whole batch is refused. (PGlite has one connection:
    // the transactions run one after the other, and the second sees the lot used up when it reads it.)
    const holder = DB_KIND === 'postgres' ? await env.ctx.db.startTransaction().execute() : undefined;
    if (holder) await sql`select pg_advisory_xact_lock(7231001)`.execute(holder);
    const pending = Promise.all([
      settled(writer.submit(request(a, { lotNumber: 'LAST1' }))),
      settled(other.submit(request(b, { lotNumber: 'LAST1' }))),
    ]);
    if (holder) {
      await new Promise((r) => setTimeout(r, 500));
      await holder.commit().execute();
    }
    const results = await pending;
    expect(results.map((r) => r.code ?? 'ok').sort()).toEqual(['VACCINATION_LOT_EMPTY', 'ok']);
    expect(await doseRows([a, b])).toHaveLength(1);
    expect(await lotUsed('LAST1')).toBe(1);
    await countersAgree();
  });
});

describe('POST /vaccination/doses at once', () => {
  const post = (personId: string, key: string, over: Record<string, unknown> = {}) =>
    env.app.inject({
      method: 'POST',
      url: '/api/v1/vaccination/doses',
      headers: { ...bearer(vaccinatorToken), 'idempotency-key': key },
      payload: {
        person: { personId },
        product: 'comirnaty',
        lot: 'BATCH01',
        doseNumber: 1,
        siteId,
        givenAt: new Date(Date.now() - 60_000).toISOString(),
        ...over,
      },
    });

  it('records 30 concurrent doses of different people, each once; the same person twice at once gets one dose', async () => {
    const people = await Promise.all(Array.from({ length: 30 }, () => person()));
    const same = await person();
    const responses = await Promise.all([
      ...people.map((p, n) => post(p, `concurrent-${n}-${randomUUID()}`)),
      post(same, `same-a-${randomUUID()}`),
      post(same, `same-b-${randomUUID()}`),
    ]);
    for (const r of responses.slice(0, 30)) expect(r.statusCode, r.body).toBe(201);
    expect(new Set(responses.slice(0, 30).map((r) => r.json().id)).size).toBe(30);
    const pair = responses.slice(30).map((r) => r.statusCode);
    expect(pair.sort()).toEqual([201, 422]);
    const refused = responses.slice(30).find((r) => r.statusCode === 422);
    expect(refused?.json().error.code).toBe('VACCINATION_DOSE_NUMBER_INVALID');
    expect(await doseRows([...people, same])).toHaveLength(31);
    await countersAgree();
  });

  it('replays a retry with the same key sent at the same time (one dose, one answer)', async () => {
    const p = await person();
    const key = `both-at-once-${randomUUID()}`;
    const [a, b] = await Promise.all([
      post(p, key, { givenAt: '2026-01-01T08:00:00.000Z' }),
      post(p, key, { givenAt: '2026-01-01T08:00:00.000Z' }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201]);
    expect(a.json().id).toBe(b.json().id);
    expect(await doseRows([p])).toHaveLength(1);
  });
});

describe("the dose path's look-ups (one query per turn)", () => {
  it('answers each site and person looked up in the same turn with its own row, and an unknown id or kind with none', async () => {
    const repo = vaccinationRepo(env.ctx.db);
    const [a, b] = await Promise.all([person(1961), person(1999)]);
    const unknown = randomUUID();
    // nothing awaited between them: one batch of the loader, sites and people together
    const [site, pa, pb, siteAsPerson, personAsSite, none, again] = await Promise.all([
      repo.siteBatched(siteId),
      repo.personBatched(a),
      repo.personBatched(b),
      repo.personBatched(siteId),
      repo.siteBatched(a),
      repo.personBatched(unknown),
      repo.personBatched(a),
    ]);
    expect(site).toEqual(await repo.siteById(siteId));
    expect(pa).toEqual(await repo.personById(a));
    expect(pb).toEqual(await repo.personById(b));
    expect(pa?.birth_year).toBe(1961);
    expect(pb?.birth_year).toBe(1999);
    expect(again).toEqual(pa);
    expect(siteAsPerson).toBeUndefined();
    expect(personAsSite).toBeUndefined();
    expect(none).toBeUndefined();
  });
});
