/**
 * Append-only, hash-chained audit log of staff access to personal data and of authentication events.
 *
 * Each row's hash = SHA-256(previous row's hash + canonical JSON of its fields), so changing or deleting any
 * row breaks the chain from that row on; `verify` walks the chain and names the first broken row. A trigger
 * refuses UPDATE/DELETE/TRUNCATE, so tampering needs a superuser disabling it — which `verify` then exposes.
 *
 * Appends serialize on a transaction-scoped advisory lock, which also makes id order equal chain order.
 * Writes append inside their own transaction (`append(trx, …)`): the audit row commits or rolls back with
 * the change it records. Reads call `record(…)`, which group-commits the entries of concurrent requests in
 * one transaction and resolves once they are durable, so the response leaves only after its audit row.
 */
import { createHash } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../db/types.ts';
import type { Actor } from './access.ts';
import { canonicalJson } from './canonical-json.ts';

export type AuditOutcome = 'ok' | 'denied' | 'failed';

export interface AuditEntry {
  actor: Actor | null;
  action: string;
  resourceType?: string;
  resourceId?: string;
  unitCode?: string | null;
  outcome?: AuditOutcome;
  /** Never personal data: ids, counts, reasons. */
  details?: Record<string, string | number | boolean | null>;
}

export const GENESIS_HASH = '0'.repeat(64);

interface ChainFields {
  at: Date;
  actor_type: string;
  actor_id: string | null;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  unit_code: string | null;
  outcome: string;
  details: Record<string, unknown>;
}

/** The canonical text of a row's content: what its hash covers besides the previous hash. */
export function chainPayload(row: ChainFields): string {
  return canonicalJson([
    row.at.toISOString(),
    row.actor_type,
    row.actor_id,
    row.action,
    row.resource_type,
    row.resource_id,
    row.unit_code,
    row.outcome,
    row.details,
  ]);
}

/** The hash of one row given the previous row's hash (the same formula as the SQL function audit_append). */
export function chainHash(prevHash: string, row: ChainFields): string {
  return createHash('sha256').update(prevHash).update(chainPayload(row)).digest('hex');
}

function actorFields(actor: Actor | null): { actor_type: string; actor_id: string | null } {
  if (!actor) return { actor_type: 'anonymous', actor_id: null };
  if (actor.kind === 'staff') return { actor_type: 'staff', actor_id: actor.userId };
  if (actor.kind === 'citizen') return { actor_type: 'citizen', actor_id: actor.personId };
  return { actor_type: 'system', actor_id: actor.name };
}

/** Audit entries as the column arrays `audit_append_rows(...)` takes (migration 0006), payloads computed. */
export function auditColumns(entries: AuditEntry[]) {
  const at = new Date().toISOString();
  const cols = {
    ats: [] as string[],
    actorTypes: [] as string[],
    actorIds: [] as Array<string | null>,
    actions: [] as string[],
    resourceTypes: [] as Array<string | null>,
    resourceIds: [] as Array<string | null>,
    unitCodes: [] as Array<string | null>,
    outcomes: [] as string[],
    details: [] as string[],
    payloads: [] as string[],
  };
  for (const e of entries) {
    const fields: ChainFields = {
      at: new Date(at),
      ...actorFields(e.actor),
      action: e.action,
      resource_type: e.resourceType ?? null,
      resource_id: e.resourceId ?? null,
      unit_code: e.unitCode ?? null,
      outcome: e.outcome ?? 'ok',
      details: e.details ?? {},
    };
    cols.ats.push(at);
    cols.actorTypes.push(fields.actor_type);
    cols.actorIds.push(fields.actor_id);
    cols.actions.push(fields.action);
    cols.resourceTypes.push(fields.resource_type);
    cols.resourceIds.push(fields.resource_id);
    cols.unitCodes.push(fields.unit_code);
    cols.outcomes.push(fields.outcome);
    cols.details.push(JSON.stringify(fields.details));
    cols.payloads.push(chainPayload(fields));
  }
  return cols;
}

/** Appends entries to the chain in one statement (see migration 0006); inside `q`'s transaction when it has one. */
async function insertChained(q: Kysely<DB> | Transaction<DB>, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const c = auditColumns(entries);
  await sql`select audit_append_rows(
    ${c.ats}::timestamptz[], ${c.actorTypes}::text[], ${c.actorIds}::text[], ${c.actions}::text[],
    ${c.resourceTypes}::text[], ${c.resourceIds}::text[], ${c.unitCodes}::text[], ${c.outcomes}::text[],
    ${c.details}::text[], ${c.payloads}::text[])`.execute(q);
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  /** id of the first row whose stored hash or link does not match */
  brokenAt?: number;
  reason?: string;
}

export interface Audit {
  /** Appends inside the caller's transaction (for writes). */
  append(trx: Transaction<DB>, entry: AuditEntry): Promise<void>;
  /** Appends several entries inside the caller's transaction (batched writes). */
  appendMany(trx: Transaction<DB>, entries: AuditEntry[]): Promise<void>;
  /** Appends in a group-committed transaction of its own; resolves when durable (for reads and auth events). */
  record(entry: AuditEntry): Promise<void>;
  verify(): Promise<VerifyResult>;
}

export function createAudit(db: Kysely<DB>): Audit {
  let pending: Array<{ entry: AuditEntry; resolve: () => void; reject: (e: unknown) => void }> = [];
  let flushing = false;

  async function flushLoop(): Promise<void> {
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      try {
        await insertChained(
          db,
          batch.map((b) => b.entry),
        );
        for (const b of batch) b.resolve();
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    flushing = false;
  }

  return {
    append: (trx, entry) => insertChained(trx, [entry]),
    appendMany: (trx, entries) => insertChained(trx, entries),

    record(entry) {
      return new Promise<void>((resolve, reject) => {
        pending.push({ entry, resolve, reject });
        if (!flushing) {
          flushing = true;
          void flushLoop();
        }
      });
    },

    async verify() {
      let prev = GENESIS_HASH;
      let lastId = 0;
      let checked = 0;
      for (;;) {
        const rows = await db
          .selectFrom('audit_log')
          .selectAll()
          .where('id', '>', lastId)
          .orderBy('id')
          .limit(5000)
          .execute();
        if (rows.length === 0) return { ok: true, checked };
        for (const row of rows) {
          if (row.prev_hash !== prev) {
            return {
              ok: false,
              checked,
              brokenAt: row.id,
              reason: 'link to the previous row is broken (row deleted or reordered)',
            };
          }
          const expected = chainHash(prev, { ...row, details: row.details as Record<string, unknown> });
          if (expected !== row.hash) {
            return {
              ok: false,
              checked,
              brokenAt: row.id,
              reason: 'row content does not match its hash (row modified)',
            };
          }
          prev = row.hash;
          lastId = row.id;
          checked++;
        }
      }
    },
  };
}
