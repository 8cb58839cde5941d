/**
 * Retention of health declarations: answers about symptoms, exposure and travel are personal health data, kept
 * `TRUYVET_DECLARATION_RETENTION_DAYS` local days (today and the days before it) and then deleted by the hourly
 * `declarations.maintain` job (jobs.ts), with their personal by-products of those days:
 *   - `declaration_badges` of days before the window (a day's status: nothing reads it once the day is over);
 *   - `health_tasks` closed before the window began, with their declaration (the foreign key is NOT NULL). A
 *     declaration whose task is still open — or was closed within the window — stays, and so does that task, until
 *     the task has been closed for the whole window: a health station never loses the answers it follows up.
 *   - `partner_phone_codes` (a partner's one-time code for a phone: the phone number) a day after they were sent —
 *     a code lives minutes, and the hourly send limit per phone looks back one hour.
 *   - `organisation_member_lookups` (a citizen account's member look-ups that matched no one, counted against its
 *     daily bound) once they are a day old: the bound looks back 24 hours (the account's next request deletes its
 *     own; this catches the accounts that do not come back).
 * Kept: `declaration_daily_stats` (counts per commune and day, nothing personal: the statistics read only these),
 * enterprises, their assessments and organisations (not a person's health answers). Idempotency records are the
 * platform's and have their own purge (check-in maintenance, platform/idempotency.ts).
 *
 * Deletes run in bounded batches, each its own short transaction with its audit row (a system action, counts only),
 * so a purge of millions of rows never holds one giant transaction; the BRIN indexes on `day` and the index on
 * `health_tasks (declaration_id)` (migration 0036) find the rows without scanning the tables. A run stops after
 * `maxBatches` batches and says whether more is left, so the job can come back soon instead of outliving its lease.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Actor } from '../../platform/access.ts';
import type { Audit } from '../../platform/audit.ts';
import { localDate } from '../../platform/sms.ts';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** Việt Nam's offset from UTC (no daylight saving). */
const VN_OFFSET = 7 * HOUR;

const SYSTEM: Actor = { kind: 'system', name: 'declarations.retention' };

export interface PurgeOptions {
  /** now, for tests */
  now?: Date;
  /** rows per batch (one transaction each) */
  batchSize?: number;
  /** batches per run for each table; more left → `more: true` */
  maxBatches?: number;
}

export interface DeclarationPurgeResult {
  /** the first local day kept (YYYY-MM-DD): everything of the days before it is gone */
  keptFrom: string;
  declarations: number;
  healthTasks: number;
  badges: number;
  /** older declarations kept because a task of theirs is open or was closed within the window */
  heldByTasks: number;
  /** partners' one-time codes older than a day */
  phoneCodes: number;
  /** organisations' member look-up counts older than a day */
  memberLookups: number;
  batches: number;
  /** the run stopped at `maxBatches` with rows left to delete */
  more: boolean;
}

export const PURGE_BATCH_SIZE = 5000;
export const PURGE_MAX_BATCHES = 100;
/** How long a partner's one-time code (and so its phone number) is kept after it was sent. */
export const PHONE_CODES_KEPT_MS = DAY;

/** The first local day kept and the instant it begins, for a window of `retentionDays` before `now`. */
export function retentionCutoff(retentionDays: number, now: Date): { day: string; startsAt: Date } {
  const day = localDate(new Date(now.getTime() - retentionDays * DAY));
  return { day, startsAt: new Date(new Date(`${day}T00:00:00Z`).getTime() - VN_OFFSET) };
}

/**
 * One batch of declarations of days before `day` that no task holds, with their (closed, old) tasks. Rows another
 * purge has locked are skipped (a job run twice after a lease timeout splits the work instead of waiting).
 */
async function purgeDeclarationBatch(trx: Transaction<DB>, day: string, startsAt: Date, limit: number) {
  const ids = await sql<{ id: string }>`
    select d.id from declarations d
    where d.day < ${day}::date
      and not exists (select 1 from health_tasks t
                      where t.declaration_id = d.id
                        and (t.status <> 'closed' or coalesce(t.closed_at, t.updated_at) >= ${startsAt}))
    limit ${limit}
    for update of d skip locked`.execute(trx);
  if (ids.rows.length === 0) return { found: 0, declarations: 0, healthTasks: 0 };
  // one array parameter, not one per id: the same statement text (and prepared plan) whatever the batch's size.
  // The conditions are asked again: a task reopened meanwhile (its row was not locked) stays, and so does its
  // declaration, instead of the batch failing on the foreign key.
  const list = ids.rows.map((r) => r.id);
  const tasks = await sql`
    delete from health_tasks
    where declaration_id = any(${list}::uuid[])
      and status = 'closed' and coalesce(closed_at, updated_at) < ${startsAt}`.execute(trx);
  const gone = await sql`
    delete from declarations d
    where d.id = any(${list}::uuid[])
      and not exists (select 1 from health_tasks t where t.declaration_id = d.id)`.execute(trx);
  return {
    found: ids.rows.length,
    declarations: Number(gone.numAffectedRows ?? 0),
    healthTasks: Number(tasks.numAffectedRows ?? 0),
  };
}

