/**
 * Health declaration's integration contract through the real app (PGlite, and PostgreSQL with TEST_DATABASE_URL):
 * forms, declaring for oneself and a dependant, staff declaring in scope, idempotency, triage into tasks and
 * messages, today's badge at home and at the door, a venue that requires a declaration, form versions and their
 * grace period, the partner API, statistics, and every refusal with nothing written.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  citizenToken,
  createTestEnv,
  expectError,
  makeNationalId,
  quarantineForDay,
  staffToken,
  type TestEnv,
  UNITS,
} from '../../../../test/harness.ts';
import { localDate } from '../../platform/sms.ts';

let env: TestEnv;
let admin: string;
let health: string;
let healthElsewhere: string;
let leader: string;
let citizen: { token: string; personId: string };
let dependantId = '';

const NO = {
  fever: false,
  cough: false,
  breath: false,
  sore_throat: false,
  taste_smell: false,
  fatigue: false,
  contact_f0: false,
  outbreak_area: false,
  from_abroad: false,
  vaccine_doses: '2',
};

async function call(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  token: string | null,
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  return env.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { ...(token ? bearer(token) : {}), ...headers },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

/** The question kinds the integration contract lists (a form serves no other). */
const CONTRACT_KINDS = ['boolean', 'choice', 'multi', 'date', 'text', 'number', 'unit'];

interface Q {
  id: string;
  kind: string;
  required: boolean;
  options?: Array<{ value: string }>;
}

/**
 * Answers as a black-box client makes them from a served form, by kind alone (conditions not read): a boolean false,
 * a choice its first option (a multi: that option alone), a date today, a text "x", a number 1, a unit a real
 * commune's code — for the required questions, or (`all`) for every question.
 */
function answerByKind(questions: Q[], opts: { all: boolean }): Record<string, unknown> {
  const today = new Date().toISOString().slice(0, 10);
  const byKind: Record<string, (q: Q) => unknown> = {
    boolean: () => false,
    choice: (q) => q.options?.[0]?.value,
    multi: (q) => [q.options?.[0]?.value],
    date: () => today,
    text: () => 'x',
    number: () => 1,
    unit: () => UNITS.bienHoaCommune,
  };
  return Object.fromEntries(
    questions.filter((q) => opts.all || q.required).map((q) => [q.id, byKind[q.kind]?.(q) ?? null]),
  );
}

const count = async (table: 'declarations' | 'health_tasks') =>
  Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(env.ctx.db)).rows[0]?.n);

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'] });
  admin = (await staffToken(env, 'admin', null)).token;
  health = (await staffToken(env, 'health_worker', UNITS.bienHoaCommune)).token;
  healthElsewhere = (await staffToken(env, 'health_worker', UNITS.longKhanh)).token;
  leader = (await staffToken(env, 'leader', UNITS.province)).token;
  citizen = await citizenToken(env, '0912000111');
  const profile = await call('PUT', '/me/profile', citizen.token, {
    name: 'Nguyễn Văn Khai',
    unitCode: UNITS.bienHoaCommune,
  });
  expect(profile.statusCode, profile.body).toBe(200);
  const dep = await call('POST', '/me/dependants', citizen.token, { name: 'Nguyễn Thị Bà', relation: 'grandparent' });
  expect(dep.statusCode, dep.body).toBe(201);
  dependantId = dep.json().id;
}, 180_000);

afterAll(async () => {
  await env?.close();
}, 60_000);

