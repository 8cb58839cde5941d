/**
 * Verification codes against guessing (exposure/README.md, "Guessing codes"):
 *   - `en_verify_failures`: one row per failed verification (a wrong, used or expired code) by anyone, and per
 *     attempt still being answered; verify counts the rows of the last minutes and refuses everyone past the limit.
 *     Rows older than the window are deleted by the hourly export.
 *   - `en_verification_codes_live_idx`: the codes waiting to be used (not verified, by expiry), counted at every
 *     issuance against the cap the limit is sized for.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table en_verify_failures (
      id uuid primary key default gen_random_uuid(),
      at timestamptz not null
    );
    create index en_verify_failures_at_idx on en_verify_failures (at);
    create index en_verification_codes_live_idx on en_verification_codes (expires_at) where verified_at is null;
  `.execute(db);
}
