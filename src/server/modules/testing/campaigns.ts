/**
 * Campaigns (a round of testing for an area and dates: targets per commune from the people registered there,
 * adjustable; test points and teams; live coverage), statistics (per day and commune from the daily rollup,
 * turnaround percentiles, lab backlog, positivity by commune for the map, and the Dorfman pool-size advice), the
 * people to test again (tasks), and the settings.
 */
import type { Actor } from '../../platform/access.ts';
import { authorize, authorizeAt, mayEver, narrowScope, scopeOf } from '../../platform/authorize.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { AdminUnitsService } from '../admin-units/index.ts';
import { campaignPolicy, samplePolicy, type TestingAction, unitPolicy } from './policy.ts';
import { advisePoolSize, estimatePositivity } from './pooling.ts';
import type { TestingRepo } from './repo.ts';
import { actorRef } from './results.ts';
import type { CampaignView, CreateCampaignInput, SettingsView, StatsResponse } from './schemas.ts';

const DAY_MS = 86_400_000;
/** recent results the pool advice reads */
export const ADVICE_DAYS = 14;

/** Today (or `days` ago) in Vietnam, `YYYY-MM-DD`. */
export function localDay(offsetDays = 0, now = Date.now()): string {
  return new Date(now + 7 * 3_600_000 - offsetDays * DAY_MS).toISOString().slice(0, 10);
}

const round1 = (v: number | null | undefined) =>
  v === null || v === undefined ? null : Math.round(Number(v) * 10) / 10;

