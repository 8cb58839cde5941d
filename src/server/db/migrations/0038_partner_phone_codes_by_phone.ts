/**
 * The per-phone send limit of partners' one-time codes counts a phone's codes of the last hour from every partner
 * (modules/declarations/partners.ts): `partner_phone_codes_idx` leads with the partner, so that count read the whole
 * table. An index on (phone, created_at) answers it from the phone's own entries. The codes are purged a day after
 * they were sent (declarations.maintain), so both indexes stay small.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index partner_phone_codes_phone_idx on partner_phone_codes (phone, created_at)`.execute(db);
}
