/**
 * Kysely queries of the declarations module: its own tables, plus the declared reads (people: a subject's unit,
 * name and phone, the person a door scanned; dependants: whether a citizen is someone's guardian; admin_units: paths and names). Lists of
 * personal data take an AccessScope and apply it with `scoped`.
 *
 * Declarations are written by one SQL function (db/functions/declarations_record.sql, `recordDeclaration` for one in
 * the caller's transaction, the batch writer `queueDeclaration` for many): the idempotency check, the rows, the day's
 * badge (the worst status of the day), the commune's daily statistics (a few rows per commune and day, summed when
 * read), the follow-up task and its message, the key's record — one statement per table for a whole batch — so
 * statistics never scan declarations, the badge look-up at the door is one primary-key read, and a batch of
 * declarations costs one round trip to write.
 */
import DataLoader from 'dataloader';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB, DeclarationStatus, EnterpriseLevel, HealthTaskStatus } from '../../db/types.ts';
import { type AccessScope, scoped } from '../../platform/authorize.ts';
import type { DeclarationType, FlagReason } from './constants.ts';

type Q = Kysely<DB> | Transaction<DB>;

/** The door's look-up (`doorCheck`): the venue's rule, the person's status of the day, and the person when asked. */
export interface DoorCheckRow {
  required: boolean;
  status: DeclarationStatus | null;
  /** the person's row as the people module's `doorPersonView` takes it */
  person?:
    | { id: string; name: string; birth_year: number | null; birth_date: string | null; unit_path: string | null }
    | undefined;
}

/**
 * A declaration to write. Where the person lives (unit, commune) and whether the cases module holds them today are
 * read by the writing statement itself (`recordMany`); `status` and `reasons` are the answers' triage, which a held
 * person's statement turns to flagged with `case_or_quarantine` added.
 */
export interface NewDeclaration {
  personId: string;
  type: DeclarationType;
  formVersion: number;
  answers: Record<string, unknown>;
  status: DeclarationStatus;
  reasons: FlagReason[];
  via: 'app' | 'staff' | 'partner';
  actorType: string;
  actorId: string;
  partnerId: string | null;
  day: string;
}

/** What `declarations_record` writes besides the declaration: the idempotency record, the answer, the follow-up. */
export interface RecordExtras {
  scope: string;
  key: string | null;
  hash: string;
  id: string;
  /** the answer to give and store (for the triage's status); its badge colour is decided in SQL */
  response: unknown;
  /** when the follow-up task of a flagged declaration is due (null: not flagged by its answers) */
  taskDue: Date | null;
  /** when it is due if the person turns out to be held today (flagged whatever the answers: urgent) */
  heldDue: Date;
  /** the text of the message a new task sends the person (by SMS, to the phone on record; null: none) */
  messageText: string | null;
}

/**
 * What a held person's declaration answers and says instead (repo deps): the advice in both languages and the
 * message's text. The service's texts, checked against the message topic there.
 */
export interface HeldAnswer {
  adviceVi: string;
  adviceEn: string;
  messageText: string;
}

/** The most declarations one batch of the serial writer carries. */
const RECORD_BATCH = 256;
/**
 * Batches in flight at once (each on its own connection): see `writeNext`. Two were measured against one on the quiet
 * machine (bench/README): smaller batches, more CPU per declaration (0.58 vs 0.46 ms) and fewer per second — one.
 */
const WRITERS = 1;

interface Waiting {
  row: NewDeclaration;
  x: RecordExtras;
  resolve: (r: Recorded) => void;
  reject: (e: unknown) => void;
}

const itemOf = (d: NewDeclaration, x: RecordExtras, shard: number | null = null) => ({
  scope: x.scope,
  key: x.key,
  hash: x.hash,
  id: x.id,
  person: d.personId,
  type: d.type,
  form_version: d.formVersion,
  answers: d.answers,
  status: d.status,
  reasons: d.reasons,
  via: d.via,
  actor_type: d.actorType,
  actor_id: d.actorId,
  partner: d.partnerId,
  day: d.day,
  response: x.response,
  task_due: x.taskDue?.toISOString() ?? null,
  held_due: x.heldDue.toISOString(),
  message_text: x.messageText,
  shard,
});

/**
 * One item's outcome: 'missing' when its person is not on record (nothing written); `messaged`: its message job was
 * queued (the job worker has something to send); `unitCode`: the person's unit the declaration was placed in.
 */
