/**
 * The testing module's result write path, lighter (issue 16's benchmark: 200,000 results per file):
 *   - a member's standing in a tube is derived from the tube (pending, its result, `retest` for a positive pool,
 *     `rejected`) instead of being a column rewritten for every member of every tube;
 *   - two indexes nothing reads (results by tube, tubes by result time) are dropped: each cost an index insert per
 *     recorded result;
 *   - a result row's tube and lab carry no foreign keys (like the tracing evidence columns, migrations 0007 and
 *     0011): the one writer has just locked that tube and loaded that lab in the same transaction, and tubes and
 *     labs are never deleted; the per-row constraint triggers were the largest cost of a 200,000-row file.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table sample_members drop column status;
    drop index sample_results_sample_idx;
    drop index samples_resulted_idx;
    alter table sample_results drop constraint sample_results_sample_id_fkey;
    alter table sample_results drop constraint sample_results_lab_id_fkey;
  `.execute(db);
}
