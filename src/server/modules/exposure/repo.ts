/**
 * Kysely queries of the exposure module's own tables (`en_*`, migration 0018). Every method takes an optional
 * transaction. bytea values go in as Buffers (node-postgres and PGlite both take them).
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';

type Q = Kysely<DB> | Transaction<DB>;

export interface NewDiagnosisKey {
  keyData: Uint8Array;
  rollingStart: number;
  rollingPeriod: number;
  transmissionRisk: number;
  reportType: number;
  daysSinceOnset: number | null;
}

export function exposureRepo(db: Kysely<DB>) {
  return {
    async insertCode(
      q: Q,
      row: {
        codeHash: string;
        caseId: string;
        personId: string;
        unitCode: string | null;
        issuedBy: string | null;
        expiresAt: Date;
      },
    ) {
      return q
        .insertInto('en_verification_codes')
        .values({
          code_hash: row.codeHash,
          case_id: row.caseId,
          person_id: row.personId,
          unit_code: row.unitCode,
          issued_by: row.issuedBy,
          expires_at: row.expiresAt,
        })
        .returning(['id', 'expires_at'])
        .executeTakeFirstOrThrow();
    },

    findCode(codeHash: string) {
      return db
        .selectFrom('en_verification_codes')
        .select(['id', 'case_id', 'expires_at', 'verified_at'])
        .where('code_hash', '=', codeHash)
        .executeTakeFirst();
    },

    /**
     * Marks a code verified unless it is already: true for the one caller that did (parallel verifications of one
     * code: the others find it spent).
     */
    async markVerified(id: string, tokenExpiresAt: Date): Promise<boolean> {
      const row = await db
        .updateTable('en_verification_codes')
        .set({ verified_at: sql`now()`, token_expires_at: tokenExpiresAt })
        .where('id', '=', id)
        .where('verified_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Codes waiting to be used: issued, not verified, not expired (`en_verification_codes_live_idx`). */
    async countLiveCodes(now: Date): Promise<number> {
      const r = await db
        .selectFrom('en_verification_codes')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('verified_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    /** Records a verification attempt (committed at once, so every other attempt counts it); its id. */
    async insertVerifyAttempt(at: Date): Promise<string> {
      const row = await db.insertInto('en_verify_failures').values({ at }).returning('id').executeTakeFirstOrThrow();
      return row.id;
    },

    /** Forgets an attempt that was no failure (it succeeded, or was refused before any code was looked up). */
    async deleteVerifyAttempt(id: string): Promise<void> {
      await db.deleteFrom('en_verify_failures').where('id', '=', id).execute();
    },

    /** The time of the `n`-th newest attempt after `since`, if there are that many (how full the window is). */
    async nthVerifyAttemptSince(since: Date, n: number): Promise<Date | undefined> {
      const row = await db
        .selectFrom('en_verify_failures')
        .select('at')
        .where('at', '>', since)
        .orderBy('at', 'desc')
        .offset(n - 1)
        .limit(1)
        .executeTakeFirst();
      return row?.at;
    },

    /** The case a verification (an upload token's) belongs to. */
    caseOfVerification(id: string) {
      return db.selectFrom('en_verification_codes').select('case_id').where('id', '=', id).executeTakeFirst();
    },

    findVerificationForUpdate(trx: Transaction<DB>, id: string) {
      return trx
        .selectFrom('en_verification_codes')
        .select(['id', 'case_id', 'verified_at', 'token_expires_at', 'uploaded_at', 'upload_hash', 'upload_inserted'])
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
    },

    async markUploaded(trx: Transaction<DB>, id: string, uploadHash: string, inserted: number) {
      await trx
        .updateTable('en_verification_codes')
        .set({ uploaded_at: sql`now()`, upload_hash: uploadHash, upload_inserted: inserted })
        .where('id', '=', id)
        .execute();
    },

    /** Stores keys (a key already stored is left as it is); returns how many were new. */
    async insertKeys(trx: Transaction<DB>, verificationId: string, region: string, keys: NewDiagnosisKey[]) {
      if (keys.length === 0) return 0;
      const rows = await trx
        .insertInto('en_diagnosis_keys')
        .values(
          keys.map((k) => ({
            key_data: Buffer.from(k.keyData),
            rolling_start_interval: k.rollingStart,
            rolling_period: k.rollingPeriod,
            transmission_risk: k.transmissionRisk,
            report_type: k.reportType,
            days_since_onset: k.daysSinceOnset,
            region,
            verification_id: verificationId,
            // arrival rounded down to the hour: keys of one upload are not told apart from others by their time
            received_at: sql<Date>`date_trunc('hour', now())`,
          })),
        )
        .onConflict((oc) => oc.column('key_data').doNothing())
        .returning('rolling_start_interval')
        .execute();
      return rows.length;
    },

    /**
     * Claims every key waiting for publication whose validity ended by `lastEnd` (interval number) for batch `id`,
     * in a random order (never the order of arrival, never grouped by upload).
     */
    /** The cases whose keys wait to be published (any validity): the export asks whether each is still confirmed. */
    async casesWithUnpublishedKeys(): Promise<string[]> {
      const rows = await db
        .selectFrom('en_diagnosis_keys as k')
        .innerJoin('en_verification_codes as v', 'v.id', 'k.verification_id')
        .select('v.case_id')
        .distinct()
        .where('k.batch_id', 'is', null)
        .execute();
      return rows.map((r) => r.case_id);
    },

    /** Deletes the unpublished keys uploaded for these cases; returns how many per case. */
    async dropUnpublishedKeys(trx: Transaction<DB>, caseIds: string[]): Promise<Map<string, number>> {
      const rows = await trx
        .deleteFrom('en_diagnosis_keys as k')
        .using('en_verification_codes as v')
        .whereRef('v.id', '=', 'k.verification_id')
        .where('v.case_id', 'in', caseIds)
        .where('k.batch_id', 'is', null)
        .returning('v.case_id')
        .execute();
      const out = new Map<string, number>();
      for (const r of rows) out.set(r.case_id, (out.get(r.case_id) ?? 0) + 1);
      return out;
    },

    claimKeysForBatch(trx: Transaction<DB>, batchId: number, lastEnd: number) {
      return trx
        .updateTable('en_diagnosis_keys')
        .set({ batch_id: batchId })
        .where('batch_id', 'is', null)
        .where(sql<boolean>`rolling_start_interval + rolling_period <= ${lastEnd}`)
        .returning([
          'key_data',
          'rolling_start_interval',
          'rolling_period',
          'transmission_risk',
          'report_type',
          'days_since_onset',
          'received_at',
        ])
        .execute();
    },

    /**
     * The keys still held back after a batch claimed what it may publish (still valid, or ended within the
     * embargo): how many, and the interval at which the first of them may go out.
     */
    async heldKeys(trx: Transaction<DB>): Promise<{ count: number; firstEnd: number | null }> {
      const r = await sql<{ count: number; first_end: number | null }>`
        select count(*)::int as count, min(rolling_start_interval + rolling_period)::int as first_end
        from en_diagnosis_keys where batch_id is null`.execute(trx);
      const row = r.rows[0];
      return { count: row?.count ?? 0, firstEnd: row?.first_end ?? null };
    },

    async nextBatchId(trx: Transaction<DB>): Promise<number> {
      const r = await sql<{
        id: number;
      }>`select nextval(pg_get_serial_sequence('en_export_batches', 'id'))::int as id`.execute(trx);
      return (r.rows[0] as { id: number }).id;
    },

    async lockPublishing(trx: Transaction<DB>) {
      await sql`select pg_advisory_xact_lock(7231016, 1)`.execute(trx);
    },

    async insertBatch(
      trx: Transaction<DB>,
      row: {
        id: number;
        path: string;
        region: string;
        start: Date;
        end: Date;
        keyCount: number;
        paddingCount: number;
        zip: Uint8Array;
      },
    ) {
      await trx
        .insertInto('en_export_batches')
        .values({
          id: row.id,
          path: row.path,
          region: row.region,
          start_timestamp: row.start,
          end_timestamp: row.end,
          key_count: row.keyCount,
          padding_count: row.paddingCount,
          zip: Buffer.from(row.zip),
        })
        .execute();
    },

    /** The end of the newest batch's window (the next batch starts there). */
    async lastBatchEnd(q: Q = db): Promise<Date | undefined> {
      const r = await q
        .selectFrom('en_export_batches')
        .select('end_timestamp')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return r?.end_timestamp;
    },

    listBatchPaths(since: Date) {
      return db.selectFrom('en_export_batches').select('path').where('created_at', '>=', since).orderBy('id').execute();
    },

    findBatchZip(path: string) {
      return db.selectFrom('en_export_batches').select('zip').where('path', '=', path).executeTakeFirst();
    },

    /**
     * Deletes keys whose validity ended at or before `oldestEnd` (the boundary validate.ts refuses an upload at: a key
     * that ended 14 days ago is gone, not kept for the rest of that 10-minute interval), batches made before `before`,
     * and failed verifications made before `failuresBefore` (out of the window that counts them).
     */
    async deleteExpired(trx: Transaction<DB>, oldestEnd: number, before: Date, failuresBefore: Date) {
      const keys = await trx
        .deleteFrom('en_diagnosis_keys')
        .where(sql<boolean>`rolling_start_interval + rolling_period <= ${oldestEnd}`)
        .executeTakeFirst();
      const batches = await trx.deleteFrom('en_export_batches').where('created_at', '<', before).executeTakeFirst();
      await trx.deleteFrom('en_verify_failures').where('at', '<', failuresBefore).execute();
      return { keys: Number(keys.numDeletedRows), batches: Number(batches.numDeletedRows) };
    },

    activeSigningKey(q: Q = db) {
      return q
        .selectFrom('en_signing_keys')
        .select(['id', 'key_id', 'key_version', 'private_key_pem', 'public_key_pem'])
        .where('retired_at', 'is', null)
        .executeTakeFirst();
    },

    /** Stores a key's private half anew (encrypted now) unless another process already did; true when this did. */
    async replaceSigningKeyPem(id: number, fromPem: string, toPem: string): Promise<boolean> {
      const r = await db
        .updateTable('en_signing_keys')
        .set({ private_key_pem: toPem })
        .where('id', '=', id)
        .where('private_key_pem', '=', fromPem)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    /** Stores a new active key pair unless one exists (two processes starting at once keep the first). */
    async insertSigningKey(row: { keyId: string; keyVersion: string; privateKeyPem: string; publicKeyPem: string }) {
      await db
        .insertInto('en_signing_keys')
        .values({
          key_id: row.keyId,
          key_version: row.keyVersion,
          private_key_pem: row.privateKeyPem,
          public_key_pem: row.publicKeyPem,
        })
        .onConflict((oc) => oc.expression(sql`(true)`).where('retired_at', 'is', null).doNothing())
        .execute();
    },

    /** Which cases published keys belong to (through the code they were uploaded with). */
    casesOfKeys(keys: Uint8Array[]) {
      if (keys.length === 0) return Promise.resolve([]);
      return db
        .selectFrom('en_diagnosis_keys as k')
        .innerJoin('en_verification_codes as v', 'v.id', 'k.verification_id')
        .select(['k.key_data', 'k.verification_id', 'v.case_id', 'v.person_id'])
        .where(
          'k.key_data',
          'in',
          keys.map((k) => Buffer.from(k)),
        )
        .execute();
    },

    /**
     * One report per case and person: a later report of the same F0 keeps the widest window and the highest risk.
     * True when this made the case and person's first report (a later one updates it).
     */
    async upsertReport(
      trx: Transaction<DB>,
      row: {
        caseId: string;
        personId: string;
        verificationId: string;
        firstSeenAt: Date;
        lastSeenAt: Date;
        minutes: number;
        risk: number;
        minAttenuation: number | null;
      },
    ): Promise<boolean> {
      const stored = await trx
        .insertInto('en_match_reports')
        .values({
          case_id: row.caseId,
          person_id: row.personId,
          verification_id: row.verificationId,
          first_seen_at: row.firstSeenAt,
          last_seen_at: row.lastSeenAt,
          minutes: row.minutes,
          risk: row.risk,
          min_attenuation: row.minAttenuation,
        })
        .onConflict((oc) =>
          oc.columns(['case_id', 'person_id']).doUpdateSet({
            first_seen_at: sql`least(en_match_reports.first_seen_at, excluded.first_seen_at)`,
            last_seen_at: sql`greatest(en_match_reports.last_seen_at, excluded.last_seen_at)`,
            minutes: sql`greatest(en_match_reports.minutes, excluded.minutes)`,
            risk: sql`greatest(en_match_reports.risk, excluded.risk)`,
            min_attenuation: sql`least(en_match_reports.min_attenuation, excluded.min_attenuation)`,
            updated_at: sql`now()`,
          }),
        )
        // xmax is 0 on a row this statement inserted, the locking transaction's id on one it updated
        .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
        .executeTakeFirstOrThrow();
      return stored.inserted;
    },

    reportsForCase(caseId: string) {
      return db
        .selectFrom('en_match_reports')
        .select(['person_id', 'first_seen_at', 'last_seen_at', 'minutes', 'risk', 'min_attenuation', 'updated_at'])
        .where('case_id', '=', caseId)
        .orderBy('risk', 'desc')
        .execute();
    },
  };
}

export type ExposureRepo = ReturnType<typeof exposureRepo>;
