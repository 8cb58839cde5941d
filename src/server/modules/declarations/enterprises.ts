/**
 * The enterprise COVID-risk self-assessment: enterprises registered by their owner (a citizen, who then manages it)
 * or by the oversight staff of their area; a versioned criteria set (the current one, or the previous one the day it
 * is replaced) → score and level by configurable bands, valid `validDays`; "allowed to operate" = a current
 * assessment made after any re-assessment an inspector required. The commune and the park board list high-risk and
 * overdue enterprises, record inspections with findings, and can require re-assessment (the owner is told).
 */
import type { Actor } from '../../platform/access.ts';
import { authorize, authorizeAt, narrowScope, scopeOf, systemScope } from '../../platform/authorize.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { normalizePhone } from '../../platform/formats.ts';
import { smsText } from '../../platform/sms.ts';
import type { PeopleService } from '../people/index.ts';
import type { EnterpriseLevel } from './constants.ts';
import { type CriteriaSet, type Criterion, checkAnswers, defaultCriteria, scoreAssessment } from './forms.ts';
import { enterprisePolicy, unitPolicy } from './policy.ts';
import type { DeclarationsRepo } from './repo.ts';
import type { AssessmentBody, CreateEnterpriseBody } from './schemas.ts';

const DAY = 86_400_000;
const HIGH: readonly EnterpriseLevel[] = ['high', 'very_high'];

interface Latest {
  score: number | null;
  level: EnterpriseLevel | null;
  valid_until: Date | null;
  assessed_at: Date | null;
  reassess_required_at: Date | null;
}

/** Whether an enterprise may operate now: a current assessment, made after any required re-assessment. */
export function operatingStatus(e: Latest, now: Date) {
  const current = e.valid_until !== null && e.valid_until > now;
  const reassessPending = e.reassess_required_at !== null;
  const allowed = current && !reassessPending;
  return { allowedToOperate: allowed, overdue: !allowed };
}

