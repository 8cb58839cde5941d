/**
 * `Idempotency-Key` for writes that clients retry (offline sync, flaky networks): the one Node-side implementation of
 * the rules, which every module uses.
 *
 * - Keys are scoped per actor (`scope`), and a request is named by `requestHash(route, body)`.
 * - The key's record (`idempotency_keys`, a platform table) is inserted in the same transaction as the write, so
 *   either both exist or neither.
 * - A retry with the same key and the same request gets the stored response (status 200, header
 *   `idempotent-replayed: true`); the same key with a different request gets 422 IDEMPOTENCY_KEY_REUSED.
 * - When two requests with one key race, one inserts the record and the other answers with its result.
 * - Records live as long as the check-in retention window (`purgeIdempotencyKeys`, run by check-in maintenance):
 *   the stored answers name people.
 *
 * The check-in writer decides whole batches in SQL: `checkins_ingest` (db/functions/checkins_ingest.sql) is the
 * set-based twin of `findStored` and of the insert in `runIdempotent` — the same rules (stored → its answer,
 * another hash → reused/422, a concurrent insert → the winner's answer via `findStored`), one statement for many
 * keys. A change to the rules here is a change there too. So is the vaccination dose writer's (modules/vaccination/
 * writer.ts with db/functions/vaccination_doses.sql): it takes this file's lock for each key of a batch, reads the
 * stored keys under the locks, answers them by these rules and inserts the records of the doses it writes.
 */
import { createHash } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../db/types.ts';
import { canonicalJson } from './canonical-json.ts';
import { AppError } from './errors.ts';

export interface IdempotentResult<T> {
  status: number;
  body: T;
  replayed: boolean;
}

// any 1–128 visible ASCII characters (the IETF Idempotency-Key header is an opaque string; clients send UUIDs, but
// also "order-17" or "k1"): keys are scoped by the caller, so a short one collides with nothing but the caller's own
export const IDEMPOTENCY_KEY_CHARS = '^[\\x21-\\x7e]+$';
export const IDEMPOTENCY_KEY_MAX = 128;
const KEY_PATTERN = new RegExp(IDEMPOTENCY_KEY_CHARS);

class AlreadyDone extends Error {}

/** Validates a raw header value; undefined when absent. */
export function parseIdempotencyKey(raw: string | string[] | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (!key || key.length > IDEMPOTENCY_KEY_MAX || !KEY_PATTERN.test(key))
    throw new AppError('IDEMPOTENCY_KEY_INVALID', 400);
  return key;
}

export function requestHash(route: string, body: unknown): string {
  return createHash('sha256').update(route).update(canonicalJson(body)).digest('hex');
}

/**
 * The answer stored under `key` in `scope`: status 200 with the stored body, or 422 IDEMPOTENCY_KEY_REUSED when the
 * key was used for another request (`hash` differs); undefined when the key is new. `T` is the caller's word for the
 * body's type (the stored JSON is what that route answered).
 */
export async function findStored<T>(
  q: Kysely<DB> | Transaction<DB>,
  scope: string,
  key: string,
  hash: string,
): Promise<{ status: 200; body: T } | undefined> {
  const row = await q
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'response'])
    .where('scope', '=', scope)
    .where('key', '=', key)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.request_hash !== hash) throw new AppError('IDEMPOTENCY_KEY_REUSED', 422);
  return { status: 200, body: row.response as T };
}

/** Deletes the records made before `before` (their stored answers name people); returns how many. */
export async function purgeIdempotencyKeys(db: Kysely<DB>, before: Date): Promise<number> {
  const deleted = await db.deleteFrom('idempotency_keys').where('created_at', '<', before).executeTakeFirst();
  return Number(deleted.numDeletedRows ?? 0);
}

/**
 * Runs `work` in a transaction unless `key` was already used in `scope`. Without a key it simply runs it.
 */
export async function runIdempotent<T>(
  db: Kysely<DB>,
  scope: string,
  key: string | undefined,
  hash: string,
  work: (trx: Transaction<DB>) => Promise<{ status: number; body: T }>,
): Promise<IdempotentResult<T>> {
  const replay = async (): Promise<IdempotentResult<T> | undefined> => {
    if (!key) return undefined;
    const stored = await findStored<T>(db, scope, key, hash);
    return stored && { ...stored, replayed: true };
  };

  const earlier = await replay();
  if (earlier) return earlier;
  try {
    return await db.transaction().execute(async (trx) => {
      if (key) {
        // requests with the same key run one after the other: a concurrent retry waits for the first to commit
        // and then replays its result, instead of running the work a second time
        await sql`select pg_advisory_xact_lock(7231003, hashtext(${`${scope}:${key}`}))`.execute(trx);
        const done = await trx
          .selectFrom('idempotency_keys')
          .select('key')
          .where('scope', '=', scope)
          .where('key', '=', key)
          .executeTakeFirst();
        if (done) throw new AlreadyDone();
      }
      const result = await work(trx);
      if (key) {
        const inserted = await trx
          .insertInto('idempotency_keys')
          .values({ scope, key, request_hash: hash, status_code: result.status, response: JSON.stringify(result.body) })
          .onConflict((oc) => oc.doNothing())
          .returning('key')
          .executeTakeFirst();
        // a concurrent request with the same key won the race: undo ours and answer with its result
        if (!inserted) throw new AlreadyDone();
      }
      return { ...result, replayed: false };
    });
  } catch (err) {
    if (err instanceof AlreadyDone) {
      const winner = await replay();
      if (winner) return winner;
    }
    throw err;
  }
}
