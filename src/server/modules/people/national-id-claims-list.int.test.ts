/**
 * The commune's work list of national IDs to verify (`GET /api/v1/people/national-id-claims`, people/README.md):
 * the people of the caller's area whose national ID is only a claim, oldest record first, a page at a time, each
 * marked when another record holds the number verified — for staff who may verify, audited with the people listed.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  citizenToken,
  createTestEnv,
  expectError,
  makeNationalId,
  staffToken,
  type TestEnv,
  UNITS,
} from '../../../../test/harness.ts';
import { encodeCursor } from '../../platform/paging.ts';

/** Communes of Biên Hòa (731) and one of Long Khánh (732), each used by one test so lists do not mix. */
const COMMUNE = {
  scope: '25996',
  paging: '25999',
  contested: '26002',
  audit: '26005',
  longKhanh: '26080',
} as const;

let env: TestEnv;
let officer: { token: string; userId: string };
let longKhanhOfficer: { token: string; userId: string };

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'], config: { authRateLimitPerMinute: 10_000 } });
  officer = await staffToken(env, 'health_worker', UNITS.bienHoa);
  longKhanhOfficer = await staffToken(env, 'health_worker', UNITS.longKhanh);
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

interface Item {
  id: string;
  name: string;
  nationalId: string | null;
  nationalIdVerified: boolean;
  unitCode: string | null;
  unitName: string | null;
  contested: boolean;
}

const list = (token: string | undefined, query = '') =>
  env.app.inject({
    method: 'GET',
    url: `/api/v1/people/national-id-claims${query ? `?${query}` : ''}`,
    headers: token ? bearer(token) : {},
  });
const ids = (res: { json: () => unknown }) => (res.json() as Item[]).map((p) => p.id);