export function campaignsService(
  ctx: PlatformContext,
  deps: { repo: TestingRepo; adminUnits: Pick<AdminUnitsService, 'findByCode'> },
) {
  const { repo, adminUnits } = deps;
  const db = ctx.db;

  /** The actor's scope for `action`, narrowed to a unit they asked for (404 UNIT_NOT_FOUND out of reach). */
  async function scopeFor(actor: Actor, action: TestingAction, unitCode: string | undefined) {
    const scope = scopeOf(samplePolicy, actor, action);
    if (!unitCode) return { scope, unitPath: undefined };
    const unit = await adminUnits.findByCode(unitCode);
    authorize(unitPolicy, actor, action, unit && { unitPath: unit.path });
    const unitPath = (unit as { path: string }).path;
    return { scope: narrowScope(scope, unitPath), unitPath };
  }

  async function loadCampaign(actor: Actor, id: string, action: 'campaigns.read' | 'campaigns.manage') {
    const c = await repo.findCampaign(id);
    return authorize(campaignPolicy, actor, action, c && { ...c, unitPath: c.unit_path });
  }

  return {
    async createCampaign(actor: Actor, input: CreateCampaignInput) {
      const unit = await adminUnits.findByCode(input.unitCode);
      if (!unit) throw new AppError('UNIT_NOT_FOUND', 400);
      authorizeAt(campaignPolicy, actor, 'campaigns.manage', { unitPath: unit.path });
      const span = (Date.parse(input.endsOn) - Date.parse(input.startsOn)) / DAY_MS;
      if (!(span >= 0 && span <= 60)) throw new AppError('CAMPAIGN_DATES_INVALID', 400);
      return db.transaction().execute(async (trx) => {
        const id = await repo.createCampaign(trx, {
          name: input.name.trim(),
          unit_code: unit.code,
          starts_on: input.startsOn,
          ends_on: input.endsOn,
          round: input.round ?? 1,
          pool_max: input.poolMax ?? null,
          created_by: actorRef(actor),
        });
        await repo.createTargets(trx, id, unit.path, unit.code);
        await ctx.audit.append(trx, {
          actor,
          action: 'campaigns.create',
          resourceType: 'campaign',
          resourceId: id,
          unitCode: unit.code,
        });
        return { id };
      });
    },

    async listCampaigns(actor: Actor) {
      const rows = await repo.listCampaigns(scopeOf(campaignPolicy, actor, 'campaigns.read'), 100);
      return {
        items: rows.map((c) => ({
          id: c.id,
          name: c.name,
          unitCode: c.unit_code,
          unitName: c.unit_name,
          startsOn: c.starts_on,
          endsOn: c.ends_on,
          round: c.round,
          target: Number(c.target ?? 0),
          tested: Number(c.tested ?? 0),
        })),
      };
    },

    /** The campaign with live coverage per commune, its test points, and the pool advice from recent results. */
    async getCampaign(actor: Actor, id: string): Promise<CampaignView> {
      const c = await loadCampaign(actor, id, 'campaigns.read');
      const settings = await repo.settings();
      const poolMax = Math.min(settings.pool_max, c.pool_max ?? settings.pool_max);
      const [communes, points, totals, retests, recent] = await Promise.all([
        repo.campaignCommunes(id),
        repo.points(id),
        repo.campaignTotals(id),
        repo.campaignRetests(id),
        repo.positivityByCommune(scopeOf(campaignPolicy, { kind: 'system', name: 'campaign view' }, 'campaigns.read'), {
          unitPath: c.unit_path,
          from: localDay(ADVICE_DAYS),
          to: localDay(0),
        }),
      ]);
      const byUnit = new Map(recent.map((r) => [r.unit_code, r]));
      let target = 0;
      let tested = 0;
      const rows = communes.map((k) => {
        const r = byUnit.get(k.unit_code);
        const p = estimatePositivity({
          people: r?.people ?? 0,
          positivePeople: r?.positive_people ?? 0,
          positivePools: r?.positive_pools ?? 0,
        });
        const advice = advisePoolSize(p, poolMax);
        target += k.target;
        tested += k.tested;
        return {
          unitCode: k.unit_code,
          unitName: k.unit_name,
          target: k.target,
          adjusted: k.adjusted,
          tested: k.tested,
          coverage: k.target > 0 ? Math.round((k.tested / k.target) * 1000) / 10 : null,
          positivity: Math.round(p * 100_000) / 100_000,
          advisedPoolSize: advice.poolSize,
          testsPerPerson: advice.testsPerPerson,
        };
      });
      return {
        id: c.id,
        name: c.name,
        unitCode: c.unit_code,
        unitName: c.unit_name,
        startsOn: c.starts_on,
        endsOn: c.ends_on,
        round: c.round,
        poolMax,
        communes: rows,
        points: points.map((p) => ({
          id: p.id,
          name: p.name,
          unitCode: p.unit_code,
          address: p.address,
          team: p.team,
          tubes: Number(p.tubes ?? 0),
        })),
        totals: {
          target,
          tested,
          tubes: totals.tubes,
          pooledTubes: totals.pooled,
          testsSaved: Math.max(0, totals.people - totals.tubes - retests),
        },
      };
    },

    async setTarget(actor: Actor, id: string, unitCode: string, target: number) {
      const c = await loadCampaign(actor, id, 'campaigns.manage');
      await db.transaction().execute(async (trx) => {
        if (!(await repo.setTarget(trx, id, unitCode, target))) throw new AppError('UNIT_NOT_IN_CAMPAIGN', 400);
        await ctx.audit.append(trx, {
          actor,
          action: 'campaigns.setTarget',
          resourceType: 'campaign',
          resourceId: id,
          unitCode: c.unit_code,
          details: { unit: unitCode, target },
        });
      });
    },

    async addPoint(
      actor: Actor,
      id: string,
      input: { name: string; unitCode: string; address?: string | undefined; team?: string | undefined },
    ) {
      const c = await loadCampaign(actor, id, 'campaigns.manage');
      const unit = await adminUnits.findByCode(input.unitCode);
      if (!unit) throw new AppError('UNIT_NOT_FOUND', 400);
      if (!unit.path.startsWith(c.unit_path)) throw new AppError('UNIT_NOT_IN_CAMPAIGN', 400);
      return db.transaction().execute(async (trx) => {
        const pointId = await repo.createPoint(trx, {
          campaign_id: id,
          name: input.name.trim(),
          unit_code: unit.code,
          address: input.address?.trim() || null,
          team: input.team?.trim() || null,
        });
        await ctx.audit.append(trx, {
          actor,
          action: 'campaigns.addPoint',
          resourceType: 'campaign',
          resourceId: id,
          unitCode: unit.code,
        });
        return { id: pointId };
      });
    },

    /** Results per collection day, commune and kind; totals; turnaround; lab backlog (in the actor's area). */
    async stats(
      actor: Actor,
      q: { unitCode?: string | undefined; from?: string | undefined; to?: string | undefined },
    ): Promise<StatsResponse> {
      const { scope, unitPath } = await scopeFor(actor, 'testing.stats', q.unitCode);
      const to = q.to ?? localDay(0);
      const from = q.from ?? localDay(13);
      if (from > to || Date.parse(to) - Date.parse(from) > 366 * DAY_MS) {
        throw new AppError('VALIDATION_FAILED', 400, { field: 'from', reason: 'from ≤ to, at most a year' });
      }
      const filter = { ...(unitPath ? { unitPath } : {}), from, to };
      const [days, turnaround, backlog] = await Promise.all([
        repo.statsDays(scope, filter),
        repo.turnaround(scope, filter),
        repo.backlog(scope),
      ]);
      const totals = {
        tubes: 0,
        people: 0,
        positiveTubes: 0,
        positivePeople: 0,
        pooledTubes: 0,
        pooledPeople: 0,
        individualTubes: 0,
      };
      for (const d of days) {
        totals.tubes += d.tubes;
        totals.people += d.people;
        totals.positiveTubes += d.positive_tubes;
        totals.positivePeople += d.positive_people;
        if (d.kind === 'rt-pcr-pool') {
          totals.pooledTubes += d.tubes;
          totals.pooledPeople += d.people;
        } else totals.individualTubes += d.tubes;
      }
      return {
        from,
        to,
        days: days.map((d) => ({
          day: d.day,
          unitCode: d.unit_code,
          unitName: d.unit_name,
          kind: d.kind,
          tubes: d.tubes,
          people: d.people,
          positiveTubes: d.positive_tubes,
          positivePeople: d.positive_people,
          invalidTubes: d.invalid_tubes,
        })),
        totals: {
          ...totals,
          positivity: totals.tubes > 0 ? Math.round((totals.positiveTubes / totals.tubes) * 10_000) / 100 : 0,
        },
        turnaround: {
          resulted: turnaround.resulted,
          collectToResultP50Hours: round1(turnaround.c2r_p50),
          collectToResultP90Hours: round1(turnaround.c2r_p90),
          collectToReceiptP50Hours: round1(turnaround.c2rec_p50),
          receiptToResultP50Hours: round1(turnaround.rec2r_p50),
        },
        backlog: backlog.map((b) => ({
          labId: b.id,
          name: b.name,
          inTransit: b.in_transit,
          awaitingResult: b.awaiting,
          oldestHours: round1(b.oldest_hours),
        })),
      };
    },

    /**
     * Positivity by commune over the last `days` days (the map's aggregate) and, for each, the pool size that
     * minimises tests per person under Dorfman pooling (capped by the pool maximum).
     */
    async communeStats(actor: Actor, q: { unitCode?: string | undefined; days?: number | undefined }) {
      const { scope, unitPath } = await scopeFor(actor, 'testing.stats', q.unitCode);
      const days = q.days ?? ADVICE_DAYS;
      const settings = await repo.settings();
      const rows = await repo.positivityByCommune(scope, {
        ...(unitPath ? { unitPath } : {}),
        from: localDay(days - 1),
        to: localDay(0),
      });
      return {
        days,
        poolMax: settings.pool_max,
        items: rows.map((r) => {
          const p = estimatePositivity({
            people: r.people,
            positivePeople: r.positive_people,
            positivePools: r.positive_pools ?? 0,
          });
          const advice = advisePoolSize(p, settings.pool_max);
          return {
            unitCode: r.unit_code,
            unitName: r.unit_name,
            people: r.people,
            tubes: r.tubes,
            positivePeople: r.positive_people,
            positiveTubes: r.positive_tubes,
            positivity: Math.round(p * 100_000) / 100_000,
            advisedPoolSize: advice.poolSize,
            testsPerPerson: advice.testsPerPerson,
          };
        }),
      };
    },

    /** People to test again in the actor's area (names and phones: audited). */
    async tasks(
      actor: Actor,
      q: {
        unitCode?: string | undefined;
        reason?: string | undefined;
        status?: string | undefined;
        limit?: number | undefined;
      },
    ) {
      const { scope, unitPath } = await scopeFor(actor, 'tasks.read', q.unitCode);
      const rows = await repo.listTasks(scope, {
        ...(unitPath ? { unitPath } : {}),
        ...(q.reason ? { reason: q.reason } : {}),
        status: q.status ?? 'open',
        limit: q.limit ?? 200,
      });
      if (rows.length > 0) {
        await ctx.audit.record({
          actor,
          action: 'testing.tasks',
          resourceType: 'person',
          details: { personIds: [...new Set(rows.map((r) => r.person_id))] },
        });
      }
      return {
        items: rows.map((t) => ({
          id: t.id,
          personId: t.person_id,
          name: t.name,
          phone: t.phone,
          unitCode: t.unit_code,
          unitName: t.unit_name,
          reason: t.reason,
          dueOn: t.due_on,
          day: t.day,
          status: t.status,
          sourceBarcode: t.source_barcode,
        })),
      };
    },

    async settings(actor: Actor): Promise<SettingsView> {
      if (actor.kind !== 'staff' && actor.kind !== 'system') throw new AppError('FORBIDDEN', 403);
      const s = await repo.settings();
      return { poolMax: s.pool_max, antigenOpensCase: s.antigen_opens_case, f1TestDays: s.f1_test_days.map(Number) };
    },

    async updateSettings(actor: Actor, input: SettingsView): Promise<SettingsView> {
      if (!mayEver(samplePolicy, actor, 'testing.settings')) throw new AppError('FORBIDDEN', 403);
      authorizeAt(samplePolicy, actor, 'testing.settings', { unitPath: null });
      const days = [...new Set(input.f1TestDays)].sort((a, b) => a - b);
      await db.transaction().execute(async (trx) => {
        await repo.updateSettings(
          trx,
          { pool_max: input.poolMax, antigen_opens_case: input.antigenOpensCase, f1_test_days: days },
          actorRef(actor),
        );
        await ctx.audit.append(trx, {
          actor,
          action: 'testing.settings',
          details: { poolMax: input.poolMax, antigenOpensCase: input.antigenOpensCase, f1TestDays: days.join(',') },
        });
      });
      return { poolMax: input.poolMax, antigenOpensCase: input.antigenOpensCase, f1TestDays: days };
    },

    /** Makes tasks of the F1 quarantine test days (the recurring job). */
    async scheduleQuarantineTests(): Promise<number> {
      const s = await repo.settings();
      return repo.scheduleQuarantineTests(s.f1_test_days.map(Number));
    },
  };
}

export type CampaignsService = ReturnType<typeof campaignsService>;