describe('forms', () => {
  it('serves the default domestic form with a boolean fever question, publicly', async () => {
    const res = await call('GET', '/declaration-forms/domestic', null);
    expect(res.statusCode, res.body).toBe(200);
    const form = res.json();
    expect(form).toMatchObject({ type: 'domestic', version: 1 });
    const fever = form.questions.find((q: { labelEn: string }) => /fever/i.test(q.labelEn));
    expect(fever).toMatchObject({ id: 'fever', kind: 'boolean', required: true });
    expect(
      form.questions.every((q: { kind: string }) =>
        ['boolean', 'choice', 'multi', 'date', 'text', 'number', 'unit'].includes(q.kind),
      ),
    ).toBe(true);
  });

  it('serves the entry form with origin, transport, arrival, destination and companions', async () => {
    const form = (await call('GET', '/declaration-forms/entry', null)).json();
    const ids = form.questions.map((q: { id: string }) => q.id);
    for (const id of [
      'origin_kind',
      'origin_province',
      'transport',
      'arrival_date',
      'destination_address',
      'companions',
      'fever',
    ])
      expect(ids).toContain(id);
    // the contract's kinds only: how someone travelled is a choice, its plate / number / seat texts asked where they
    // apply
    expect(form.questions.filter((q: { kind: string }) => !CONTRACT_KINDS.includes(q.kind))).toEqual([]);
    const byId = new Map(form.questions.map((q: { id: string }) => [q.id, q]));
    expect(byId.get('transport')).toMatchObject({ kind: 'choice', required: true });
    expect((byId.get('transport') as Q).options?.map((o) => o.value)).toEqual([
      'car',
      'motorbike',
      'coach',
      'train',
      'flight',
    ]);
    expect(byId.get('transport_plate')).toMatchObject({
      kind: 'text',
      required: true,
      showIf: { questionId: 'transport', in: ['coach'] },
    });
    expect(byId.get('transport_number')).toMatchObject({
      kind: 'text',
      required: true,
      showIf: { questionId: 'transport', in: ['train', 'flight'] },
    });
    expect(byId.get('transport_seat')).toMatchObject({
      kind: 'text',
      required: false,
      showIf: { questionId: 'transport', in: ['train', 'flight'] },
    });
  });

  it('accepts a declaration answering every required question by its kind, whatever its conditions (201)', async () => {
    for (const type of ['domestic', 'entry'] as const) {
      const form = (await call('GET', `/declaration-forms/${type}`, null)).json();
      const res = await call('POST', '/declarations', citizen.token, {
        type,
        formVersion: form.version,
        answers: answerByKind(form.questions, { all: false }),
      });
      expect(res.statusCode, `${type}: ${res.body}`).toBe(201);
      expect(res.json()).toMatchObject({ status: 'ok', badge: { colour: 'green' } });
    }
  });

  it('accepts answers to every question, those not asked (their condition not met) kept out of what is stored', async () => {
    const form = (await call('GET', '/declaration-forms/entry', null)).json();
    const answers = answerByKind(form.questions, { all: true });
    // the first options: from another province by car — the country, the plate, the number and the seat are not asked
    expect(answers).toMatchObject({ origin_kind: 'province', transport: 'car', transport_plate: 'x' });
    const res = await call('POST', '/declarations', citizen.token, { type: 'entry', answers });
    expect(res.statusCode, res.body).toBe(201);
    const stored = await env.ctx.db
      .selectFrom('declarations')
      .select('answers')
      .where('id', '=', res.json().id)
      .executeTakeFirstOrThrow();
    const kept = stored.answers as Record<string, unknown>;
    for (const id of ['origin_country', 'transport_plate', 'transport_number', 'transport_seat'])
      expect(kept[id], id).toBeUndefined();
    expect(kept).toMatchObject({ origin_kind: 'province', origin_province: UNITS.bienHoaCommune, transport: 'car' });
    // by flight: the number is asked (required) and the seat too; the plate still is not
    const { transport_number: _n, ...noNumber } = answers;
    const flight = await call('POST', '/declarations', citizen.token, {
      type: 'entry',
      answers: { ...noNumber, transport: 'flight' },
    });
    expectError(flight, 400, 'DECLARATION_INVALID');
    expect(flight.json().error.details.problems).toEqual([{ questionId: 'transport_number', problem: 'required' }]);
    const flown = await call('POST', '/declarations', citizen.token, {
      type: 'entry',
      answers: { ...answers, transport: 'flight', transport_number: 'VN213', transport_seat: '12A' },
    });
    expect(flown.statusCode, flown.body).toBe(201);
    const last = (await call('GET', '/me/declarations/last?type=entry', citizen.token)).json();
    expect(last.answers).toMatchObject({ transport: 'flight', transport_number: 'VN213', transport_seat: '12A' });
    expect(last.answers.transport_plate).toBeUndefined();
  });

  it('pre-fills an entry declaration stored with a vehicle answer in the shape of the current questions', async () => {
    const someone = await citizenToken(env, '0912000118');
    await env.ctx.db
      .insertInto('declarations')
      .values({
        person_id: someone.personId,
        type: 'entry',
        form_version: 1,
        answers: JSON.stringify({ origin_kind: 'province', transport: { mode: 'coach', plate: '60B-123.45' } }),
        status: 'ok',
        reasons: [],
        via: 'app',
        actor_type: 'citizen',
        actor_id: someone.personId,
        partner_id: null,
        unit_code: null,
        commune_code: null,
        day: localDate(new Date()),
      })
      .execute();
    const last = (await call('GET', '/me/declarations/last?type=entry', someone.token)).json();
    expect(last.answers).toEqual({ origin_kind: 'province', transport: 'coach', transport_plate: '60B-123.45' });
  });

  it('refuses an unknown form type', async () => {
    expectError(await call('GET', '/declaration-forms/foreign', null), 400, 'VALIDATION_FAILED');
  });
});