export function enterprisesService(
  ctx: PlatformContext,
  { repo, people }: { repo: DeclarationsRepo; people: Pick<PeopleService, 'accountHolder'> },
) {
  const db = ctx.db;

  async function currentCriteria(): Promise<CriteriaSet> {
    let row = await repo.latestCriteria();
    if (!row) {
      const d = defaultCriteria();
      await repo.insertCriteria(db, {
        version: 1,
        questions: d.questions,
        bands: d.bands,
        valid_days: d.validDays,
        published_by: null,
      });
      row = await repo.latestCriteria();
    }
    if (!row) throw new AppError('INTERNAL', 500);
    return {
      version: row.version,
      questions: row.questions as Criterion[],
      bands: row.bands as CriteriaSet['bands'],
      validDays: row.valid_days,
    };
  }

  const actorId = (actor: Actor) =>
    actor.kind === 'staff' ? actor.userId : actor.kind === 'citizen' ? actor.personId : actor.name;

  async function loadEnterprise(
    actor: Actor,
    id: string,
    action: 'enterprises.read' | 'enterprises.assess' | 'enterprises.inspect',
  ) {
    const row = await repo.findEnterprise(id);
    authorize(enterprisePolicy, actor, action, row && { unitPath: row.unit_path, ownerPersonId: row.owner_person_id });
    if (!row) throw new AppError('ENTERPRISE_NOT_FOUND', 404);
    return row;
  }

  function summary(
    e: {
      id: string;
      name: string;
      tax_code: string;
      unit_code: string;
      industrial_park: string | null;
      workers: number;
    } & Latest,
    now: Date,
  ) {
    return {
      id: e.id,
      name: e.name,
      taxCode: e.tax_code,
      unitCode: e.unit_code,
      industrialPark: e.industrial_park,
      workers: e.workers,
      level: e.level,
      score: e.score,
      validUntil: e.valid_until?.toISOString() ?? null,
      ...operatingStatus(e, now),
    };
  }

  return {
    currentCriteria,

    /** Publishes a new criteria version (admins); assessments from now on use it. */
    async publishCriteria(actor: Actor, body: Omit<CriteriaSet, 'version'>) {
      scopeOf(unitPolicy, actor, 'declarations.configure');
      const bands = [...body.bands].sort((a, b) => b.min - a.min);
      if (bands.at(-1)?.min !== 0)
        throw new AppError('VALIDATION_FAILED', 400, { field: 'bands', reason: 'the last band starts at 0' });
      const current = await currentCriteria();
      await db.transaction().execute(async (trx) => {
        await repo.insertCriteria(trx, {
          version: current.version + 1,
          questions: body.questions,
          bands,
          valid_days: body.validDays,
          published_by: actorId(actor),
        });
        await ctx.audit.append(trx, {
          actor: actor.kind === 'system' ? null : actor,
          action: 'enterprises.publishCriteria',
          resourceType: 'enterprise_criteria',
          resourceId: String(current.version + 1),
        });
      });
      return currentCriteria();
    },

    /** Registers an enterprise: its owner (a citizen, who becomes its manager) or oversight staff of its area. */
    async create(actor: Actor, body: CreateEnterpriseBody): Promise<{ id: string }> {
      if (!/^[0-9]{10}(-[0-9]{3})?$/.test(body.taxCode)) throw new AppError('ENTERPRISE_TAX_CODE_INVALID', 400);
      const unit = await repo.unitByCode(body.unitCode);
      if (!unit) throw new AppError('UNIT_NOT_FOUND', 400);
      authorizeAt(enterprisePolicy, actor, 'enterprises.create', {
        unitPath: unit.path,
        ownerPersonId: actor.kind === 'citizen' ? actor.personId : null,
      });
      return db.transaction().execute(async (trx) => {
        const row = await repo.insertEnterprise(trx, {
          name: body.name.trim(),
          tax_code: body.taxCode,
          unit_code: unit.code,
          unit_path: unit.path,
          industrial_park: body.industrialPark?.trim() ?? null,
          address: body.address?.trim() ?? null,
          workers: body.workers,
          shifts: body.shifts ?? 1,
          owner_person_id: actor.kind === 'citizen' ? actor.personId : null,
          created_by: `${actor.kind}:${actorId(actor)}`,
        });
        if (!row) throw new AppError('ENTERPRISE_TAX_CODE_EXISTS', 409);
        await ctx.audit.append(trx, {
          actor: actor.kind === 'system' ? null : actor,
          action: 'enterprises.create',
          resourceType: 'enterprise',
          resourceId: row.id,
          unitCode: unit.code,
        });
        return { id: row.id };
      });
    },

    /** A citizen's own enterprises; staff: those of their area (`high_risk`, `overdue` or `all`). */
    async list(
      actor: Actor,
      opts: { filter?: 'high_risk' | 'overdue' | 'all' | undefined; unitCode?: string | undefined },
    ) {
      const now = new Date();
      let rows: Awaited<ReturnType<DeclarationsRepo['listEnterprises']>>;
      if (actor.kind === 'citizen') {
        rows = await repo.listEnterprises(systemScope("a citizen's own enterprises: filtered by owner"), {
          owner: actor.personId,
        });
      } else {
        let scope = scopeOf(enterprisePolicy, actor, 'enterprises.read');
        if (opts.unitCode) {
          const unit = await repo.unitByCode(opts.unitCode);
          authorize(unitPolicy, actor, 'enterprises.read', unit && { unitPath: unit.path });
          scope = narrowScope(scope, (unit as { path: string }).path);
        }
        rows = await repo.listEnterprises(scope, {});
      }
      const items = rows.map((r) => summary(r, now));
      const filter = opts.filter ?? 'all';
      return {
        items: items.filter(
          (e) =>
            filter === 'all' ||
            (filter === 'high_risk' && e.level !== null && HIGH.includes(e.level)) ||
            (filter === 'overdue' && e.overdue),
        ),
      };
    },

    /** Totals for the leader's tile: enterprises in scope, high-risk, without a current assessment. */
    async counts(actor: Actor) {
      const rows = await repo.listEnterprises(scopeOf(enterprisePolicy, actor, 'enterprises.read'), {});
      const now = new Date();
      const s = rows.map((r) => summary(r, now));
      return {
        total: s.length,
        highRisk: s.filter((e) => e.level !== null && HIGH.includes(e.level)).length,
        overdue: s.filter((e) => e.overdue).length,
      };
    },

    async get(actor: Actor, id: string) {
      const e = await loadEnterprise(actor, id, 'enterprises.read');
      const [assessments, inspections] = await Promise.all([repo.assessments(id), repo.inspections(id)]);
      const latest = assessments[0];
      const now = new Date();
      return {
        ...summary(
          {
            ...e,
            score: latest?.score ?? null,
            level: latest?.level ?? null,
            valid_until: latest?.valid_until ?? null,
            assessed_at: latest?.created_at ?? null,
          },
          now,
        ),
        address: e.address,
        shifts: e.shifts,
        hasOwner: e.owner_person_id !== null,
        reassessRequiredAt: e.reassess_required_at?.toISOString() ?? null,
        assessments: assessments.map((a) => ({
          id: a.id,
          score: a.score,
          level: a.level,
          validUntil: a.valid_until.toISOString(),
          criteriaVersion: a.criteria_version,
          createdAt: a.created_at.toISOString(),
        })),
        inspections: inspections.map((i) => ({
          id: i.id,
          findings: i.findings,
          passed: i.passed,
          requireReassessment: i.require_reassessment,
          createdAt: i.created_at.toISOString(),
        })),
      };
    },

    /** Records a self-assessment against the current criteria (or the version named, if it is the current one). */
    async assess(actor: Actor, id: string, body: AssessmentBody) {
      const e = await loadEnterprise(actor, id, 'enterprises.assess');
      const criteria = await currentCriteria();
      if (body.criteriaVersion !== undefined && body.criteriaVersion !== criteria.version)
        throw new AppError(
          'CRITERIA_OUTDATED',
          400,
          { version: body.criteriaVersion, currentVersion: criteria.version },
          { version: body.criteriaVersion, currentVersion: criteria.version },
        );
      const checked = checkAnswers(criteria.questions, body.answers, '9999-12-31');
      if (checked.problems.length > 0)
        throw new AppError('ASSESSMENT_INVALID', 400, {
          questionIds: [...new Set(checked.problems.map((p) => p.questionId))],
          problems: checked.problems,
        });
      const { score, level } = scoreAssessment(criteria, checked.answers);
      const now = new Date();
      const validUntil = new Date(now.getTime() + criteria.validDays * DAY);
      return db.transaction().execute(async (trx) => {
        const row = await repo.insertAssessment(trx, {
          enterprise_id: id,
          criteria_version: criteria.version,
          answers: checked.answers,
          score,
          level,
          valid_until: validUntil,
          actor_type: actor.kind,
          actor_id: actorId(actor),
        });
        if (e.reassess_required_at) await repo.clearReassessment(trx, id);
        await ctx.audit.append(trx, {
          actor: actor.kind === 'system' ? null : actor,
          action: 'enterprises.assess',
          resourceType: 'enterprise',
          resourceId: id,
          unitCode: e.unit_code,
          details: { level, score },
        });
        return {
          id: row.id,
          score,
          level,
          validUntil: validUntil.toISOString(),
          criteriaVersion: criteria.version,
          createdAt: row.created_at.toISOString(),
        };
      });
    },

    /**
     * Oversight staff give an enterprise to another owner — the account holder of `phone`, who must have signed in to
     * the app once — or take it from its owner (`phone: null`; the staff keep it): a tax code registered by someone
     * who is not the enterprise is given back to it. The new owner sees the enterprise, its assessments and its
     * member list from then on, the old one no longer. Audited with both; the new owner is told by SMS.
     */
    async setOwner(actor: Actor, id: string, body: { phone: string | null }) {
      const e = await loadEnterprise(actor, id, 'enterprises.inspect');
      let owner: string | null = null;
      let ownerPhone: string | null = null;
      if (body.phone !== null) {
        ownerPhone = normalizePhone(body.phone.trim());
        if (!ownerPhone) throw new AppError('INVALID_PHONE', 400);
        owner = (await people.accountHolder(ownerPhone)) ?? null;
        if (!owner) throw new AppError('ENTERPRISE_OWNER_NO_ACCOUNT', 404);
      }
      await db.transaction().execute(async (trx) => {
        await repo.setEnterpriseOwner(trx, id, owner);
        if (ownerPhone && owner !== e.owner_person_id)
          await ctx.notifier.enqueue(trx, {
            channel: 'sms',
            to: ownerPhone,
            text: smsText(`Truyvet: ban da duoc giao quan ly doanh nghiep ${e.name} tren ung dung.`),
          });
        await ctx.audit.append(trx, {
          actor: actor.kind === 'system' ? null : actor,
          action: 'enterprises.owner',
          resourceType: 'enterprise',
          resourceId: id,
          unitCode: e.unit_code,
          details: {
            personIds: [e.owner_person_id, owner].filter((p): p is string => p !== null),
            from: e.owner_person_id,
            to: owner,
          },
        });
      });
    },

    /** Records an inspection with findings; `requireReassessment` stops operation until a new assessment. */
    async inspect(
      actor: Actor,
      id: string,
      body: { findings: string; passed: boolean; requireReassessment?: boolean | undefined },
    ) {
      const e = await loadEnterprise(actor, id, 'enterprises.inspect');
      const require = body.requireReassessment ?? !body.passed;
      return db.transaction().execute(async (trx) => {
        const row = await repo.insertInspection(trx, {
          enterprise_id: id,
          inspector_id: actorId(actor),
          findings: body.findings.trim(),
          passed: body.passed,
          require_reassessment: require,
        });
        if (require) {
          await repo.requireReassessment(trx, id, new Date());
          const owner = e.owner_person_id ? await repo.subjectById(e.owner_person_id, trx) : undefined;
          if (owner?.phone)
            await ctx.notifier.enqueue(trx, {
              channel: 'sms',
              to: owner.phone,
              text: smsText(
                `Truyvet: doanh nghiệp ${e.name} cần tự đánh giá lại nguy cơ COVID-19 trước khi tiếp tục hoạt động.`,
              ),
            });
        }
        await ctx.audit.append(trx, {
          actor: actor.kind === 'system' ? null : actor,
          action: 'enterprises.inspect',
          resourceType: 'enterprise',
          resourceId: id,
          unitCode: e.unit_code,
          details: { passed: body.passed, requireReassessment: require },
        });
        return { id: row.id };
      });
    },
  };
}

export type EnterprisesService = ReturnType<typeof enterprisesService>;