export type Recorded = {
  i: number;
  outcome: 'written' | 'stored' | 'reused' | 'missing';
  response: unknown;
  messaged: boolean;
  unitCode: string | null;
};

/** The statistics row a batch adds to (a lone declaration's is hash(person) % 8: db/functions/declarations_record.sql). */
const batchShard = () => 8 + Math.floor(Math.random() * 56);

/** What the repo is given by index.ts: what a held person's declaration answers and says (the service's texts). */
export interface DeclarationsRepoDeps {
  held: HeldAnswer;
}

export function declarationsRepo(db: Kysely<DB>, deps: DeclarationsRepoDeps) {
  const { held } = deps;
  /**
   * Writes declarations (one or many) by the SQL function db/functions/declarations_record.sql, which also reads who
   * each is for (unit, phone, commune; whether the cases module holds them today — a held person's declaration is
   * flagged with `held`'s advice and message): one row per item, in order; an item whose person is not on record is
   * 'missing' and nothing of it is written. Before session 17 a look-up statement of its own answered who a
   * declaring citizen was: a round trip more per request.
   */
  const heldJson = JSON.stringify(held);
  const recordMany = async (q: Q, items: ReturnType<typeof itemOf>[]): Promise<Recorded[]> =>
    (
      await sql<Recorded>`
        select i, outcome, response, messaged, unit_code as "unitCode"
        from declarations_record_many(${JSON.stringify(items)}::jsonb, ${heldJson}::jsonb)`.execute(q)
    ).rows;

  // The batch writer of declarations that need no audit row (citizens declaring for themselves and their
  // dependants): up to WRITERS batches in flight (one today), each on its own connection; whatever arrives meanwhile
  // goes in the next one, written by one call and one commit (declarations_record_many). A lone declaration goes at
  // once, alone; under load the batches grow and the commits per declaration fall. A batch adds to one statistics row
  // per commune and day, a shard drawn for it from 8–63 (batches of other processes, or in flight together, rarely
  // meet there), and locks the rows batches may share (one person's badge of the day) in one order. When a batch fails (a person deleted
  // meanwhile, a deadlock with another process's transaction), nothing of it was written: its items are then recorded
  // one by one, each in its own call, so only the failing one fails.
  const waiting: Waiting[] = [];
  let inFlight = 0;
  const one = (w: Waiting) =>
    recordMany(db, [itemOf(w.row, w.x)]).then((rows) => {
      const row = rows[0];
      if (row) w.resolve(row);
      else w.reject(new Error('declarations_record_many answered nothing'));
    }, w.reject);
  const writeNext = async (): Promise<void> => {
    if (inFlight >= WRITERS || waiting.length === 0) return;
    inFlight++;
    const batch = waiting.splice(0, RECORD_BATCH);
    const shard = batchShard();
    try {
      const rows = await recordMany(
        db,
        batch.map((w) => itemOf(w.row, w.x, shard)),
      );
      const byIndex = new Map(rows.map((r) => [Number(r.i), r]));
      for (const [n, w] of batch.entries()) {
        const r = byIndex.get(n + 1);
        if (r) w.resolve(r);
        else w.reject(new Error('declarations_record_many skipped an item'));
      }
    } catch (err) {
      if (batch.length === 1) (batch[0] as Waiting).reject(err);
      else for (const w of batch) await one(w);
    } finally {
      inFlight--;
      void writeNext();
    }
  };

  // An idle writer starts at the end of the event-loop turn, not on the first declaration queued: the requests whose
  // look-ups one statement answered reach the writer one after another in the same turn, and go in one batch, not the
  // first alone and the others a whole write later. A busy writer takes what waits as soon as its batch commits.
  let startScheduled = false;
  const startSoon = () => {
    if (startScheduled || inFlight >= WRITERS) return;
    startScheduled = true;
    setImmediate(() => {
      startScheduled = false;
      void writeNext();
    });
  };

  // The door's look-ups of the requests parsed in one event-loop turn, in one statement (`declaration_door_checks`,
  // db/functions/declaration_door_checks.sql, which a check-in's own statement reads too): the venue's rule and the
  // person's badge of the day (primary-key reads), and — for a personal QR (`withPerson`) — the person's name, birth
  // year and unit path (`people`, a declared read; what the door may see of them is the people module's
  // `doorPersonView`). Asked for a replayed check-in; a new one is decided by the check-in statement itself.
  type DoorKey = { venueId: string; personId: string; day: string; withPerson: boolean };
  const doorChecks = new DataLoader<DoorKey, DoorCheckRow, string>(
    async (keys) => {
      const { rows } = await sql<{
        i: string;
        required: boolean | null;
        status: DeclarationStatus | null;
        person_id: string | null;
        name: string | null;
        birth_year: number | null;
        birth_date: string | null;
        unit_path: string | null;
      }>`
        select d.i, d.required, d.status, d.person_id, d.name, d.birth_year, d.birth_date, d.unit_path
        from declaration_door_checks(${keys.map((k) => k.venueId)}::uuid[], ${keys.map((k) => k.personId)}::uuid[],
                                     ${keys.map((k) => k.day)}::date[], ${keys.map((k) => k.withPerson)}::boolean[]) d`.execute(
        db,
      );
      const byIndex = new Map(rows.map((r) => [Number(r.i), r]));
      return keys.map((_, n) => {
        const r = byIndex.get(n + 1);
        const person =
          r?.person_id != null && r.name !== null
            ? {
                id: r.person_id,
                name: r.name,
                birth_year: r.birth_year,
                birth_date: r.birth_date,
                unit_path: r.unit_path,
              }
            : undefined;
        return { required: r?.required === true, status: r?.status ?? null, person };
      });
    },
    {
      cache: false,
      maxBatchSize: 500,
      batchScheduleFn: (run) => setImmediate(run),
      cacheKeyFn: (k) => `${k.venueId}|${k.personId}|${k.day}|${k.withPerson}`,
    },
  );

  return {
    // ——— forms ———
    latestForms: (type: DeclarationType, q: Q = db) =>
      q
        .selectFrom('declaration_forms')
        .selectAll()
        .where('type', '=', type)
        .orderBy('version', 'desc')
        .limit(2)
        .execute(),

    findForm: (type: DeclarationType, version: number) =>
      db
        .selectFrom('declaration_forms')
        .selectAll()
        .where('type', '=', type)
        .where('version', '<=', version + 1)
        .where('version', '>=', version)
        .orderBy('version')
        .execute(),

    insertForm: (
      trx: Q,
      row: {
        type: DeclarationType;
        version: number;
        questions: unknown;
        rules: unknown;
        grace_hours: number;
        published_by: string | null;
      },
    ) =>
      trx
        .insertInto('declaration_forms')
        .values({ ...row, questions: JSON.stringify(row.questions), rules: JSON.stringify(row.rules) })
        .onConflict((oc) => oc.columns(['type', 'version']).doNothing())
        .returningAll()
        .executeTakeFirst(),

    // ——— subjects (declared reads of people, dependants, admin_units) ———
    subjectById: (personId: string, q: Q = db) =>
      q
        .selectFrom('people as p')
        .leftJoin('admin_units as u', 'u.code', 'p.unit_code')
        .select(['p.id', 'p.name', 'p.phone', 'p.unit_code', 'u.path as unit_path'])
        .where('p.id', '=', personId)
        .executeTakeFirst(),

    isGuardian: async (guardianId: string, dependantId: string) =>
      (await db
        .selectFrom('dependants')
        .select('dependant_id')
        .where('guardian_id', '=', guardianId)
        .where('dependant_id', '=', dependantId)
        .executeTakeFirst()) !== undefined,

    unitByCode: (code: string) =>
      db
        .selectFrom('admin_units')
        .select(['code', 'path', 'name', 'is_hamlet'])
        .where('code', '=', code)
        .executeTakeFirst(),

    existingUnitCodes: async (codes: string[]) =>
      codes.length === 0
        ? []
        : (await db.selectFrom('admin_units').select('code').where('code', 'in', codes).execute()).map((r) => r.code),

    // ——— declarations ———
    /**
     * The whole declaration write in one statement (see the file comment): 'stored'/'reused' for a key used before,
     * else 'written' with the answer as stored (badge colour set).
     */
    /** The same through the serial writer (declarations without an audit row): see `writeNext`. */
    queueDeclaration: (row: NewDeclaration, x: RecordExtras) =>
      new Promise<Recorded>((resolve, reject) => {
        waiting.push({ row, x, resolve, reject });
        startSoon();
      }),

    /** One declaration in the caller's transaction (staff and partners: with its audit row), a batch of one. */
    async recordDeclaration(q: Q, d: NewDeclaration, x: RecordExtras): Promise<Recorded> {
      const row = (await recordMany(q, [itemOf(d, x)]))[0];
      if (!row) throw new Error('declarations_record_many answered nothing');
      return row;
    },

    badge: (personId: string, day: string) =>
      db
        .selectFrom('declaration_badges')
        .select(['status'])
        .where('person_id', '=', personId)
        .where('day', '=', day)
        .executeTakeFirst(),

    /**
     * Whether the venue requires a declaration today, the person's status of `day` and, with `withPerson`, the person
     * (undefined for an unknown id): batched with the other requests of the turn (see above).
     */
    doorCheck: (venueId: string, personId: string, day: string, withPerson: boolean) =>
      doorChecks.load({ venueId, personId, day, withPerson }),

    venueRule: (venueId: string) =>
      db
        .selectFrom('declaration_venue_rules')
        .select('require_today')
        .where('venue_id', '=', venueId)
        .executeTakeFirst(),

    setVenueRule: (venueId: string, required: boolean, setBy: string) =>
      db
        .insertInto('declaration_venue_rules')
        .values({ venue_id: venueId, require_today: required, set_by: setBy })
        .onConflict((oc) =>
          oc.column('venue_id').doUpdateSet({ require_today: required, set_by: setBy, set_at: new Date() }),
        )
        .execute(),

    lastDeclaration: (personId: string, type: DeclarationType) =>
      db
        .selectFrom('declarations')
        .select(['answers', 'form_version', 'declared_at'])
        .where('person_id', '=', personId)
        .where('type', '=', type)
        .orderBy('declared_at', 'desc')
        .limit(1)
        .executeTakeFirst(),

    history: (personId: string, limit: number) =>
      db
        .selectFrom('declarations')
        .select(['id', 'type', 'status', 'reasons', 'declared_at', 'via'])
        .where('person_id', '=', personId)
        .orderBy('declared_at', 'desc')
        .limit(limit)
        .execute(),

    // ——— health tasks ———
    /** A flagged declaration's task; none when the person already has an open one (returns undefined then). */
    listTasks: (scope: AccessScope, opts: { status?: HealthTaskStatus | 'open' | undefined; limit: number }) => {
      let q = db
        .selectFrom('health_tasks as t')
        .innerJoin('people as p', 'p.id', 't.person_id')
        .select([
          't.id',
          't.person_id',
          'p.name as person_name',
          'p.phone',
          't.unit_code',
          't.reason',
          't.reasons',
          't.status',
          't.assigned_to',
          't.notes',
          't.due_at',
          't.created_at',
          't.declaration_id',
        ]);
      if (opts.status === 'open') q = q.where('t.status', '<>', 'closed');
      else if (opts.status) q = q.where('t.status', '=', opts.status);
      return scoped(q, scope, 't.unit_path').orderBy('t.due_at').limit(opts.limit).execute();
    },

    findTask: (id: string, q: Q = db) =>
      q
        .selectFrom('health_tasks as t')
        .innerJoin('people as p', 'p.id', 't.person_id')
        .select([
          't.id',
          't.person_id',
          'p.name as person_name',
          'p.phone',
          't.unit_code',
          't.unit_path',
          't.reason',
          't.reasons',
          't.status',
          't.assigned_to',
          't.notes',
          't.due_at',
          't.created_at',
          't.declaration_id',
        ])
        .where('t.id', '=', id)
        .executeTakeFirst(),

    lockTask: (trx: Q, id: string) =>
      trx.selectFrom('health_tasks').select(['status']).where('id', '=', id).forUpdate().executeTakeFirst(),

    updateTask: (
      trx: Q,
      id: string,
      patch: { status: HealthTaskStatus; assigned_to: string | null; notes: unknown; closed_at: Date | null },
    ) =>
      trx
        .updateTable('health_tasks')
        .set({ ...patch, notes: JSON.stringify(patch.notes), updated_at: new Date() })
        .where('id', '=', id)
        .execute(),

    tasksOpenByAge: async (scope: AccessScope, now: Date) => {
      const day = 86_400_000;
      const q = db
        .selectFrom('health_tasks')
        .select([
          sql<number>`count(*) filter (where created_at > ${new Date(now.getTime() - day)})::int`.as('under1d'),
          sql<number>`count(*) filter (where created_at <= ${new Date(now.getTime() - day)}
                                         and created_at > ${new Date(now.getTime() - 3 * day)})::int`.as('d1to3'),
          sql<number>`count(*) filter (where created_at <= ${new Date(now.getTime() - 3 * day)})::int`.as('over3d'),
        ])
        .where('status', '<>', 'closed');
      return scoped(q, scope, 'unit_path').executeTakeFirstOrThrow();
    },

    // ——— statistics ———
    statsRows: (scope: AccessScope, from: string, to: string) =>
      scoped(
        db
          .selectFrom('declaration_daily_stats as s')
          .leftJoin('admin_units as u', 'u.code', 's.commune_code')
          .select([
            sql<string>`to_char(s.day, 'YYYY-MM-DD')`.as('day'),
            's.commune_code',
            'u.name as commune_name',
            sql<number>`sum(s.declarations)::int`.as('declarations'),
            sql<number>`sum(s.people)::int`.as('people'),
            sql<number>`sum(s.flagged)::int`.as('flagged'),
            sql<number>`sum(s.symptom)::int`.as('symptom'),
            sql<number>`sum(s.exposure)::int`.as('exposure'),
            sql<number>`sum(s.entry_area)::int`.as('entry_area'),
            sql<number>`sum(s.case_or_quarantine)::int`.as('case_or_quarantine'),
          ])
          .where('s.day', '>=', from)
          .where('s.day', '<=', to)
          // a commune's day is up to 8 rows (migration 0028)
          .groupBy(['s.day', 's.commune_code', 'u.name']),
        scope,
        's.unit_path',
      )
        .orderBy('s.day')
        .orderBy('s.commune_code')
        .execute(),

    /** People registered per unit in scope (with the unit's path, rolled up to communes by the caller). */
    // ——— partners ———
    insertPartner: (row: { name: string; key_hash: string; rate_per_minute: number; created_by: string }) =>
      db.insertInto('declaration_partners').values(row).returning('id').executeTakeFirstOrThrow(),

    listPartners: () =>
      db
        .selectFrom('declaration_partners')
        .select(['id', 'name', 'rate_per_minute', 'active', 'created_at'])
        .orderBy('created_at', 'desc')
        .limit(500)
        .execute(),
    /** Stops a partner's key at once (its row stays: past declarations name it). True when it was active. */
    revokePartner: async (id: string) =>
      (
        await db
          .updateTable('declaration_partners')
          .set({ active: false })
          .where('id', '=', id)
          .where('active', '=', true)
          .executeTakeFirst()
      ).numUpdatedRows > 0n,
    partnerExists: (id: string) =>
      db.selectFrom('declaration_partners').select('id').where('id', '=', id).executeTakeFirst(),
    partnerByKeyHash: (hash: string) =>
      db
        .selectFrom('declaration_partners')
        .select(['id', 'name', 'rate_per_minute'])
        .where('key_hash', '=', hash)
        .where('active', '=', true)
        .executeTakeFirst(),

    /** The lock of a phone's codes: the hourly cap counts every partner's codes to it, so it is one lock per phone. */
    lockPhoneCodes: (trx: Q, phone: string) =>
      sql`select pg_advisory_xact_lock(7231012, hashtext(${phone}))`.execute(trx),

    codesSentSince: async (trx: Q, phone: string, since: Date) =>
      Number(
        (
          await trx
            .selectFrom('partner_phone_codes')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('phone', '=', phone)
            .where('created_at', '>', since)
            .executeTakeFirstOrThrow()
        ).n,
      ),

    insertPhoneCode: (trx: Q, row: { partner_id: string; phone: string; code_hash: string; expires_at: Date }) =>
      trx.insertInto('partner_phone_codes').values(row).execute(),

    latestPhoneCode: (trx: Q, partnerId: string, phone: string) =>
      trx
        .selectFrom('partner_phone_codes')
        .selectAll()
        .where('partner_id', '=', partnerId)
        .where('phone', '=', phone)
        .where('spent_at', 'is', null)
        .orderBy('created_at', 'desc')
        .limit(1)
        .forUpdate()
        .executeTakeFirst(),

    updatePhoneCode: (trx: Q, id: string, patch: { attempts?: number; spent_at?: Date }) =>
      trx.updateTable('partner_phone_codes').set(patch).where('id', '=', id).execute(),

    markVerified: (trx: Q, partnerId: string, phone: string) =>
      trx
        .insertInto('partner_verified_phones')
        .values({ partner_id: partnerId, phone })
        .onConflict((oc) => oc.columns(['partner_id', 'phone']).doUpdateSet({ verified_at: new Date() }))
        .execute(),

    verifiedSince: (partnerId: string, phone: string) =>
      db
        .selectFrom('partner_verified_phones')
        .select('verified_at')
        .where('partner_id', '=', partnerId)
        .where('phone', '=', phone)
        .executeTakeFirst(),

    // ——— enterprises ———
    latestCriteria: () =>
      db.selectFrom('enterprise_criteria').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst(),

    insertCriteria: (
      trx: Q,
      row: { version: number; questions: unknown; bands: unknown; valid_days: number; published_by: string | null },
    ) =>
      trx
        .insertInto('enterprise_criteria')
        .values({ ...row, questions: JSON.stringify(row.questions), bands: JSON.stringify(row.bands) })
        .onConflict((oc) => oc.column('version').doNothing())
        .execute(),

    insertEnterprise: (
      trx: Q,
      row: {
        name: string;
        tax_code: string;
        unit_code: string;
        unit_path: string;
        industrial_park: string | null;
        address: string | null;
        workers: number;
        shifts: number;
        owner_person_id: string | null;
        created_by: string;
      },
    ) =>
      trx
        .insertInto('enterprises')
        .values(row)
        .onConflict((oc) => oc.column('tax_code').doNothing())
        .returning('id')
        .executeTakeFirst(),

    findEnterprise: (id: string, q: Q = db) =>
      q.selectFrom('enterprises').selectAll().where('id', '=', id).executeTakeFirst(),

    /** Enterprises with their latest assessment; `owner` = a citizen's own, else the scope's. */
    listEnterprises: (scope: AccessScope, opts: { owner?: string; pathPrefix?: string }) => {
      let q = db
        .selectFrom('enterprises as e')
        .leftJoinLateral(
          (eb) =>
            eb
              .selectFrom('enterprise_assessments as a')
              .select(['a.score', 'a.level', 'a.valid_until', 'a.created_at as assessed_at'])
              .whereRef('a.enterprise_id', '=', 'e.id')
              .orderBy('a.created_at', 'desc')
              .limit(1)
              .as('a'),
          (join) => join.onTrue(),
        )
        .select([
          'e.id',
          'e.name',
          'e.tax_code',
          'e.unit_code',
          'e.industrial_park',
          'e.workers',
          'e.reassess_required_at',
          'a.score',
          'a.level',
          'a.valid_until',
          'a.assessed_at',
        ]);
      if (opts.owner) q = q.where('e.owner_person_id', '=', opts.owner);
      if (opts.pathPrefix) q = q.where('e.unit_path', 'like', `${opts.pathPrefix}%`);
      return scoped(q, scope, 'e.unit_path').orderBy('e.name').limit(1000).execute();
    },

    insertAssessment: (
      trx: Q,
      row: {
        enterprise_id: string;
        criteria_version: number;
        answers: unknown;
        score: number;
        level: EnterpriseLevel;
        valid_until: Date;
        actor_type: string;
        actor_id: string;
      },
    ) =>
      trx
        .insertInto('enterprise_assessments')
        .values({ ...row, answers: JSON.stringify(row.answers) })
        .returning(['id', 'created_at'])
        .executeTakeFirstOrThrow(),

    clearReassessment: (trx: Q, id: string) =>
      trx.updateTable('enterprises').set({ reassess_required_at: null }).where('id', '=', id).execute(),

    /** Hands an enterprise to another owner, or to none (the oversight staff keep it). */
    setEnterpriseOwner: (trx: Q, id: string, ownerPersonId: string | null) =>
      trx.updateTable('enterprises').set({ owner_person_id: ownerPersonId }).where('id', '=', id).execute(),

    requireReassessment: (trx: Q, id: string, at: Date) =>
      trx.updateTable('enterprises').set({ reassess_required_at: at }).where('id', '=', id).execute(),

    assessments: (enterpriseId: string) =>
      db
        .selectFrom('enterprise_assessments')
        .select(['id', 'score', 'level', 'valid_until', 'criteria_version', 'created_at'])
        .where('enterprise_id', '=', enterpriseId)
        .orderBy('created_at', 'desc')
        .limit(100)
        .execute(),

    insertInspection: (
      trx: Q,
      row: {
        enterprise_id: string;
        inspector_id: string;
        findings: string;
        passed: boolean;
        require_reassessment: boolean;
      },
    ) => trx.insertInto('enterprise_inspections').values(row).returning('id').executeTakeFirstOrThrow(),

    inspections: (enterpriseId: string) =>
      db
        .selectFrom('enterprise_inspections')
        .select(['id', 'findings', 'passed', 'require_reassessment', 'created_at'])
        .where('enterprise_id', '=', enterpriseId)
        .orderBy('created_at', 'desc')
        .limit(100)
        .execute(),
  };
}

export type DeclarationsRepo = ReturnType<typeof declarationsRepo>;
