/**
 * The greenpass tables (gp_signer_keys, gp_certificates, gp_rules, gp_verifications) and the one read of another
 * module's table this module declares: a person's recovered case (`cases`, for recovery certificates).
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { GpType } from './constants.ts';

export interface SignerKeyRow {
  kid: string;
  certificate_der: Uint8Array;
  private_key_pem: string | null;
  key_file: string | null;
  encrypted: boolean;
  not_before: Date;
  not_after: Date;
  created_at: Date;
  retired_at: Date | null;
}

export interface CertificateRow {
  id: string;
  person_id: string;
  type: GpType;
  source_key: string;
  source_hash: string;
  uvci: string;
  uvci_hash: string;
  kid: string;
  qr: string;
  summary: unknown;
  valid_from: Date;
  valid_until: Date;
  issued_at: Date;
  revoked_at: Date | null;
  revoke_reason: string | null;
}

export type NewCertificate = Omit<CertificateRow, 'id' | 'issued_at' | 'revoked_at' | 'revoke_reason'>;

export function greenpassRepo(db: Kysely<DB>) {
  return {
    async activeSignerKey(): Promise<SignerKeyRow | undefined> {
      return (await db.selectFrom('gp_signer_keys').selectAll().where('retired_at', 'is', null).executeTakeFirst()) as
        | SignerKeyRow
        | undefined;
    },
    async insertSignerKey(row: SignerKeyRow): Promise<void> {
      await db.insertInto('gp_signer_keys').values(row).execute();
    },
    /** Retires the active key and adds its successor in one transaction (the one-active index holds throughout). */
    async rotateSignerKey(currentKid: string, next: SignerKeyRow): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const retired = await trx
          .updateTable('gp_signer_keys')
          .set({ retired_at: new Date() })
          .where('kid', '=', currentKid)
          .where('retired_at', 'is', null)
          .executeTakeFirst();
        // another process rotated first: keep its key
        if (Number(retired.numUpdatedRows) === 0) return;
        await trx.insertInto('gp_signer_keys').values(next).execute();
      });
    },
    async validSignerKeys(at: Date): Promise<SignerKeyRow[]> {
      return (await db
        .selectFrom('gp_signer_keys')
        .selectAll()
        .where('not_after', '>', at)
        .orderBy('id')
        .execute()) as SignerKeyRow[];
    },

    async currentCertificates(personId: string, trx?: Transaction<DB>): Promise<CertificateRow[]> {
      return (await (trx ?? db)
        .selectFrom('gp_certificates')
        .selectAll()
        .where('person_id', '=', personId)
        .orderBy('issued_at', 'desc')
        .execute()) as CertificateRow[];
    },
    /** Of these people, those with a certificate of the type not revoked (one statement, whatever their number). */
    async withLiveCertificate(personIds: string[], type: GpType): Promise<string[]> {
      if (personIds.length === 0) return [];
      const rows = await db
        .selectFrom('gp_certificates')
        .select('person_id')
        .distinct()
        .where('person_id', '=', sql<string>`any(${personIds}::uuid[])`)
        .where('type', '=', type)
        .where('revoked_at', 'is', null)
        .execute();
      return rows.map((r) => r.person_id);
    },
    async lockPerson(trx: Transaction<DB>, personId: string): Promise<void> {
      await sql`select pg_advisory_xact_lock(7231018, hashtext(${personId}))`.execute(trx);
    },
    async insertCertificate(trx: Transaction<DB>, row: NewCertificate): Promise<CertificateRow> {
      return (await trx
        .insertInto('gp_certificates')
        .values({ ...row, summary: JSON.stringify(row.summary) })
        .returningAll()
        .executeTakeFirstOrThrow()) as CertificateRow;
    },
    async revoke(trx: Transaction<DB> | Kysely<DB>, id: string, reason: string): Promise<boolean> {
      const r = await trx
        .updateTable('gp_certificates')
        .set({ revoked_at: new Date(), revoke_reason: reason })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async findByUvci(uvci: string): Promise<CertificateRow | undefined> {
      return (await db.selectFrom('gp_certificates').selectAll().where('uvci', '=', uvci).executeTakeFirst()) as
        | CertificateRow
        | undefined;
    },
    /** Hashes of revoked certificates still within their validity (an expired one fails on its own). */
    async revokedHashes(now: Date): Promise<{ hashes: string[]; updatedAt: Date | null }> {
      const rows = await db
        .selectFrom('gp_certificates')
        .select(['uvci_hash', 'revoked_at'])
        .where('revoked_at', 'is not', null)
        .where('valid_until', '>', now)
        .orderBy('revoked_at')
        .execute();
      return {
        hashes: rows.map((r) => r.uvci_hash),
        updatedAt: rows.length ? (rows[rows.length - 1]?.revoked_at ?? null) : null,
      };
    },

    /** Name and birth of a person, for a certificate re-issued without the citizen asking (a declared read). */
    async holder(personId: string) {
      const row = await db
        .selectFrom('people')
        .select(['id', 'name', 'birth_year', 'birth_date'])
        .where('id', '=', personId)
        .executeTakeFirst();
      return row ? { id: row.id, name: row.name, birthYear: row.birth_year, birthDate: row.birth_date } : undefined;
    },

    /** The person's latest recovered case: when the positive sample was taken (else confirmed) and when it closed. */
    async recoveredCase(personId: string): Promise<{ id: string; positiveAt: Date; closedAt: Date } | undefined> {
      const row = await db
        .selectFrom('cases')
        .select(['id', 'sample_at', 'confirmed_at', 'closed_at'])
        .where('person_id', '=', personId)
        .where('status', '=', 'recovered')
        .where('closed_at', 'is not', null)
        .orderBy('closed_at', 'desc')
        .executeTakeFirst();
      const positiveAt = row?.sample_at ?? row?.confirmed_at;
      if (!row || !positiveAt || !row.closed_at) return undefined;
      return { id: row.id, positiveAt, closedAt: row.closed_at };
    },

    async latestRules(kind: 'rules' | 'value-sets'): Promise<{ body: unknown; published_at: Date } | undefined> {
      return db
        .selectFrom('gp_rules')
        .select(['body', 'published_at'])
        .where('kind', '=', kind)
        .orderBy('id', 'desc')
        .executeTakeFirst();
    },
    async publishRules(kind: 'rules' | 'value-sets', body: unknown, by: string | null): Promise<void> {
      await db
        .insertInto('gp_rules')
        .values({ kind, body: JSON.stringify(body), published_by: by })
        .execute();
    },

    async recordVerification(verdict: string, reason: string): Promise<void> {
      await db.insertInto('gp_verifications').values({ verdict, reason }).execute();
    },
    /** Issued, revoked and verified per day (Asia/Ho_Chi_Minh) and type / verdict, for the statistics. */
    async dailyStats(from: Date): Promise<Array<{ day: string; kind: string; key: string; n: number }>> {
      const { rows } = await sql<{ day: string; kind: string; key: string; n: number }>`
        select to_char(issued_at at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') as day, 'issued' as kind, type as key,
               count(*)::int as n
          from gp_certificates where issued_at >= ${from} group by 1, 3
        union all
        select to_char(revoked_at at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD'), 'revoked', type, count(*)::int
          from gp_certificates where revoked_at >= ${from} group by 1, 3
        union all
        select to_char(at at time zone 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD'), 'verified', verdict, count(*)::int
          from gp_verifications where at >= ${from} group by 1, 3
        order by 1, 2, 3`.execute(db);
      return rows;
    },
  };
}

export type GreenpassRepo = ReturnType<typeof greenpassRepo>;
