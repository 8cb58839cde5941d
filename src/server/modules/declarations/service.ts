/**
 * Health declarations: forms as data (versioned, with a grace period for the previous version), declaring for
 * oneself, a dependant or (staff) anyone in the area, triage into ok/flagged, the follow-up task of the commune
 * health station and the message to the person, today's badge (at home, on the personal QR, at the door), venues
 * that require a declaration today, and the statistics.
 *
 * A declaration is checked completely (form version, every answer, who it is for) before anything is written; the
 * write is one transaction (declaration + badge + statistics in one statement, the task, the message, the audit row,
 * the idempotency record). "Today" is the local date in Việt Nam (UTC+7, no daylight saving): a badge is valid until
 * the next local midnight.
 */
import { randomUUID } from 'node:crypto';
import type { Actor, CitizenActor, StaffActor } from '../../platform/access.ts';
import { authorize, mayEver, narrowScope, scopeOf } from '../../platform/authorize.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { isNationalId, normalizePhone } from '../../platform/formats.ts';
import { findStored, requestHash } from '../../platform/idempotency.ts';
import { NOTIFY_SEND } from '../../platform/notify.ts';
import { localDate, smsText } from '../../platform/sms.ts';
import { doorPersonView, type PeopleService } from '../people/index.ts';
import type { DoorPerson } from '../people/schemas.ts';
import type { VenuesService } from '../venues/index.ts';
import {
  DECLARATION_TYPES,
  type DeclarationType,
  FLAG_REASONS,
  type FlagReason,
  HEALTH_TASK_STATUSES,
  type HealthTaskStatus,
} from './constants.ts';
import {
  type Answers,
  checkAnswers,
  currentShapeAnswers,
  danglingReferences,
  defaultForm,
  type Question,
  rulesFor,
  type TriageRule,
  triage,
} from './forms.ts';
import { subjectPolicy, taskPolicy, unitPolicy } from './policy.ts';
import type { DeclarationsRepo, HeldAnswer, NewDeclaration, RecordExtras } from './repo.ts';
import type {
  Badge,
  DeclarationBody,
  DeclarationResult,
  DoorDeclarations,
  FormView,
  PublishFormBody,
  StatsQuery,
  Subject,
  TaskQuery,
  TaskView,
  TodayResponse,
  UpdateTaskBody,
} from './schemas.ts';

const HOUR = 3600_000;
/** How long a process keeps the current form versions in memory (a version published elsewhere shows within it). */
export const FORM_CACHE_MS = 5_000;
const DAY = 24 * HOUR;
/** Việt Nam's offset from UTC (no daylight saving). */
const VN_OFFSET = 7 * HOUR;

/** The end of the local day of `day` (YYYY-MM-DD): the next local midnight, as an instant. */
export function endOfLocalDay(day: string): Date {
  return new Date(new Date(`${day}T00:00:00Z`).getTime() + DAY - VN_OFFSET);
}

/** The badge for a day's status (grey when nothing was declared that day). */
export function badgeFor(status: 'ok' | 'flagged' | null, day: string): Badge {
  if (!status) return { colour: 'grey', validUntil: null };
  return { colour: status === 'flagged' ? 'yellow' : 'green', validUntil: endOfLocalDay(day).toISOString() };
}

/**
 * The commune a unit path belongs to: its last segment that is not a hamlet (hamlet codes are `<commune>-NN`), and
 * that commune's path. Unknown place → `-` (seen only in national statistics).
 */
export function communeOf(unitPath: string | null): { code: string; path: string | null } {
  if (!unitPath) return { code: '-', path: null };
  const segments = unitPath.split('.').filter(Boolean);
  let i = segments.length - 1;
  while (i > 0 && segments[i]?.includes('-')) i--;
  return { code: segments[i] ?? '-', path: `${segments.slice(0, i + 1).join('.')}.` };
}

/**
 * The message a new follow-up task sends the person: the advice's Vietnamese words as an SMS. Checked against the
 * message topic (`notify.send`) with a phone of the right shape: the writing statement builds the message with the
 * phone on record.
 */
export function adviceMessage(advice: { vi: string }): string {
  const text = smsText(`Truyvet: ${advice.vi}`);
  if (!NOTIFY_SEND.check({ channel: 'sms', to: '+84900000000', text }))
    throw new Error('declaration message does not match notify.send');
  return text;
}