describe('declaring', () => {
  it('records an ok declaration for myself, green until local midnight, and replays it by its key', async () => {
    const key = { 'idempotency-key': 'decl-self-0001' };
    const res = await call('POST', '/declarations', citizen.token, { type: 'domestic', answers: NO }, key);
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ status: 'ok', reasons: [], badge: { colour: 'green' } });
    const today = localDate(new Date());
    expect(new Date(body.badge.validUntil).getTime()).toBe(new Date(`${today}T17:00:00Z`).getTime());
    const again = await call('POST', '/declarations', citizen.token, { type: 'domestic', answers: NO }, key);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(body);
    expectError(
      await call('POST', '/declarations', citizen.token, { type: 'domestic', answers: { ...NO, cough: true } }, key),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );
    const today2 = await call('GET', '/me/declarations/today', citizen.token);
    expect(today2.json()).toMatchObject({ declared: true, status: 'ok', badge: { colour: 'green' } });
  });

  it('pre-fills the last answers', async () => {
    const last = await call('GET', '/me/declarations/last?type=domestic', citizen.token);
    expect(last.json()).toMatchObject({ formVersion: 1, answers: { fever: false, vaccine_doses: '2' } });
  });

  it('flags a dependant with fever: a task at the commune, a message, a yellow badge', async () => {
    const before = await call('GET', `/me/declarations/today?personId=${dependantId}`, citizen.token);
    expect(before.json()).toMatchObject({ declared: false });
    const res = await call('POST', '/declarations', citizen.token, {
      type: 'domestic',
      subject: { personId: dependantId },
      answers: { ...NO, fever: true },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ status: 'flagged', reasons: ['symptom'], badge: { colour: 'yellow' } });
    const tasks = await call('GET', `/health-tasks?unitCode=${UNITS.bienHoaCommune}&status=new`, health);
    expect(tasks.statusCode, tasks.body).toBe(200);
    const task = tasks.json().items.find((t: { personId: string }) => t.personId === dependantId);
    expect(task).toMatchObject({ reason: 'symptom', status: 'new' });
    expect(new Date(task.dueAt).getTime()).toBeGreaterThan(Date.now());
    // the guardian's phone gets nothing here (the dependant has no phone); the dependant's task is in no other area
    const elsewhere = await call('GET', '/health-tasks', healthElsewhere);
    expect(elsewhere.json().items.some((t: { personId: string }) => t.personId === dependantId)).toBe(false);
    // worked to closed, forward only
    for (const status of ['called', 'tested', 'closed'] as const) {
      const moved = await call('PATCH', `/health-tasks/${task.id}`, health, { status, note: `bước ${status}` });
      expect(moved.statusCode, moved.body).toBe(200);
      expect(moved.json().status).toBe(status);
    }
    expectError(
      await call('PATCH', `/health-tasks/${task.id}`, health, { status: 'called' }),
      409,
      'HEALTH_TASK_TRANSITION',
    );
    expectError(
      await call('PATCH', `/health-tasks/${task.id}`, healthElsewhere, { status: 'closed' }),
      404,
      'HEALTH_TASK_NOT_FOUND',
    );
    expectError(await call('PATCH', `/health-tasks/${task.id}`, leader, { status: 'closed' }), 403, 'FORBIDDEN');
  });

  it('sends the person with a phone what to do when flagged', async () => {
    const res = await call('POST', '/declarations', citizen.token, {
      type: 'domestic',
      answers: { ...NO, contact_f0: true },
    });
    expect(res.json()).toMatchObject({ status: 'flagged', reasons: ['exposure'], badge: { colour: 'yellow' } });
    await env.ctx.jobs.drain();
    const msgs = await env.ctx.notifier.fakeOutbox({ to: '+84912000111', limit: 5 });
    expect(msgs.some((m) => m.text.includes('Tram y te'))).toBe(true);
  });

  it('lets commune staff declare for someone in scope by national ID (registered through people) and audits it', async () => {
    const nationalId = makeNationalId();
    const res = await call('POST', '/declarations', health, {
      type: 'domestic',
      subject: { nationalId, name: 'Trần Văn Không Điện Thoại' },
      answers: NO,
    });
    expect(res.statusCode, res.body).toBe(201);
    const audit = await env.ctx.db
      .selectFrom('audit_log')
      .select('resource_id')
      .where('action', '=', 'declarations.create')
      .where('resource_id', '=', res.json().personId)
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('flags a person with an open quarantine order whatever they answer', async () => {
    const other = await citizenToken(env, '0912000222');
    await call('PUT', '/me/profile', other.token, { name: 'Lê F1', unitCode: UNITS.bienHoaCommune });
    // a case and an order, as the cases module writes them
    const f0 = await citizenToken(env, '0912000333');
    const today = localDate(new Date());
    await quarantineForDay(env, f0.personId, other.personId, today, 'BN75-999001');
    const res = await call('POST', '/declarations', other.token, { type: 'domestic', answers: NO });
    expect(res.json()).toMatchObject({ status: 'flagged', reasons: ['case_or_quarantine'] });
    // declarations arriving together are written by one statement that reads who is held: each still gets their own
    // answer (the F0, with an open case, is held too)
    const third = await citizenToken(env, '0912000444');
    const together = await Promise.all(
      [third, other, f0, other, third].map((p) =>
        call('POST', '/declarations', p.token, { type: 'domestic', answers: NO }),
      ),
    );
    expect(together.map((r) => r.json().status)).toEqual(['ok', 'flagged', 'flagged', 'flagged', 'ok']);
    expect(together.map((r) => r.json().personId)).toEqual([third, other, f0, other, third].map((p) => p.personId));
  });
});