/** One batch of badges of days before `day`. */
async function purgeBadgeBatch(trx: Transaction<DB>, day: string, limit: number): Promise<number> {
  const gone = await sql`
    delete from declaration_badges b
    where (b.person_id, b.day) in (select person_id, day from declaration_badges
                                   where day < ${day}::date limit ${limit} for update skip locked)`.execute(trx);
  return Number(gone.numAffectedRows ?? 0);
}

/** One batch of partners' one-time codes sent before `before`. */
async function purgePhoneCodeBatch(trx: Transaction<DB>, before: Date, limit: number): Promise<number> {
  const gone = await sql`
    delete from partner_phone_codes
    where id in (select id from partner_phone_codes where created_at < ${before}
                 limit ${limit} for update skip locked)`.execute(trx);
  return Number(gone.numAffectedRows ?? 0);
}

/** Declarations of days before the window that a task still holds (reported, so a stuck task shows in the log). */
async function countHeld(db: Kysely<DB>, day: string): Promise<number> {
  const r = await sql<{ n: number }>`
    select count(*)::int as n from declarations d
    where d.day < ${day}::date
      and exists (select 1 from health_tasks t where t.declaration_id = d.id)`.execute(db);
  return r.rows[0]?.n ?? 0;
}

/**
 * Deletes the declarations of the local days before the window of `retentionDays`, their badges and their closed
 * tasks (see the file's comment for what stays), batch by batch; each batch is audited in its own transaction.
 */
export async function purgeDeclarations(
  db: Kysely<DB>,
  audit: Audit,
  retentionDays: number,
  options: PurgeOptions = {},
): Promise<DeclarationPurgeResult> {
  const now = options.now ?? new Date();
  const { day, startsAt } = retentionCutoff(retentionDays, now);
  const batchSize = options.batchSize ?? PURGE_BATCH_SIZE;
  const maxBatches = options.maxBatches ?? PURGE_MAX_BATCHES;
  const result: DeclarationPurgeResult = {
    keptFrom: day,
    declarations: 0,
    healthTasks: 0,
    badges: 0,
    heldByTasks: 0,
    phoneCodes: 0,
    memberLookups: 0,
    batches: 0,
    more: false,
  };
  const auditBatch = (trx: Transaction<DB>, details: Record<string, number>) =>
    audit.append(trx, {
      actor: SYSTEM,
      action: 'declarations.purge',
      resourceType: 'declarations',
      details: { keptFrom: day, retentionDays, ...details },
    });

  /**
   * Runs `batch` (one transaction, answering how many rows it found) until a batch finds fewer than `batchSize`, or
   * `maxBatches` ran and rows are left (`more`).
   */
  const inBatches = async (batch: () => Promise<number>) => {
    for (let i = 0; ; i++) {
      if (i === maxBatches) {
        result.more = true;
        return;
      }
      const found = await batch();
      if (found === 0) return;
      result.batches++;
      if (found < batchSize) return;
    }
  };

  await inBatches(async () => {
    const { found, ...done } = await db.transaction().execute(async (trx) => {
      const batch = await purgeDeclarationBatch(trx, day, startsAt, batchSize);
      if (batch.declarations + batch.healthTasks > 0)
        await auditBatch(trx, { declarations: batch.declarations, healthTasks: batch.healthTasks });
      return batch;
    });
    result.declarations += done.declarations;
    result.healthTasks += done.healthTasks;
    return found;
  });
  /** Batches of one table's rows (`purge` deletes one batch): each audited with its count, added to `result[field]`. */
  const purgeCounted = (field: 'badges' | 'phoneCodes', purge: (trx: Transaction<DB>) => Promise<number>) =>
    inBatches(async () => {
      const n = await db.transaction().execute(async (trx) => {
        const gone = await purge(trx);
        if (gone > 0) await auditBatch(trx, { [field]: gone });
        return gone;
      });
      result[field] += n;
      return n;
    });
  await purgeCounted('badges', (trx) => purgeBadgeBatch(trx, day, batchSize));
  const codesBefore = new Date(now.getTime() - PHONE_CODES_KEPT_MS);
  await purgeCounted('phoneCodes', (trx) => purgePhoneCodeBatch(trx, codesBefore, batchSize));
  // counts per account and request, nothing else: one statement, not audited (a small table, a day of rows)
  const lookups =
    await sql`delete from organisation_member_lookups where at < ${new Date(now.getTime() - DAY)}`.execute(db);
  result.memberLookups = Number(lookups.numAffectedRows ?? 0);
  result.heldByTasks = await countHeld(db, day);
  return result;
}