/** What a held person's declaration answers and says (an open case or quarantine order: the urgent advice). */
export function heldAnswer(): HeldAnswer {
  const advice = adviceFor(['case_or_quarantine']);
  return { adviceVi: advice.vi, adviceEn: advice.en, messageText: adviceMessage(advice) };
}

/** What to do after a flagged declaration, in both languages (the message and the answer say it). */
export function adviceFor(reasons: readonly FlagReason[]) {
  const symptom = reasons.includes('symptom') || reasons.includes('case_or_quarantine');
  return {
    vi: symptom
      ? 'Bạn có dấu hiệu cần theo dõi: ở nhà, đeo khẩu trang, hạn chế tiếp xúc. Trạm y tế xã sẽ gọi cho bạn trong vài giờ. Nếu khó thở, gọi 115.'
      : 'Bạn có yếu tố dịch tễ cần theo dõi: hạn chế tiếp xúc, tự theo dõi sức khỏe 14 ngày. Trạm y tế xã sẽ liên hệ trong 24 giờ.',
    en: symptom
      ? 'You have signs to follow up: stay home, wear a mask, avoid contact. The commune health station will call you within hours. If you are short of breath, call 115.'
      : 'You have an exposure to follow up: limit contact and watch your health for 14 days. The commune health station will contact you within 24 hours.',
  };
}

interface FormRow {
  type: DeclarationType;
  version: number;
  questions: unknown;
  rules: unknown;
  grace_hours: number;
  published_at: Date;
}

const toFormView = (r: FormRow): FormView => ({
  type: r.type,
  version: r.version,
  questions: r.questions as FormView['questions'],
  rules: r.rules as FormView['rules'],
  graceHours: r.grace_hours,
  publishedAt: r.published_at.toISOString(),
});

/** Who a declaration is for, resolved and authorized (the writing statement reads the rest of them itself). */
interface ResolvedSubject {
  id: string;
}

/** How a declaration arrived: the partner (its id) when through the partner API. */
export interface DeclareVia {
  partnerId?: string;
  /** the phone a partner declares for (part of what its idempotency key names) */
  phone?: string;
}

export interface DeclarationsServiceDeps {
  repo: DeclarationsRepo;
  people: PeopleService;
  venues: VenuesService;
}