describe('refusals (nothing written)', () => {
  it('refuses unknown questions, missing required answers, wrong types and future dates with the question ids', async () => {
    const before = await count('declarations');
    const unknown = await call('POST', '/declarations', citizen.token, {
      type: 'domestic',
      answers: { ...NO, pets: true },
    });
    expectError(unknown, 400, 'DECLARATION_INVALID');
    expect(unknown.json().error.details.questionIds).toEqual(['pets']);
    const { fever: _f, ...missing } = NO;
    const miss = await call('POST', '/declarations', citizen.token, { type: 'domestic', answers: missing });
    expectError(miss, 400, 'DECLARATION_INVALID');
    expect(miss.json().error.details.questionIds).toEqual(['fever']);
    const wrong = await call('POST', '/declarations', citizen.token, {
      type: 'domestic',
      answers: { ...NO, fever: 'yes', vaccine_doses: 7, chronic: ['heart', 'heart'] },
    });
    expectError(wrong, 400, 'DECLARATION_INVALID');
    expect(wrong.json().error.details.questionIds.sort()).toEqual(['chronic', 'fever', 'vaccine_doses']);
    const future = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const entry = await call('POST', '/declarations', citizen.token, {
      type: 'entry',
      answers: {
        ...NO,
        origin_kind: 'province',
        origin_province: '79',
        transport: 'flight',
        transport_number: 'VN213',
        transport_seat: '12A',
        arrival_date: future,
        destination_unit: UNITS.bienHoaCommune,
        destination_address: '1 Phạm Văn Thuận',
      },
    });
    expectError(entry, 400, 'DECLARATION_INVALID');
    expect(entry.json().error.details.problems).toEqual([{ questionId: 'arrival_date', problem: 'future' }]);
    expect(await count('declarations')).toBe(before);
  });

  it("refuses someone who is not the citizen's dependant, and people outside staff scope", async () => {
    const before = await count('declarations');
    const stranger = await citizenToken(env, '0912000444');
    expectError(
      await call('POST', '/declarations', citizen.token, {
        type: 'domestic',
        subject: { personId: stranger.personId },
        answers: NO,
      }),
      404,
      'PERSON_NOT_FOUND',
    );
    expectError(
      await call('POST', '/declarations', citizen.token, {
        type: 'domestic',
        subject: { nationalId: makeNationalId() },
        answers: NO,
      }),
      404,
      'PERSON_NOT_FOUND',
    );
    expectError(
      await call('GET', `/me/declarations/today?personId=${stranger.personId}`, citizen.token),
      404,
      'PERSON_NOT_FOUND',
    );
    expectError(
      await call('POST', '/declarations', healthElsewhere, {
        type: 'domestic',
        subject: { personId: citizen.personId },
        answers: NO,
      }),
      404,
      'PERSON_NOT_FOUND',
    );
    expectError(
      await call('POST', '/declarations', leader, {
        type: 'domestic',
        subject: { personId: citizen.personId },
        answers: NO,
      }),
      403,
      'FORBIDDEN',
    );
    expectError(await call('POST', '/declarations', null, { type: 'domestic', answers: NO }), 401, 'UNAUTHENTICATED');
    expect(await count('declarations')).toBe(before);
  });
});

