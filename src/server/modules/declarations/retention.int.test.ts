import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, pendingRuns, type TestEnv, UNITS } from '../../../../test/harness.ts';
import { localDate } from '../../platform/sms.ts';
import { DECLARATIONS_MAINTAIN } from './jobs.ts';
import { purgeDeclarations, retentionCutoff } from './maintenance.ts';

const DAY = 86_400_000;
const RETENTION = 42;
let env: TestEnv;
let serial = 0;

/** a local day `daysAgo` days before now (Asia/Ho_Chi_Minh) */
const dayAgo = (daysAgo: number, now = new Date()) => localDate(new Date(now.getTime() - daysAgo * DAY));

async function person(): Promise<string> {
  const row = await env.ctx.db
    .insertInto('people')
    .values({ name: `Người ${++serial}`, unit_code: UNITS.bienHoaCommune })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A declaration of a past local day with its badge, and a task when `task` says how it stands. */
async function declare(
  personId: string,
  day: string,
  task?: { status: 'new' | 'called' | 'tested' | 'closed'; closedAt?: Date },
): Promise<{ id: string; taskId?: string }> {
  const declaredAt = new Date(`${day}T03:00:00Z`);
  const d = await env.ctx.db
    .insertInto('declarations')
    .values({
      person_id: personId,
      type: 'domestic',
      form_version: 1,
      answers: JSON.stringify({ fever: task !== undefined }),
      status: task ? 'flagged' : 'ok',
      reasons: task ? ['symptom'] : [],
      via: 'app',
      actor_type: 'citizen',
      actor_id: personId,
      unit_code: UNITS.bienHoaCommune,
      commune_code: UNITS.bienHoaCommune,
      day,
      declared_at: declaredAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await env.ctx.db
    .insertInto('declaration_badges')
    .values({ person_id: personId, day, status: task ? 'flagged' : 'ok', declaration_id: d.id })
    .onConflict((oc) => oc.columns(['person_id', 'day']).doNothing())
    .execute();
  if (!task) return { id: d.id };
  const t = await env.ctx.db
    .insertInto('health_tasks')
    .values({
      person_id: personId,
      declaration_id: d.id,
      unit_code: UNITS.bienHoaCommune,
      reason: 'symptom',
      reasons: ['symptom'],
      status: task.status,
      due_at: new Date(declaredAt.getTime() + 4 * 3600_000),
      created_at: declaredAt,
      updated_at: task.closedAt ?? declaredAt,
      closed_at: task.closedAt ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: d.id, taskId: t.id };
}

async function declarationsOf(personId: string): Promise<string[]> {
  const rows = await env.ctx.db
    .selectFrom('declarations')
    .select('day')
    .where('person_id', '=', personId)
    .orderBy('day')
    .execute();
  return rows.map((r) => r.day);
}

async function badgesOf(personId: string): Promise<string[]> {
  const rows = await env.ctx.db
    .selectFrom('declaration_badges')
    .select('day')
    .where('person_id', '=', personId)
    .orderBy('day')
    .execute();
  return rows.map((r) => r.day);
}

async function tasksOf(personId: string): Promise<string[]> {
  const rows = await env.ctx.db.selectFrom('health_tasks').select('id').where('person_id', '=', personId).execute();
  return rows.map((r) => r.id);
}

const purge = (options: Parameters<typeof purgeDeclarations>[3] = {}) =>
  purgeDeclarations(env.ctx.db, env.ctx.audit, RETENTION, options);

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'] });
});
afterAll(async () => {
  await env?.close();
});

describe('declaration retention', () => {
  it('keeps the window of local days: the first kept day is retention days before today', () => {
    // 2026-12-05 18:00 UTC is already 6 December in Việt Nam
    const cut = retentionCutoff(42, new Date('2026-12-05T18:00:00Z'));
    expect(cut.day).toBe('2026-10-25');
    expect(cut.startsAt.toISOString()).toBe('2026-10-24T17:00:00.000Z');
  });

  it('deletes old declarations with their badges and closed tasks, and keeps the recent ones', async () => {
    const now = new Date();
    const keptFrom = dayAgo(RETENTION, now);
    const someone = await person();
    const old = await declare(someone, dayAgo(RETENTION + 10, now), {
      status: 'closed',
      closedAt: new Date(now.getTime() - (RETENTION + 9) * DAY),
    });
    await declare(someone, dayAgo(RETENTION + 1, now));
    await declare(someone, keptFrom);
    const recent = await declare(someone, dayAgo(3, now), {
      status: 'closed',
      closedAt: new Date(now.getTime() - 2 * DAY),
    });
    await declare(someone, dayAgo(0, now));

    const result = await purge({ now });
    expect(result).toMatchObject({ keptFrom, declarations: 2, healthTasks: 1, badges: 2, more: false });
    expect(await declarationsOf(someone)).toEqual([keptFrom, dayAgo(3, now), dayAgo(0, now)]);
    expect(await badgesOf(someone)).toEqual([keptFrom, dayAgo(3, now), dayAgo(0, now)]);
    expect(await tasksOf(someone)).toEqual([recent.taskId]);
    expect(await tasksOf(someone)).not.toContain(old.taskId);

    // nothing is left to do: a second run deletes nothing
    expect(await purge({ now })).toMatchObject({ declarations: 0, healthTasks: 0, badges: 0, batches: 0 });
  });

  it('keeps an old declaration while its task is open or was closed within the window', async () => {
    const now = new Date();
    const open = await person();
    const openDecl = await declare(open, dayAgo(RETENTION + 20, now), { status: 'called' });
    const recentlyClosed = await person();
    const closedDecl = await declare(recentlyClosed, dayAgo(RETENTION + 5, now), {
      status: 'closed',
      closedAt: new Date(now.getTime() - 5 * DAY),
    });

    const result = await purge({ now });
    expect(result.heldByTasks).toBe(2);
    expect(await declarationsOf(open)).toEqual([dayAgo(RETENTION + 20, now)]);
    expect(await tasksOf(open)).toEqual([openDecl.taskId]);
    expect(await declarationsOf(recentlyClosed)).toEqual([dayAgo(RETENTION + 5, now)]);
    expect(await tasksOf(recentlyClosed)).toEqual([closedDecl.taskId]);
    // their badges are of days long over: they go
    expect(await badgesOf(open)).toEqual([]);
    expect(await badgesOf(recentlyClosed)).toEqual([]);

    // once the task has been closed for the whole window, the declaration goes with it
    await env.ctx.db
      .updateTable('health_tasks')
      .set({ status: 'closed', closed_at: new Date(now.getTime() - (RETENTION + 1) * DAY) })
      .where('id', '=', openDecl.taskId as string)
      .execute();
    const later = await purge({ now });
    expect(later).toMatchObject({ declarations: 1, healthTasks: 1, heldByTasks: 1 });
    expect(await declarationsOf(open)).toEqual([]);
    expect(await tasksOf(open)).toEqual([]);
  });

  it('deletes more rows than one batch, batch by batch, and stops at the run limit with more left', async () => {
    const now = new Date();
    const people = await Promise.all([person(), person(), person()]);
    for (const p of people) for (const ago of [50, 51, 52]) await declare(p, dayAgo(ago, now));
    await declare(people[0] as string, dayAgo(1, now));

    // 9 old declarations and 9 old badges in batches of 4: two batches of each, then the run stops
    const first = await purge({ now, batchSize: 4, maxBatches: 2 });
    expect(first).toMatchObject({ declarations: 8, badges: 8, batches: 4, more: true });
    const rest = await purge({ now, batchSize: 4, maxBatches: 2 });
    expect(rest).toMatchObject({ declarations: 1, badges: 1, batches: 2, more: false });
    for (const p of people) expect(await declarationsOf(p)).toEqual(p === people[0] ? [dayAgo(1, now)] : []);

    // an exact multiple of the batch: the last, empty batch ends the run
    const more = await person();
    for (const ago of [60, 61, 62, 63]) await declare(more, dayAgo(ago, now));
    expect(await purge({ now, batchSize: 2 })).toMatchObject({ declarations: 4, badges: 4, more: false });
    expect(await declarationsOf(more)).toEqual([]);
  });

  it("deletes partners' one-time codes (a phone number each) a day after they were sent, and audits the count", async () => {
    const now = new Date();
    const partner = await env.ctx.db
      .insertInto('declaration_partners')
      .values({ name: 'Zalo OA (retention test)', key_hash: `retention-${Date.now()}`, rate_per_minute: 60 })
      .returning('id')
      .executeTakeFirstOrThrow();
    const code = (phone: string, hoursAgo: number) => ({
      partner_id: partner.id,
      phone,
      code_hash: 'x',
      expires_at: new Date(now.getTime() - hoursAgo * 3600_000 + 300_000),
      created_at: new Date(now.getTime() - hoursAgo * 3600_000),
    });
    await env.ctx.db
      .insertInto('partner_phone_codes')
      .values([code('0912000001', 30), code('0912000002', 25), code('0912000003', 23), code('0912000004', 0.5)])
      .execute();
    const result = await purge({ now });
    expect(result.phoneCodes).toBe(2);
    const left = await env.ctx.db
      .selectFrom('partner_phone_codes')
      .select('phone')
      .where('partner_id', '=', partner.id)
      .orderBy('phone')
      .execute();
    expect(left.map((r) => r.phone)).toEqual(['0912000003', '0912000004']);
    const audited = await env.ctx.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'declarations.purge')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(audited.details).toEqual({ keptFrom: dayAgo(RETENTION, now), retentionDays: RETENTION, phoneCodes: 2 });
    expect(JSON.stringify(audited.details)).not.toContain('0912');
  });

  it('keeps the daily statistics (counts per commune and day, nothing personal)', async () => {
    const now = new Date();
    const oldDay = dayAgo(RETENTION + 30, now);
    await env.ctx.db
      .insertInto('declaration_daily_stats')
      .values({ day: oldDay, commune_code: UNITS.bienHoaCommune, shard: 0, declarations: 12, people: 11, flagged: 1 })
      .execute();
    await declare(await person(), oldDay);
    await purge({ now });
    const stats = await env.ctx.db
      .selectFrom('declaration_daily_stats')
      .select(['declarations', 'people', 'flagged'])
      .where('day', '=', oldDay)
      .execute();
    expect(stats).toEqual([{ declarations: 12, people: 11, flagged: 1 }]);
  });

  it('audits each batch as a system action with counts only', async () => {
    const now = new Date();
    const someone = await person();
    await declare(someone, dayAgo(RETENTION + 2, now), {
      status: 'closed',
      closedAt: new Date(now.getTime() - (RETENTION + 1) * DAY),
    });
    const before = await env.ctx.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirstOrThrow();
    await purge({ now });
    const rows = await env.ctx.db
      .selectFrom('audit_log')
      .select(['actor_type', 'actor_id', 'action', 'resource_id', 'details'])
      .where('id', '>', Number(before.id ?? 0))
      .where('action', '=', 'declarations.purge')
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      {
        actor_type: 'system',
        actor_id: 'declarations.retention',
        action: 'declarations.purge',
        resource_id: null,
        details: { keptFrom: dayAgo(RETENTION, now), retentionDays: RETENTION, declarations: 1, healthTasks: 1 },
      },
      {
        actor_type: 'system',
        actor_id: 'declarations.retention',
        action: 'declarations.purge',
        resource_id: null,
        details: { keptFrom: dayAgo(RETENTION, now), retentionDays: RETENTION, badges: 1 },
      },
    ]);
    expect(JSON.stringify(rows)).not.toContain(someone);
    expect((await env.ctx.audit.verify()).ok).toBe(true);
  });

  it('runs as the hourly declarations.maintain job, scheduled once when workers start, rescheduling itself', async () => {
    const declarations = env.ctx.modules.find((m) => m.manifest.name === 'declarations');
    // two workers starting: one pending run
    await declarations?.onWorkerStart?.();
    await declarations?.onWorkerStart?.();
    const pending = () => pendingRuns(env, DECLARATIONS_MAINTAIN.name);
    expect(await pending()).toHaveLength(1);

    const someone = await person();
    await declare(someone, dayAgo(env.ctx.config.declarationRetentionDays + 1));
    await declare(someone, dayAgo(0));
    await env.ctx.jobs.drain();
    expect(await declarationsOf(someone)).toEqual([dayAgo(0)]);
    const next = await pending();
    expect(next).toHaveLength(1);
    expect(next[0]?.run_at.getTime()).toBeGreaterThan(Date.now() + 59 * 60_000);
    const done = await env.ctx.db
      .selectFrom('jobs')
      .select('status')
      .where('topic', '=', DECLARATIONS_MAINTAIN.name)
      .where('status', '=', 'done')
      .execute();
    expect(done).toHaveLength(1);
  });

  it('keeps the demo seed: the default window is longer than its month of declarations', () => {
    expect(env.ctx.config.declarationRetentionDays).toBeGreaterThanOrEqual(31);
  });
});
