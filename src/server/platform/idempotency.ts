/**
 * `Idempotency-Key` for writes that clients retry (offline sync, flaky networks). The key's record is
 * inserted in the same transaction as the write, so either both exist or neither; a retry with the same key
 * and the same request gets the stored response (status 200, header `idempotent-replayed: true`), a retry
 * with the same key and a different request gets 422 IDEMPOTENCY_KEY_REUSED. Keys are scoped per actor.
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

const KEY_PATTERN = /^[A-Za-z0-9_-]{8,128}$/;

class AlreadyDone extends Error {}

/** Validates a raw header value; undefined when absent. */
export function parseIdempotencyKey(raw: string | string[] | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (!key || !KEY_PATTERN.test(key)) throw new AppError('IDEMPOTENCY_KEY_INVALID', 400);
  return key;
}

export function requestHash(route: string, body: unknown): string {
  return createHash('sha256').update(route).update(canonicalJson(body)).digest('hex');
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
    const row = await db
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'status_code', 'response'])
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.request_hash !== hash) throw new AppError('IDEMPOTENCY_KEY_REUSED', 422);
    return { status: 200, body: row.response as T, replayed: true };
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