describe('form versions', () => {
  it('serves a new version at once, accepts the previous one in the grace period and refuses it after', async () => {
    const current = (await call('GET', '/declaration-forms/domestic', null)).json();
    const published = await call('POST', '/declaration-forms/domestic', admin, {
      questions: [
        ...current.questions,
        { id: 'mask', kind: 'boolean', required: true, labelVi: 'Đeo khẩu trang?', labelEn: 'Wearing a mask?' },
      ],
      rules: current.rules,
      graceHours: 48,
    });
    expect(published.statusCode, published.body).toBe(201);
    expect((await call('GET', '/declaration-forms/domestic', null)).json().version).toBe(2);
    const old = await call('POST', '/declarations', citizen.token, { type: 'domestic', formVersion: 1, answers: NO });
    expect(old.statusCode, old.body).toBe(201);
    expectError(
      await call('POST', '/declarations', citizen.token, { type: 'domestic', answers: NO }),
      400,
      'DECLARATION_INVALID',
    );
    // the grace period ends: the new version was published 49 hours ago
    await env.ctx.db
      .updateTable('declaration_forms')
      .set({ published_at: new Date(Date.now() - 49 * 3_600_000) })
      .where('type', '=', 'domestic')
      .where('version', '=', 2)
      .execute();
    env.ctx.services.declarations.forgetForms();
    const late = await call('POST', '/declarations', citizen.token, { type: 'domestic', formVersion: 1, answers: NO });
    expectError(late, 400, 'DECLARATION_FORM_OUTDATED');
    expect(late.json().error.details).toMatchObject({ version: 1, currentVersion: 2 });
    const ok = await call('POST', '/declarations', citizen.token, { type: 'domestic', answers: { ...NO, mask: true } });
    expect(ok.statusCode, ok.body).toBe(201);
    expectError(
      await call('POST', '/declarations', citizen.token, { type: 'domestic', formVersion: 9, answers: NO }),
      400,
      'DECLARATION_FORM_NOT_FOUND',
    );
  });

  it('refuses a form whose rules name a missing question, and non-admins', async () => {
    const q = [{ id: 'a', kind: 'boolean', required: true, labelVi: 'A', labelEn: 'A' }];
    expectError(
      await call('POST', '/declaration-forms/entry', admin, {
        questions: q,
        rules: [{ questionId: 'b', reason: 'symptom', equals: true }],
      }),
      400,
      'DECLARATION_FORM_INVALID',
    );
    expectError(await call('POST', '/declaration-forms/entry', health, { questions: q, rules: [] }), 403, 'FORBIDDEN');
  });
});

describe('at the door', () => {
  it('returns the badge to the door scanning a personal QR, and refuses check-in at a venue requiring a declaration', async () => {
    const venue = await call('POST', '/venues', health, {
      name: 'Chợ Biên Hòa',
      category: 'market_supermarket_mall_shop',
      unitCode: UNITS.bienHoaCommune,
      address: 'Chợ',
    });
    expect(venue.statusCode, venue.body).toBe(201);
    const venueId = venue.json().id;
    const qr = (await call('GET', '/me/qr', citizen.token)).json().qr;
    const scanned = await call('POST', '/checkins', health, { venueId, personQr: qr });
    expect(scanned.statusCode, scanned.body).toBe(201);
    expect(scanned.json().badge).toMatchObject({ colour: 'yellow' });

    const rule = await call('PUT', `/declaration-venue-rules/${venueId}`, health, { required: true });
    expect(rule.json()).toEqual({ venueId, required: true });
    const stranger = await citizenToken(env, '0912000555');
    const sqr = (await call('GET', '/me/qr', stranger.token)).json().qr;
    expectError(await call('POST', '/checkins', health, { venueId, personQr: sqr }), 403, 'DECLARATION_REQUIRED');
    expectError(
      await call('PUT', `/declaration-venue-rules/${venueId}`, healthElsewhere, { required: false }),
      404,
      'VENUE_NOT_FOUND',
    );
  });
});