export function declarationsService(ctx: PlatformContext, deps: DeclarationsServiceDeps) {
  const { repo, people, venues } = deps;
  const db = ctx.db;

  /**
   * The newest two versions of each form type, kept in memory for FORM_CACHE_MS (every declaration reads them):
   * publishing in this process replaces them at once; another API process sees a new version within that time.
   */
  const formCache = new Map<DeclarationType, { rows: FormRow[]; until: number }>();
  async function latestForms(type: DeclarationType): Promise<FormRow[]> {
    const cached = formCache.get(type);
    if (cached && cached.until > Date.now()) return cached.rows;
    const rows = await loadLatestForms(type);
    formCache.set(type, { rows, until: Date.now() + FORM_CACHE_MS });
    return rows;
  }

  /** The newest two versions of a form (publishing version 1 of the default when the type has none yet). */
  async function loadLatestForms(type: DeclarationType): Promise<FormRow[]> {
    const rows = await repo.latestForms(type);
    if (rows.length > 0) return rows;
    const d = defaultForm(type);
    await repo.insertForm(db, {
      type,
      version: 1,
      questions: d.questions,
      rules: d.rules,
      grace_hours: 48,
      published_by: null,
    });
    return repo.latestForms(type);
  }

  /**
   * The form an answer set is for: the current version, or the one just before it (the previous version) while the
   * current one is younger than its grace period. Any older version is outdated whatever its own successor's grace
   * said (only the version the current one replaced is still accepted): DECLARATION_FORM_OUTDATED, as for the
   * previous version after the grace period; DECLARATION_FORM_NOT_FOUND for a version never published.
   */
  async function formFor(type: DeclarationType, version: number | undefined, now: Date): Promise<FormRow> {
    const [current, previous] = await latestForms(type);
    if (!current) throw new AppError('DECLARATION_FORM_NOT_FOUND', 400);
    if (version === undefined || version === current.version) return current;
    if (version > current.version) throw new AppError('DECLARATION_FORM_NOT_FOUND', 400, { version });
    const outdated = () =>
      new AppError(
        'DECLARATION_FORM_OUTDATED',
        400,
        { version, currentVersion: current.version },
        { version, currentVersion: current.version },
      );
    if (previous && previous.version === version) {
      if (now.getTime() > current.published_at.getTime() + current.grace_hours * HOUR) throw outdated();
      return previous;
    }
    // older than the previous version: outdated if it was ever published
    const [older] = await repo.findForm(type, version);
    if (!older || older.version !== version) throw new AppError('DECLARATION_FORM_NOT_FOUND', 400, { version });
    throw outdated();
  }

  /** Answers checked against the form (and `unit` answers against the unit tree): 400 DECLARATION_INVALID. */
  async function checkedAnswers(form: FormRow, answers: Answers, today: string): Promise<Answers> {
    const questions = form.questions as Question[];
    const checked = checkAnswers(questions, answers, today);
    if (checked.problems.length === 0) {
      const unitIds = questions
        .filter((q) => q.kind === 'unit' && checked.answers[q.id] !== undefined)
        .map((q) => q.id);
      const codes = unitIds.map((id) => String(checked.answers[id]));
      const known = new Set(await repo.existingUnitCodes(codes));
      for (const id of unitIds)
        if (!known.has(String(checked.answers[id]))) checked.problems.push({ questionId: id, problem: 'type' });
    }
    if (checked.problems.length > 0) {
      throw new AppError('DECLARATION_INVALID', 400, {
        questionIds: [...new Set(checked.problems.map((p) => p.questionId))],
        problems: checked.problems,
      });
    }
    return checked.answers;
  }

  /** The unit a staff member registers a new person in: their first grant that may declare, with a unit. */
  function staffUnit(actor: StaffActor): string {
    const grant = actor.grants.find(
      (g) => g.unitCode && (g.role === 'admin' || g.role === 'health_worker' || g.role === 'hotline_operator'),
    );
    if (!grant?.unitCode) throw new AppError('UNIT_NOT_FOUND', 400, { field: 'subject' });
    return grant.unitCode;
  }

  /** Who the declaration is for (see DeclarationBody.subject), authorized: 404 PERSON_NOT_FOUND when out of reach. */
  async function resolveSubject(actor: Actor, subject: Subject | undefined): Promise<ResolvedSubject> {
    if (!mayEver(subjectPolicy, actor, 'declarations.create')) throw new AppError('FORBIDDEN', 403);
    let personId: string;
    if (!subject) {
      if (actor.kind !== 'citizen') throw new AppError('VALIDATION_FAILED', 400, { field: 'subject' });
      personId = actor.personId;
    } else if ('personId' in subject) {
      personId = subject.personId;
    } else {
      // a citizen names only a dependant, by id: never someone by national ID or phone
      if (actor.kind !== 'staff') throw new AppError('PERSON_NOT_FOUND', 404);
      const nationalId = 'nationalId' in subject ? subject.nationalId.trim() : undefined;
      if (nationalId !== undefined && !isNationalId(nationalId)) throw new AppError('INVALID_NATIONAL_ID', 400);
      const phone = 'phone' in subject ? normalizePhone(subject.phone) : undefined;
      if ('phone' in subject && !phone) throw new AppError('INVALID_PHONE', 400);
      const found = await people.findOrRegister(
        actor,
        { nationalId, phone: phone ?? undefined, name: subject.name },
        staffUnit(actor),
        { via: 'declaration' },
      );
      personId = found.id;
    }
    const row = await repo.subjectById(personId);
    const guardian =
      actor.kind === 'citizen' && row && row.id !== actor.personId && (await repo.isGuardian(actor.personId, row.id));
    authorize(
      subjectPolicy,
      actor,
      'declarations.create',
      row && {
        personId: row.id,
        unitPath: row.unit_path,
        guardianIds: guardian ? [(actor as CitizenActor).personId] : [],
      },
    );
    if (!row) throw new AppError('PERSON_NOT_FOUND', 404);
    return { id: row.id };
  }

  const actorKey = (actor: Actor, via: DeclareVia) =>
    via.partnerId
      ? `partner:${via.partnerId}`
      : actor.kind === 'staff'
        ? `staff:${actor.userId}`
        : actor.kind === 'citizen'
          ? `citizen:${actor.personId}`
          : `system:${actor.name}`;

  /**
   * Records a declaration (see the file comment). `subject` is already resolved for the partner API (a phone it
   * verified); otherwise it comes from the body. Same `Idempotency-Key` again → 200 with the first answer.
   */
  async function declare(
    actor: Actor,
    body: DeclarationBody,
    idempotencyKey: string | undefined,
    via: DeclareVia & { subject?: () => Promise<ResolvedSubject> } = {},
  ): Promise<{ status: number; body: DeclarationResult; replayed: boolean }> {
    const scope = `declarations:${actorKey(actor, via)}`;
    const hash = requestHash('POST /declarations', via.phone ? { ...body, phone: via.phone } : body);
    const now = new Date();
    const today = localDate(now);
    let form: FormRow;
    let answers: Answers;
    // who it is for: a citizen declaring for themself (most declarations) is looked up by the writing statement
    // itself (who they are, where they live, whether they are held today); anyone else is resolved and authorized here
    let subject: ResolvedSubject | undefined;
    const stored = async (err: unknown) => {
      // a retry of an accepted request gets its answer even when it no longer validates (a form replaced since)
      if (idempotencyKey && err instanceof AppError) {
        const found = await findStored<DeclarationResult>(db, scope, idempotencyKey, hash);
        if (found) return { ...found, replayed: true };
      }
      throw err;
    };
    try {
      form = await formFor(body.type, body.formVersion, now);
      answers = await checkedAnswers(form, body.answers, today);
      if (via.subject || body.subject || actor.kind !== 'citizen')
        subject = via.subject ? await via.subject() : await resolveSubject(actor, body.subject);
    } catch (err) {
      return stored(err);
    }
    const personId = subject?.id ?? (actor as CitizenActor).personId;
    const reasons = triage(form.rules as TriageRule[], answers);
    const ordered = FLAG_REASONS.filter((r) => reasons.includes(r));
    const status = ordered.length > 0 ? 'flagged' : 'ok';
    const id = randomUUID();
    // the answer by the answers alone; the statement turns it to flagged (case_or_quarantine, the held advice) when the
    // person has an open case or quarantine order today, and decides the badge colour (the day's worst status)
    const result: DeclarationResult = {
      id,
      personId,
      status,
      reasons: ordered,
      badge: badgeFor(status, today),
    };
    let taskDue: Date | null = null;
    let messageText: string | null = null;
    if (status === 'flagged') {
      const advice = adviceFor(ordered);
      result.adviceVi = advice.vi;
      result.adviceEn = advice.en;
      // a task at the person's commune (unless one is open), due in 4 h for symptoms, 24 h otherwise; the message
      // to the person (to the phone on record) goes with a new task only
      const urgent = ordered.includes('symptom') || ordered.includes('case_or_quarantine');
      taskDue = new Date(now.getTime() + (urgent ? 4 : 24) * HOUR);
      messageText = adviceMessage(advice);
    }
    const row: NewDeclaration = {
      personId,
      type: body.type,
      formVersion: form.version,
      answers,
      status,
      reasons: ordered,
      via: via.partnerId ? 'partner' : actor.kind === 'staff' ? 'staff' : 'app',
      actorType: via.partnerId ? 'partner' : actor.kind,
      actorId:
        via.partnerId ??
        (actor.kind === 'staff' ? actor.userId : actor.kind === 'citizen' ? actor.personId : actor.name),
      partnerId: via.partnerId ?? null,
      day: today,
    };
    const extras: RecordExtras = {
      scope,
      key: idempotencyKey ?? null,
      hash,
      id,
      response: result,
      taskDue,
      heldDue: new Date(now.getTime() + 4 * HOUR),
      messageText,
    };
    // one statement; staff and partner declarations are audited in the same transaction
    const out =
      actor.kind === 'staff' || via.partnerId
        ? await db.transaction().execute(async (trx) => {
            const r = await repo.recordDeclaration(trx, row, extras);
            if (r.outcome === 'written')
              await ctx.audit.append(trx, {
                actor: actor.kind === 'system' ? null : actor,
                action: 'declarations.create',
                resourceType: 'person',
                resourceId: personId,
                unitCode: r.unitCode,
                details: {
                  declarationId: id,
                  status: (r.response as DeclarationResult).status,
                  ...(via.partnerId ? { partnerId: via.partnerId } : {}),
                },
              });
            return r;
          })
        : await repo.queueDeclaration(row, extras);
    if (out.outcome === 'missing') return stored(new AppError('PERSON_NOT_FOUND', 404));
    // the job worker is woken only when this declaration queued its message (a new task with a phone to tell)
    if (out.messaged) ctx.jobs.wake();
    if (out.outcome === 'reused') throw new AppError('IDEMPOTENCY_KEY_REUSED', 422);
    return {
      status: out.outcome === 'written' ? 201 : 200,
      body: out.response as DeclarationResult,
      replayed: out.outcome === 'stored',
    };
  }

  /** The person a citizen asks about: themself or one of their dependants (404 otherwise). */
  async function ownPerson(actor: CitizenActor, personId: string | undefined): Promise<string> {
    if (!personId || personId === actor.personId) return actor.personId;
    const row = await repo.subjectById(personId);
    const guardian = row ? await repo.isGuardian(actor.personId, row.id) : false;
    authorize(
      subjectPolicy,
      actor,
      'declarations.read',
      row && { personId: row.id, unitPath: row.unit_path, guardianIds: guardian ? [actor.personId] : [] },
    );
    return personId;
  }

  function toTaskView(t: {
    id: string;
    person_id: string;
    person_name: string;
    phone: string | null;
    unit_code: string | null;
    reason: string;
    reasons: string[];
    status: HealthTaskStatus;
    assigned_to: string | null;
    notes: unknown;
    due_at: Date;
    created_at: Date;
    declaration_id: string;
  }): TaskView {
    return {
      id: t.id,
      personId: t.person_id,
      personName: t.person_name,
      phone: t.phone,
      unitCode: t.unit_code,
      reason: t.reason as FlagReason,
      reasons: t.reasons as FlagReason[],
      status: t.status,
      assignedTo: t.assigned_to,
      notes: t.notes as TaskView['notes'],
      dueAt: t.due_at.toISOString(),
      createdAt: t.created_at.toISOString(),
      declarationId: t.declaration_id,
    };
  }

  /** The actor's scope for `action`, narrowed to a unit they named (404 UNIT_NOT_FOUND unknown or out of reach). */
  async function scopeIn(actor: Actor, action: 'declarations.tasks' | 'declarations.stats', unitCode?: string) {
    const scope = scopeOf(taskPolicy, actor, action);
    if (!unitCode) return scope;
    const unit = await repo.unitByCode(unitCode);
    authorize(unitPolicy, actor, action, unit && { unitPath: unit.path });
    return narrowScope(scope, (unit as { path: string }).path);
  }

  /**
   * What the door shows with a replayed check-in (`DoorDeclarationCheck`): the person's badge of the day, and for a
   * personal QR who the person is as the actor may see them — one statement of primary-key reads, shared with the
   * other requests of the event-loop turn. A live scan is decided by the check-in's own statement
   * (`checkins_ingest`, which refuses it 403 DECLARATION_REQUIRED where the venue's rule says so).
   */
  async function atDoor(
    actor: Actor,
    venueId: string,
    personId: string,
    at: Date,
    opts: { person: boolean },
  ): Promise<{ badge: Badge; person?: DoorPerson | undefined }> {
    const day = localDate(at);
    const { status, person } = await repo.doorCheck(venueId, personId, day, opts.person);
    return { badge: badgeFor(status, day), ...(person ? { person: doorPersonView(actor, person) } : {}) };
  }

  return {
    declare,
    formFor,
    /** Drops the cached form versions (tests that change a form's rows behind the service's back). */
    forgetForms: () => formCache.clear(),

    /** The current form of a type (public: people read it before signing in, partners before declaring). */
    async currentForm(type: DeclarationType): Promise<FormView> {
      const [current] = await latestForms(type);
      if (!current) throw new AppError('DECLARATION_FORM_NOT_FOUND', 404);
      return toFormView(current);
    },

    /**
     * Publishes a new version of a form (admins); served at once, the previous version accepted for `graceHours`.
     * Without `rules`, the version keeps the current version's rules for the questions it still has.
     */
    async publishForm(actor: Actor, type: DeclarationType, body: PublishFormBody): Promise<FormView> {
      scopeOf(unitPolicy, actor, 'declarations.configure');
      const ids = body.questions.map((q) => q.id);
      const dangling = danglingReferences(body.questions as Question[], (body.rules ?? []) as TriageRule[]);
      const badChoice = body.questions.filter(
        (q) => (q.kind === 'choice' || q.kind === 'multi') && (q.options ?? []).length === 0,
      );
      if (new Set(ids).size !== ids.length || dangling.length > 0 || badChoice.length > 0)
        throw new AppError('DECLARATION_FORM_INVALID', 400, {
          questionIds: [...dangling, ...badChoice.map((q) => q.id)],
        });
      await latestForms(type);
      const view = await db.transaction().execute(async (trx) => {
        const [current] = await repo.latestForms(type, trx);
        const rules = body.rules ?? rulesFor(body.questions as Question[], (current?.rules ?? []) as TriageRule[]);
        const row = await repo.insertForm(trx, {
          type,
          version: (current?.version ?? 0) + 1,
          questions: body.questions,
          rules,
          grace_hours: body.graceHours ?? 48,
          published_by: actor.kind === 'staff' ? actor.userId : null,
        });
        if (!row) throw new AppError('ALREADY_EXISTS', 409);
        await ctx.audit.append(trx, {
          actor: actor.kind === 'system' ? null : actor,
          action: 'declarations.publishForm',
          resourceType: 'declaration_form',
          resourceId: `${type}:${row.version}`,
        });
        return toFormView(row);
      });
      // served at once (here; other processes within FORM_CACHE_MS)
      formCache.delete(type);
      return view;
    },

    /** Today's status and badge of the citizen or one of their dependants. */
    async today(actor: CitizenActor, personId?: string): Promise<TodayResponse> {
      const id = await ownPerson(actor, personId);
      const day = localDate(new Date());
      const row = await repo.badge(id, day);
      if (!row) return { declared: false, badge: badgeFor(null, day) };
      return { declared: true, status: row.status, badge: badgeFor(row.status, day) };
    },

    /** The last answers of the citizen or a dependant for a form type (the form is pre-filled with them). */
    async last(actor: CitizenActor, type: DeclarationType, personId?: string) {
      const id = await ownPerson(actor, personId);
      const row = await repo.lastDeclaration(id, type);
      return {
        // in the shape of today's questions (an entry declaration from before the `vehicle` kind was dropped)
        answers: row ? currentShapeAnswers(row.answers as Answers) : null,
        formVersion: row?.form_version ?? null,
        declaredAt: row?.declared_at.toISOString() ?? null,
      };
    },

    async history(actor: CitizenActor, personId?: string) {
      const id = await ownPerson(actor, personId);
      const rows = await repo.history(id, 60);
      return {
        items: rows.map((r) => ({
          id: r.id,
          type: r.type,
          status: r.status,
          reasons: r.reasons,
          declaredAt: r.declared_at.toISOString(),
          via: r.via,
        })),
      };
    },

    atDoor,

    /** What check-ins take: the look-up of a replayed check-in, and the badge of a status a check-in read itself. */
    door: { check: atDoor, badge: badgeFor } satisfies DoorDeclarations,

    /** Whether a venue requires a declaration today (its managers and door staff). */
    async venueRule(actor: Actor, venueId: string) {
      await venues.loadAuthorized(actor, venueId, 'venues.read');
      return { venueId, required: (await repo.venueRule(venueId))?.require_today ?? false };
    },

    async setVenueRule(actor: Actor, venueId: string, required: boolean) {
      const entry = await venues.loadAuthorized(actor, venueId, 'venues.manage');
      const by = actor.kind === 'staff' ? actor.userId : actor.kind === 'citizen' ? actor.personId : actor.name;
      await repo.setVenueRule(venueId, required, by);
      await ctx.audit.record({
        actor: actor.kind === 'system' ? null : actor,
        action: 'declarations.venueRule',
        resourceType: 'venue',
        resourceId: venueId,
        unitCode: entry.venue.unit_code,
        details: { required },
      });
      return { venueId, required };
    },

    /** The follow-up tasks in the health worker's area (`unitCode` narrows it), soonest due first; audited. */
    async tasks(actor: Actor, query: TaskQuery): Promise<{ items: TaskView[] }> {
      const scope = await scopeIn(actor, 'declarations.tasks', query.unitCode);
      const rows = await repo.listTasks(scope, { status: query.status ?? 'open', limit: query.limit ?? 200 });
      if (actor.kind === 'staff') {
        await ctx.audit.record({
          actor,
          action: 'declarations.tasks',
          details: { count: rows.length, personIds: rows.map((r) => r.person_id) },
        });
      }
      return { items: rows.map(toTaskView) };
    },

    /** Moves a task forward (new → called → tested → closed; a note alone keeps its status); audited. */
    async updateTask(actor: Actor, id: string, body: UpdateTaskBody): Promise<TaskView> {
      const found = await repo.findTask(id);
      authorize(taskPolicy, actor, 'declarations.tasks', found && { unitPath: found.unit_path });
      if (!found) throw new AppError('HEALTH_TASK_NOT_FOUND', 404);
      const task = found;
      const by = actor.kind === 'staff' ? actor.displayName || actor.username : 'system';
      const from = HEALTH_TASK_STATUSES.indexOf(task.status);
      const to = HEALTH_TASK_STATUSES.indexOf(body.status);
      if (task.status === 'closed' || to < from)
        throw new AppError('HEALTH_TASK_TRANSITION', 409, undefined, { from: task.status, to: body.status });
      return db.transaction().execute(async (trx) => {
        const locked = await repo.lockTask(trx, id);
        if (locked?.status !== task.status)
          throw new AppError('HEALTH_TASK_TRANSITION', 409, undefined, {
            from: locked?.status ?? '-',
            to: body.status,
          });
        const notes = [
          ...(task.notes as TaskView['notes']),
          { at: new Date().toISOString(), by, status: body.status, ...(body.note ? { text: body.note } : {}) },
        ];
        const assigned = body.assignedTo ?? task.assigned_to ?? by;
        await repo.updateTask(trx, id, {
          status: body.status,
          assigned_to: assigned,
          notes,
          closed_at: body.status === 'closed' ? new Date() : null,
        });
        await ctx.audit.append(trx, {
          actor: actor.kind === 'system' ? null : actor,
          action: 'declarations.updateTask',
          resourceType: 'person',
          resourceId: task.person_id,
          unitCode: task.unit_code,
          details: { taskId: id, status: body.status },
        });
        return toTaskView({ ...task, status: body.status, assigned_to: assigned, notes });
      });
    },

    /**
     * Declarations per day and commune (with the share of residents declaring), flagged by reason, open tasks by
     * age: read from the daily statistics the writes maintain, never from the declarations themselves.
     */
    async stats(actor: Actor, query: StatsQuery) {
      const scope = await scopeIn(actor, 'declarations.stats', query.unitCode);
      const to = query.to ?? localDate(new Date());
      const from = query.from ?? localDate(new Date(new Date(`${to}T00:00:00Z`).getTime() - 13 * DAY));
      if (from > to) throw new AppError('VALIDATION_FAILED', 400, { field: 'from', reason: 'after to' });
      const [rows, residents, tasks] = await Promise.all([
        repo.statsRows(scope, from, to),
        people.residentsByUnit(scope),
        repo.tasksOpenByAge(scope, new Date()),
      ]);
      const perCommune = new Map<string, number>();
      for (const r of residents) {
        const c = communeOf(r.path).code;
        perCommune.set(c, (perCommune.get(c) ?? 0) + r.n);
      }
      const out = rows.map((r) => ({
        day: r.day,
        communeCode: r.commune_code,
        communeName: r.commune_name ?? r.commune_code,
        declarations: r.declarations,
        people: r.people,
        residents: perCommune.get(r.commune_code) ?? 0,
        flagged: r.flagged,
        symptom: r.symptom,
        exposure: r.exposure,
        entryArea: r.entry_area,
        caseOrQuarantine: r.case_or_quarantine,
      }));
      const sum = (
        k: 'declarations' | 'people' | 'flagged' | 'symptom' | 'exposure' | 'entryArea' | 'caseOrQuarantine',
      ) => out.reduce((n, r) => n + r[k], 0);
      return {
        from,
        to,
        rows: out,
        totals: {
          declarations: sum('declarations'),
          people: sum('people'),
          residents: [...perCommune.values()].reduce((a, b) => a + b, 0),
          flagged: sum('flagged'),
          byReason: {
            symptom: sum('symptom'),
            exposure: sum('exposure'),
            entry_area: sum('entryArea'),
            case_or_quarantine: sum('caseOrQuarantine'),
          },
        },
        tasksOpenByAge: tasks,
      };
    },
  };
}

export type DeclarationsService = ReturnType<typeof declarationsService>;

export { DECLARATION_TYPES };
