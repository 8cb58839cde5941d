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
 *
 * Who saw a person: a read of one person names them as the resource (`resourceType: 'person'`); a search or list
 * names everyone it returned in `details.personIds`, inside the hashed payload like every other field, so the answer
 * to "who viewed X" (`accessesTo`) is evidence the chain protects. Entries made while serving a request carry its
 * route pattern (`details.route`). Deleting the newest rows leaves a valid chain: `verify({ head })` checks that the
 * chain still reaches a head recorded elsewhere earlier (`head()`).
 */
import { createHash } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import { detached } from '../db/transaction-guard.ts';
import type { DB } from '../db/types.ts';
import type { Actor } from './access.ts';
import { type AccessScope, scoped } from './authorize.ts';
import { canonicalJson } from './canonical-json.ts';
import { routeOf } from './request-context.ts';

export type AuditOutcome = 'ok' | 'denied' | 'failed';

export interface AuditEntry {
  actor: Actor | null;
  action: string;
  resourceType?: string;
  resourceId?: string;
  unitCode?: string | null;
  outcome?: AuditOutcome;
  /**
   * Never personal data: ids, counts, reasons. `personIds`: every person a search or list returned (so each of them
   * can be told who saw them); `route` is filled in from the request being served.
   */
  details?: Record<string, string | number | boolean | null | string[]>;
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

/** The newest row of the chain: recorded outside the database, it later proves the tail was not cut off. */
export interface ChainHead {
  id: number;
  hash: string;
}

/** One access to a person, as `accessesTo` lists them. */
export interface PersonAccess {
  id: number;
  at: Date;
  actorType: string;
  actorId: string | null;
  /** the staff username, when the actor is a staff account */
  username: string | null;
  action: string;
  route: string | null;
  outcome: string;
}

/** What the audit viewer asks for; every field narrows the answer (all given ones must hold). */
export interface AuditFilter {
  /** entries about this person: a read of them alone, or a search or list that returned them */
  personId?: string | undefined;
  /** entries made by this actor (a staff user's id, a citizen's person id, a system name) */
  actorId?: string | undefined;
  /** this action exactly, or every action starting with it when it ends with a dot (`cases.`) */
  action?: string | undefined;
  /** entries at or after / before this time */
  from?: Date | undefined;
  to?: Date | undefined;
  /** entries older than this id (the next page after a page ending at that id) */
  beforeId?: number | undefined;
  limit: number;
}

/** One entry as the audit viewer lists it: what the chain holds, the staff username, never a list of people. */
export interface AuditListEntry extends PersonAccess {
  resourceType: string | null;
  resourceId: string | null;
  unitCode: string | null;
  /** how many people a search or list returned (`details.personIds`), which the viewer does not list */
  personCount: number;
  /** the entry's other details (ids, counts, reasons — never personal data) */
  details: Record<string, string | number | boolean | null>;
}

/** Adds the route of the request being served to an entry made by that request's actor. */
function withRoute(entry: AuditEntry): AuditEntry {
  const route = routeOf(entry.actor);
  if (!route || entry.details?.route !== undefined) return entry;
  return { ...entry, details: { ...entry.details, route } };
}

export interface Audit {
  /** Appends inside the caller's transaction (for writes). */
  append(trx: Transaction<DB>, entry: AuditEntry): Promise<void>;
  /** Appends several entries inside the caller's transaction (batched writes). */
  appendMany(trx: Transaction<DB>, entries: AuditEntry[]): Promise<void>;
  /** Appends in a group-committed transaction of its own; resolves when durable (for reads and auth events). */
  record(entry: AuditEntry): Promise<void>;
  /**
   * Walks the chain from the genesis; with `head`, also fails when no row of the chain has that hash (the rows from
   * it on were removed, or the chain ends before it).
   */
  verify(opts?: { head?: string | undefined }): Promise<VerifyResult>;
  /** The newest row's id and hash, or null for an empty log. */
  head(): Promise<ChainHead | null>;
  /** Every recorded access to a person — read alone or returned in a list — newest first. */
  accessesTo(personId: string, opts?: { limit?: number | undefined }): Promise<PersonAccess[]>;
  /**
   * Entries matching the filter, newest first, whose unit lies in `scope` (the caller's reach: national scope, or
   * `systemScope` when the person or actor asked about was authorized instead, reaches entries without a unit too).
   */
  search(filter: AuditFilter, scope: AccessScope): Promise<AuditListEntry[]>;
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
    append: (trx, entry) => insertChained(trx, [withRoute(entry)]),
    appendMany: (trx, entries) => insertChained(trx, entries),