describe('a live scan at the door scanner (batch item `live: true`)', () => {
  it('is refused like a single check-in at a venue requiring a declaration, nothing written; a queued one is recorded grey', async () => {
    const venue = await call('POST', '/venues', health, {
      name: 'Siêu thị Tân Phong',
      category: 'market_supermarket_mall_shop',
      unitCode: UNITS.bienHoaCommune,
      address: 'Quốc lộ 1',
    });
    expect(venue.statusCode, venue.body).toBe(201);
    const venueId = venue.json().id;
    expect((await call('PUT', `/declaration-venue-rules/${venueId}`, health, { required: true })).statusCode).toBe(200);
    const person = await citizenToken(env, '0912000557');
    const profile = await call('PUT', '/me/profile', person.token, {
      name: 'Lê Văn Cửa',
      unitCode: UNITS.bienHoaCommune,
    });
    expect(profile.statusCode, profile.body).toBe(200);
    const personQr = (await call('GET', '/me/qr', person.token)).json().qr;
    const checkins = async () =>
      Number(
        (
          await sql<{ n: string }>`select count(*) as n from checkins where person_id = ${person.personId}`.execute(
            env.ctx.db,
          )
        ).rows[0]?.n,
      );
    const keys = async (key: string) =>
      Number(
        (await sql<{ n: string }>`select count(*) as n from idempotency_keys where key = ${key}`.execute(env.ctx.db))
          .rows[0]?.n,
      );
    const batch = (items: object[]) => call('POST', '/checkins/batch', health, { items });

    // live: refused with the code and both languages, nothing written (no check-in, no stored key)
    const live = await batch([{ venueId, personQr, idempotencyKey: 'live-scan-0001', live: true }]);
    expect(live.statusCode, live.body).toBe(200);
    expect(live.json()).toMatchObject({ accepted: 0, rejected: 1 });
    const refused = live.json().results[0];
    expect(refused).toMatchObject({ index: 0, idempotencyKey: 'live-scan-0001', status: 403 });
    expect(refused.error).toMatchObject({
      code: 'DECLARATION_REQUIRED',
      message: 'This venue requires a health declaration today before entry.',
      messageVi: 'Địa điểm này yêu cầu khai báo y tế hôm nay trước khi vào.',
    });
    expect(refused.checkin).toBeUndefined();
    expect(await checkins()).toBe(0);
    expect(await keys('live-scan-0001')).toBe(0);

    // a live scan is made now: a past time is refused as for a single check-in
    const past = new Date(Date.now() - 3600_000).toISOString();
    const backdated = await batch([{ venueId, personQr, idempotencyKey: 'live-scan-0002', live: true, at: past }]);
    expect(backdated.json().results[0]).toMatchObject({ status: 400, error: { code: 'CHECKIN_BACKDATE_NOT_ALLOWED' } });
    // bad input: the flag is a boolean
    expectError(
      await batch([{ venueId, personQr, idempotencyKey: 'live-scan-0003', live: 'yes' }]),
      400,
      'VALIDATION_FAILED',
    );
    expect(await checkins()).toBe(0);

    // without the flag (the existing contract: a replay from the door's queue) it is recorded, with the grey badge
    const queued = await batch([{ venueId, personQr, idempotencyKey: 'live-scan-0001' }]);
    expect(queued.json().results[0], queued.body).toMatchObject({
      status: 201,
      checkin: { badge: { colour: 'grey' }, evidence: 'qr_personal' },
    });
    expect(await checkins()).toBe(1);
    // the same key sent live again gets that answer (a retry is never refused), and writes nothing
    const retried = await batch([{ venueId, personQr, idempotencyKey: 'live-scan-0001', live: true }]);
    expect(retried.json().results[0]).toMatchObject({
      status: 200,
      checkin: { id: queued.json().results[0].checkin.id },
    });
    expect(await checkins()).toBe(1);

    // once declared today, a live scan lets them in: green, staff_scan as a single door scan
    const declared = await call('POST', '/declarations', person.token, {
      type: 'domestic',
      answers: (await call('GET', '/declaration-forms/domestic', null))
        .json()
        .questions.some((q: { id: string }) => q.id === 'mask')
        ? { ...NO, mask: true }
        : NO,
    });
    expect(declared.statusCode, declared.body).toBe(201);
    const out = await call('POST', `/checkins/${queued.json().results[0].checkin.id}/checkout`, health, {});
    expect(out.statusCode, out.body).toBe(200);
    const now = await batch([{ venueId, personQr, idempotencyKey: 'live-scan-0004', live: true }]);
    expect(now.json().results[0], now.body).toMatchObject({ status: 201, checkin: { badge: { colour: 'green' } } });
  });
});

