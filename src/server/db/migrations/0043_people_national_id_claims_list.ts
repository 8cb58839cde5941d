/**
 * The commune's work list of national IDs to verify (`GET /people/national-id-claims`, people/README.md): the people
 * of an area whose national ID is only a claim, oldest record first, a page at a time (keyset on `(created_at, id)`).
 * Two partial indexes over the claims alone — a small share of people, shrinking as staff verify them — from which
 * a page's ids are read without the table (index-only; `listClaims` in people/repo.ts):
 *   - `people_national_id_claims_unit_idx`: an area's claims unit by unit (a commune, a district): its few claims,
 *     then sorted;
 *   - `people_national_id_claims_list_idx`: a wide area (a province, the country) in the list's order, keeping the
 *     rows whose unit lies in it, stopping after the page.
 * Measured on PostgreSQL 15 (3,000,000 people of one province, 75,000 claims; a page of 50, p50 warm): a commune
 * 3 ms, a district 4 ms, the province 2 ms, the country 2 ms; without these indexes 5, 53, 330 and 520 ms; with the
 * unit index alone the province took 17 ms and the country 48 ms (every claim read and sorted).
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create index people_national_id_claims_unit_idx on people (unit_code, created_at, id)
      where national_id_claim is not null;
    create index people_national_id_claims_list_idx on people (created_at, id) include (unit_code)
      where national_id_claim is not null;
  `.execute(db);
}