    record(entry) {
      return new Promise<void>((resolve, reject) => {
        pending.push({ entry: withRoute(entry), resolve, reject });
        if (!flushing) {
          flushing = true;
          // the loop serves every caller and waits for its own connection: it is no caller's transaction's work
          // (a denial is recorded, not awaited, from inside a transaction: people/service.ts)
          detached(() => void flushLoop());
        }
      });
    },

    async verify(opts = {}) {
      let prev = GENESIS_HASH;
      let lastId = 0;
      let checked = 0;
      let headSeen = opts.head === undefined;
      for (;;) {
        const rows = await db
          .selectFrom('audit_log')
          .selectAll()
          .where('id', '>', lastId)
          .orderBy('id')
          .limit(5000)
          .execute();
        if (rows.length === 0) {
          if (headSeen) return { ok: true, checked };
          return {
            ok: false,
            checked,
            reason: `the chain does not reach head ${opts.head}: rows were removed from its end (or it is another log's head)`,
          };
        }
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
          if (row.hash === opts.head) headSeen = true;
        }
      }
    },

    async head() {
      const row = await db
        .selectFrom('audit_log')
        .select(['id', 'hash'])
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ?? null;
    },

    async accessesTo(personId, opts = {}) {
      // both halves use an index: (resource_type, resource_id), and the GIN index over details->'personIds' whose
      // predicate (details ? 'personIds') is repeated here so the planner may use it (migration 0015)
      const rows = await db
        .selectFrom('audit_log as a')
        .leftJoin('staff_users as s', (j) => j.on(sql<boolean>`a.actor_type = 'staff' and s.id::text = a.actor_id`))
        .select([
          'a.id',
          'a.at',
          'a.actor_type',
          'a.actor_id',
          's.username',
          'a.action',
          sql<string | null>`a.details->>'route'`.as('route'),
          'a.outcome',
        ])
        .where((eb) =>
          eb.or([
            eb.and([eb('a.resource_type', '=', 'person'), eb('a.resource_id', '=', personId)]),
            sql<boolean>`(a.details ? 'personIds' and a.details->'personIds' @> ${JSON.stringify([personId])}::jsonb)`,
          ]),
        )
        .orderBy('a.id', 'desc')
        .limit(opts.limit ?? 1000)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        at: r.at,
        actorType: r.actor_type,
        actorId: r.actor_id,
        username: r.username,
        action: r.action,
        route: r.route,
        outcome: r.outcome,
      }));
    },

    async search(filter, scope) {
      let q = scoped(
        db
          .selectFrom('audit_log as a')
          .leftJoin('admin_units as u', 'u.code', 'a.unit_code')
          .leftJoin('staff_users as s', (j) => j.on(sql<boolean>`a.actor_type = 'staff' and s.id::text = a.actor_id`))
          .select([
            'a.id',
            'a.at',
            'a.actor_type',
            'a.actor_id',
            's.username',
            'a.action',
            'a.resource_type',
            'a.resource_id',
            'a.unit_code',
            'a.outcome',
            'a.details',
          ]),
        scope,
        'u.path',
      );
      const personId = filter.personId;
      if (personId) {
        // the same two indexed halves as accessesTo
        q = q.where((eb) =>
          eb.or([
            eb.and([eb('a.resource_type', '=', 'person'), eb('a.resource_id', '=', personId)]),
            sql<boolean>`(a.details ? 'personIds' and a.details->'personIds' @> ${JSON.stringify([personId])}::jsonb)`,
          ]),
        );
      }
      if (filter.actorId) q = q.where('a.actor_id', '=', filter.actorId);
      if (filter.action?.endsWith('.')) q = q.where('a.action', 'like', `${filter.action.replace(/[\\%_]/g, '\\$&')}%`);
      else if (filter.action) q = q.where('a.action', '=', filter.action);
      if (filter.from) q = q.where('a.at', '>=', filter.from);
      if (filter.to) q = q.where('a.at', '<', filter.to);
      if (filter.beforeId !== undefined) q = q.where('a.id', '<', filter.beforeId);
      const rows = await q.orderBy('a.id', 'desc').limit(filter.limit).execute();
      return rows.map((r) => {
        const { personIds, route, ...rest } = (r.details ?? {}) as Record<string, unknown>;
        const details: Record<string, string | number | boolean | null> = {};
        for (const [key, value] of Object.entries(rest)) {
          if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
            details[key] = value as string | number | boolean | null;
          }
        }
        return {
          id: r.id,
          at: r.at,
          actorType: r.actor_type,
          actorId: r.actor_id,
          username: r.username,
          action: r.action,
          route: typeof route === 'string' ? route : null,
          outcome: r.outcome,
          resourceType: r.resource_type,
          resourceId: r.resource_id,
          unitCode: r.unit_code,
          personCount: Array.isArray(personIds) ? personIds.length : 0,
          details,
        };
      });
    },
  };
}