describe('partner API', () => {
  it('declares only for a phone the partner verified by a code, idempotently, and never with another key', async () => {
    const a = (
      await call('POST', '/declaration-partners', admin, { name: 'Zalo OA Đồng Nai', ratePerMinute: 50 })
    ).json();
    const b = (await call('POST', '/declaration-partners', admin, { name: 'Tổng đài SMS', ratePerMinute: 50 })).json();
    const phone = '0912000666';
    const body = {
      phone,
      type: 'domestic',
      answers: { ...NO, mask: false },
      name: 'Người dùng Zalo',
      unitCode: UNITS.bienHoaCommune,
    };
    expectError(
      await call('POST', '/partner/declarations', null, body, { 'x-api-key': a.apiKey }),
      403,
      'PARTNER_PHONE_NOT_VERIFIED',
    );
    expectError(
      await call('POST', '/partner/declarations', null, body, { 'x-api-key': 'tvdp_nope' }),
      401,
      'PARTNER_KEY_INVALID',
    );
    const sent = await call('POST', '/partner/phone-codes', null, { phone }, { 'x-api-key': a.apiKey });
    expect(sent.statusCode, sent.body).toBe(202);
    await env.ctx.jobs.drain();
    const msg = (await env.ctx.notifier.fakeOutbox({ to: '+84912000666', limit: 1 }))[0];
    const code = /(\d{6})/.exec(msg?.text ?? '')?.[1] ?? '';
    expectError(
      await call('POST', '/partner/phone-codes/verify', null, { phone, code }, { 'x-api-key': b.apiKey }),
      400,
      'PARTNER_CODE_INVALID',
    );
    const ok = await call('POST', '/partner/phone-codes/verify', null, { phone, code }, { 'x-api-key': a.apiKey });
    expect(ok.json()).toEqual({ verified: true });
    const key = { 'idempotency-key': 'partner-decl-01' };
    const first = await call('POST', '/partner/declarations', null, body, { 'x-api-key': a.apiKey, ...key });
    expect(first.statusCode, first.body).toBe(201);
    const again = await call('POST', '/partner/declarations', null, body, { 'x-api-key': a.apiKey, ...key });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    expectError(
      await call('POST', '/partner/declarations', null, body, { 'x-api-key': b.apiKey }),
      403,
      'PARTNER_PHONE_NOT_VERIFIED',
    );
  });

  it("declares for the phone's account holder, not an older record sharing the phone (a dependant's)", async () => {
    const phone = '0912000667';
    // a guardian put this phone on a dependant's record first; later its owner signed in with it
    const guardian = await citizenToken(env, '0912000668');
    const dep = await call('POST', '/me/dependants', guardian.token, {
      name: 'Cháu Dùng Chung',
      relation: 'child',
      birthYear: 2015,
      phone,
    });
    expect(dep.statusCode, dep.body).toBe(201);
    const holder = await citizenToken(env, phone);
    expect(holder.personId).not.toBe(dep.json().id);
    const p = (
      await call('POST', '/declaration-partners', admin, { name: 'Điện thoại chung', ratePerMinute: 50 })
    ).json();
    expect((await call('POST', '/partner/phone-codes', null, { phone }, { 'x-api-key': p.apiKey })).statusCode).toBe(
      202,
    );
    await env.ctx.jobs.drain();
    const msg = (await env.ctx.notifier.fakeOutbox({ to: '+84912000667', limit: 1 }))[0];
    const code = /(\d{6})/.exec(msg?.text ?? '')?.[1] ?? '';
    const verified = await call(
      'POST',
      '/partner/phone-codes/verify',
      null,
      { phone, code },
      { 'x-api-key': p.apiKey },
    );
    expect(verified.json()).toEqual({ verified: true });
    const res = await call(
      'POST',
      '/partner/declarations',
      null,
      { phone, type: 'domestic', answers: { ...NO, mask: false } },
      { 'x-api-key': p.apiKey },
    );
    expect(res.statusCode, res.body).toBe(201);
    const row = await env.ctx.db
      .selectFrom('declarations')
      .select('person_id')
      .where('id', '=', res.json().id)
      .executeTakeFirstOrThrow();
    expect(row.person_id).toBe(holder.personId);
  });

  it('holds each partner to its own rate limit, counted in the database (every API process holds one limit)', async () => {
    const p = (await call('POST', '/declaration-partners', admin, { name: 'Nhỏ', ratePerMinute: 2 })).json();
    const other = (await call('POST', '/declaration-partners', admin, { name: 'Khác', ratePerMinute: 2 })).json();
    const verify = (apiKey: string) =>
      call(
        'POST',
        '/partner/phone-codes/verify',
        null,
        { phone: '0912000777', code: '000000' },
        { 'x-api-key': apiKey },
      );
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await verify(p.apiKey)).statusCode);
    expect(codes).toEqual([400, 400, 429]);
    const refused = await verify(p.apiKey);
    expectError(refused, 429, 'RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    // another partner has its own count
    expect((await verify(other.apiKey)).statusCode).toBe(400);
    // the count is the database's: its window ended, the partner is served again
    await env.ctx.db
      .updateTable('rate_limit_hits')
      .set({ window_ends: new Date(Date.now() - 1000) })
      .where('key', '=', `declaration-partner|${p.id}`)
      .execute();
    expect((await verify(p.apiKey)).statusCode).toBe(400);
  });

  it('stops a revoked key at once (admins revoke; nobody else), and lists partners without their keys', async () => {
    const p = (await call('POST', '/declaration-partners', admin, { name: 'Ứng dụng thu hồi' })).json();
    const send = () => call('POST', '/partner/phone-codes', null, { phone: '0912000778' }, { 'x-api-key': p.apiKey });
    expect((await send()).statusCode).toBe(202);
    expectError(await call('DELETE', `/declaration-partners/${p.id}`, health), 403, 'FORBIDDEN');
    expectError(await call('DELETE', `/declaration-partners/${p.id}`, citizen.token), 403, 'FORBIDDEN');
    expectError(
      await call('DELETE', '/declaration-partners/00000000-0000-4000-8000-000000000000', admin),
      404,
      'PARTNER_NOT_FOUND',
    );
    expect((await call('DELETE', `/declaration-partners/${p.id}`, admin)).statusCode).toBe(204);
    expectError(await send(), 401, 'PARTNER_KEY_INVALID');
    expect((await call('DELETE', `/declaration-partners/${p.id}`, admin)).statusCode).toBe(204);
    const list = await call('GET', '/declaration-partners', admin);
    expect(list.statusCode).toBe(200);
    const mine = list.json().items.find((x: { id: string }) => x.id === p.id);
    expect(mine).toMatchObject({ name: 'Ứng dụng thu hồi', active: false });
    expect(list.body).not.toContain(p.apiKey);
    expectError(await call('GET', '/declaration-partners', health), 403, 'FORBIDDEN');
  });
});