/** A record claiming a national ID (as a citizen's profile or dependant leaves it), created at `createdAt`. */
async function makeClaim(unitCode: string, opts: { nationalId?: string; name?: string; createdAt?: Date } = {}) {
  const row = await env.ctx.db
    .insertInto('people')
    .values({
      national_id_claim: opts.nationalId ?? makeNationalId(),
      name: opts.name ?? 'Người Khai Báo',
      unit_code: unitCode,
      ...(opts.createdAt ? { created_at: opts.createdAt } : {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A record whose national ID staff of `by`'s area registered (verified). */
async function makeVerified(unitCode: string, nationalId = makeNationalId(), by = officer) {
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/v1/people',
    headers: bearer(by.token),
    payload: { nationalId, name: 'Người Có Thẻ', unitCode },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

describe('GET /api/v1/people/national-id-claims', () => {
  it("lists the area's claims only: not verified numbers, not people without one, not another district's", async () => {
    // a citizen of the commune types their number on their profile: a claim
    const citizen = await citizenToken(env, '0966200001');
    const nid = makeNationalId();
    const put = await env.app.inject({
      method: 'PUT',
      url: '/api/v1/me/profile',
      headers: bearer(citizen.token),
      payload: { name: 'Trần Thị Chờ', nationalId: nid, birthYear: 1991, unitCode: COMMUNE.scope },
    });
    expect(put.statusCode, put.body).toBe(200);
    await makeVerified(COMMUNE.scope);
    await env.ctx.db.insertInto('people').values({ name: 'Không Có Số', unit_code: COMMUNE.scope }).execute();
    const far = await makeClaim(COMMUNE.longKhanh);

    const res = await list(officer.token, `unitCode=${COMMUNE.scope}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual([
      expect.objectContaining({
        id: citizen.personId,
        name: 'Trần Thị Chờ',
        nationalId: nid,
        nationalIdVerified: false,
        unitCode: COMMUNE.scope,
        unitName: 'Phường Tân Phong',
        contested: false,
      }),
    ]);
    expect(res.headers['x-next-cursor']).toBeUndefined();
    // the whole area by default: Biên Hòa's claims, never Long Khánh's; Long Khánh's officer sees theirs, not ours
    const all = ids(await list(officer.token, 'limit=100'));
    expect(all).toContain(citizen.personId);
    expect(all).not.toContain(far);
    const theirs = ids(await list(longKhanhOfficer.token));
    expect(theirs).toContain(far);
    expect(theirs).not.toContain(citizen.personId);
    // once verified, the person leaves the list
    const verified = await env.app.inject({
      method: 'POST',
      url: `/api/v1/people/${citizen.personId}/national-id:verify`,
      headers: bearer(officer.token),
    });
    expect(verified.statusCode, verified.body).toBe(200);
    expect((await list(officer.token, `unitCode=${COMMUNE.scope}`)).json()).toEqual([]);
  });

  it('oldest record first, a page at a time: `after` goes on where the page ended, no one twice, no one missed', async () => {
    // seven claims; two created at the same instant (the id decides), two a microsecond apart
    const at = (iso: string) => new Date(iso);
    const made = [
      await makeClaim(COMMUNE.paging, { createdAt: at('2026-03-01T08:00:00Z') }),
      await makeClaim(COMMUNE.paging, { createdAt: at('2026-01-15T08:00:00Z') }),
      await makeClaim(COMMUNE.paging, { createdAt: at('2026-02-01T08:00:00Z') }),
      await makeClaim(COMMUNE.paging, { createdAt: at('2026-02-01T08:00:00Z') }),
      await makeClaim(COMMUNE.paging, { createdAt: at('2026-04-01T08:00:00Z') }),
      await makeClaim(COMMUNE.paging, { createdAt: at('2026-01-20T08:00:00Z') }),
      await makeClaim(COMMUNE.paging, { createdAt: at('2026-01-20T08:00:00Z') }),
    ];
    // a microsecond later than the one before it (a Date holds milliseconds: a cursor that kept only those would
    // show this row twice or skip it)
    await sql`update people set created_at = created_at + interval '1 microsecond' where id = ${made[6]}`.execute(
      env.ctx.db,
    );
    const expected = (
      await env.ctx.db
        .selectFrom('people')
        .select(['id', 'created_at'])
        .where('id', 'in', made)
        .orderBy('created_at')
        .orderBy('id')
        .execute()
    ).map((r) => r.id);
    // the oldest is the 15 January one, then the two of 20 January (the microsecond-later one second)
    expect(expected[0]).toBe(made[1]);
    expect(expected.slice(1, 3)).toEqual([made[5], made[6]]);
    expect(expected[6]).toBe(made[4]);

    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const res = await list(
        officer.token,
        `unitCode=${COMMUNE.paging}&limit=3${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(res.statusCode, res.body).toBe(200);
      sizes.push(ids(res).length);
      seen.push(...ids(res));
      cursor = res.headers['x-next-cursor'] as string | undefined;
      if (!cursor) break;
    }
    expect(sizes).toEqual([3, 3, 1]);
    expect(seen).toEqual(expected);
  });

  it('marks a claim contested when another record holds the number verified (verifying would answer 409)', async () => {
    const nid = makeNationalId();
    const holder = await makeVerified(COMMUNE.longKhanh, nid, longKhanhOfficer);
    const contested = await makeClaim(COMMUNE.contested, {
      nationalId: nid,
      createdAt: new Date('2026-01-01T00:00:00Z'),
    });
    const free = await makeClaim(COMMUNE.contested, { createdAt: new Date('2026-01-02T00:00:00Z') });
    const res = await list(officer.token, `unitCode=${COMMUNE.contested}`);
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as Item[]).map((p) => [p.id, p.nationalId, p.contested])).toEqual([
      [contested, nid, true],
      [free, expect.any(String), false],
    ]);
    // the holder lies outside the officer's area and is not named: the flag is all the list says of it
    expect(res.body).not.toContain(holder);
    const verify = await env.app.inject({
      method: 'POST',
      url: `/api/v1/people/${contested}/national-id:verify`,
      headers: bearer(officer.token),
    });
    expectError(verify, 409, 'PERSON_EXISTS');
  });

  it('audits the read with every person it listed (who-viewed finds it)', async () => {
    const a = await makeClaim(COMMUNE.audit, { createdAt: new Date('2026-01-01T00:00:00Z') });
    const b = await makeClaim(COMMUNE.audit, { createdAt: new Date('2026-01-02T00:00:00Z') });
    const res = await list(officer.token, `unitCode=${COMMUNE.audit}`);
    expect(ids(res)).toEqual([a, b]);
    const row = await env.ctx.db
      .selectFrom('audit_log')
      .select(['actor_id', 'unit_code', 'outcome', 'details'])
      .where('action', '=', 'people.list-claims')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      actor_id: officer.userId,
      unit_code: COMMUNE.audit,
      outcome: 'ok',
      details: { results: 2, personIds: [a, b] },
    });
    expect((await env.ctx.audit.accessesTo(a)).map((e) => e.action)).toContain('people.list-claims');
  });

  it('is for those who may verify: a tracer and an admin of the area may, in their own area only', async () => {
    const claim = await makeClaim(COMMUNE.scope);
    const tracer = await staffToken(env, 'tracer', UNITS.bienHoa);
    expect(ids(await list(tracer.token, `unitCode=${COMMUNE.scope}`))).toContain(claim);
    const admin = await staffToken(env, 'admin', null);
    expect(ids(await list(admin.token, `unitCode=${COMMUNE.scope}`))).toContain(claim);
    const communeWorker = await staffToken(env, 'health_worker', COMMUNE.longKhanh);
    expect(ids(await list(communeWorker.token))).not.toContain(claim);
  });

  it('401 without a session; 403 for citizens and for staff who may not verify (lab, welfare, leader)', async () => {
    expect((await list(undefined)).statusCode).toBe(401);
    const citizen = await citizenToken(env, '0966200002');
    expectError(await list(citizen.token), 403, 'FORBIDDEN');
    for (const role of ['lab', 'welfare_officer', 'vaccinator', 'leader', 'venue_manager']) {
      const staff = await staffToken(env, role, UNITS.bienHoa);
      expectError(await list(staff.token), 403, 'FORBIDDEN');
    }
  });

  it('400 for a bad limit, cursor or unit code; 404 UNIT_NOT_FOUND for a unit unknown or out of reach', async () => {
    for (const query of [
      'limit=0',
      'limit=101',
      'limit=ten',
      'after=not%20a%20cursor',
      'after=',
      'unitCode=',
      `unitCode=${'1'.repeat(21)}`,
      'q=nguyen',
    ])
      expectError(await list(officer.token, query), 400, 'VALIDATION_FAILED');
    const badCursors = [
      encodeCursor(['2026-01-01T00:00:00.000000Z']),
      encodeCursor([1, 2]),
      encodeCursor(['2026-01-01', '6b0f7c0e-8a51-4e51-9f3c-7d1b1f1a2b3c']),
      encodeCursor(['2026-02-30T00:00:00.000000Z', '6b0f7c0e-8a51-4e51-9f3c-7d1b1f1a2b3c']),
      encodeCursor(['2026-01-01T00:00:00.000000Z', 'not-a-uuid']),
      Buffer.from('not json').toString('base64url'),
    ];
    for (const after of badCursors) expectError(await list(officer.token, `after=${after}`), 400, 'INVALID_CURSOR');
    expectError(await list(officer.token, 'unitCode=99999'), 404, 'UNIT_NOT_FOUND');
    expectError(await list(officer.token, `unitCode=${COMMUNE.longKhanh}`), 404, 'UNIT_NOT_FOUND');
    expectError(await list(officer.token, `unitCode=${UNITS.province}`), 404, 'UNIT_NOT_FOUND');
  });
});