describe('statistics', () => {
  it('counts declarations, people and flagged by reason per commune and day, and exports CSV', async () => {
    const res = await call('GET', `/declaration-stats?unitCode=${UNITS.bienHoa}`, leader);
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    const row = s.rows.find((r: { communeCode: string }) => r.communeCode === UNITS.bienHoaCommune);
    expect(row.declarations).toBeGreaterThanOrEqual(5);
    expect(row.people).toBeGreaterThanOrEqual(3);
    expect(row.symptom).toBeGreaterThanOrEqual(1);
    expect(row.residents).toBeGreaterThanOrEqual(2);
    const csv = await call('GET', `/declaration-stats.csv?unitCode=${UNITS.bienHoa}`, leader);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body).toContain(UNITS.bienHoaCommune);
    expectError(await call('GET', '/declaration-stats', citizen.token), 403, 'FORBIDDEN');
    expectError(
      await call('GET', `/declaration-stats?unitCode=${UNITS.bienHoaCommune}`, healthElsewhere),
      404,
      'UNIT_NOT_FOUND',
    );
  });
});

describe('form versions: only the version just replaced is accepted, and a version published without rules', () => {
  it('keeps the current rules for the questions a new version still has when published without rules', async () => {
    const current = (await call('GET', '/declaration-forms/entry', null)).json();
    expect(current.rules.some((r: { questionId: string }) => r.questionId === 'from_abroad')).toBe(true);
    const questions = current.questions.filter((q: { id: string }) => q.id !== 'from_abroad');
    const published = await call('POST', '/declaration-forms/entry', admin, { questions });
    expect(published.statusCode, published.body).toBe(201);
    const next = published.json();
    expect(next.version).toBe(current.version + 1);
    expect(next.rules).toEqual(current.rules.filter((r: { questionId: string }) => r.questionId !== 'from_abroad'));
    expect((await call('GET', '/declaration-forms/entry', null)).json()).toMatchObject({
      version: next.version,
      rules: next.rules,
    });
    // "fever" still flags
    const answers = answerByKind(questions, { all: false });
    const res = await call('POST', '/declarations', citizen.token, {
      type: 'entry',
      answers: { ...answers, fever: true },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ status: 'flagged', reasons: ['symptom'] });
    // rules given are the rules published (an empty list: none)
    const none = await call('POST', '/declaration-forms/entry', admin, { questions, rules: [], graceHours: 48 });
    expect(none.statusCode, none.body).toBe(201);
    expect(none.json().rules).toEqual([]);
    const back = await call('POST', '/declaration-forms/entry', admin, { questions, rules: next.rules });
    expect(back.statusCode, back.body).toBe(201);
  });

  it('refuses every version older than the one the current version replaced, as outdated', async () => {
    const base = (await call('GET', '/declaration-forms/domestic', null)).json();
    // two versions more, the second with no grace: the one before it is refused at once, and so is every older one
    // (an older version's own successor may still be within its grace period: that does not count)
    const older = await call('POST', '/declaration-forms/domestic', admin, {
      questions: base.questions,
      rules: base.rules,
      graceHours: 48,
    });
    expect(older.statusCode, older.body).toBe(201);
    const newest = await call('POST', '/declaration-forms/domestic', admin, {
      questions: base.questions,
      rules: base.rules,
      graceHours: 0,
    });
    expect(newest.statusCode, newest.body).toBe(201);
    const current = newest.json().version;
    const answers = answerByKind(base.questions, { all: false });
    const before = await count('declarations');
    for (const version of new Set([current - 1, current - 2, current - 3, 1])) {
      const res = await call('POST', '/declarations', citizen.token, {
        type: 'domestic',
        formVersion: version,
        answers,
      });
      expectError(res, 400, 'DECLARATION_FORM_OUTDATED');
      expect(res.json().error.details).toEqual({ version, currentVersion: current });
    }
    expect(await count('declarations')).toBe(before);
    const ok = await call('POST', '/declarations', citizen.token, {
      type: 'domestic',
      formVersion: current,
      answers,
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expectError(
      await call('POST', '/declarations', citizen.token, { type: 'domestic', formVersion: current + 1, answers }),
      400,
      'DECLARATION_FORM_NOT_FOUND',
    );
  });

  it('accepts the version just replaced within the grace period of the version replacing it', async () => {
    const form = (await call('GET', '/declaration-forms/domestic', null)).json();
    const next = await call('POST', '/declaration-forms/domestic', admin, {
      questions: form.questions,
      rules: form.rules,
      graceHours: 1,
    });
    expect(next.statusCode, next.body).toBe(201);
    const answers = answerByKind(form.questions, { all: false });
    const res = await call('POST', '/declarations', citizen.token, {
      type: 'domestic',
      formVersion: form.version,
      answers,
    });
    expect(res.statusCode, res.body).toBe(201);
    expectError(
      await call('POST', '/declarations', citizen.token, { type: 'domestic', formVersion: form.version - 1, answers }),
      400,
      'DECLARATION_FORM_OUTDATED',
    );
  });
});
