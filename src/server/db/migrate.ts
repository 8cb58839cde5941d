/**
 * The schema, in two parts applied at every start:
 *   - forward-only numbered migrations: each file in ./migrations is `NNNN_name.ts` exporting `up(db)`, applied
 *     once, in order. Never edit a landed migration.
 *   - the SQL function sources (./functions/*.sql, like Flyway's repeatable R__ scripts): the one live definition
 *     of each SQL function and view, idempotent (`create or replace`). After the numbered migrations, every file
 *     whose text (SHA-256) differs from the one recorded in `schema_functions` (every file, when a numbered
 *     migration ran) is applied, all in one transaction. They are written for the latest schema: a numbered
 *     migration never relies on them. To change a function, edit its file; to change its parameters, begin the file
 *     with `drop function if exists name(<old parameter types>)`.
 * Both lists are explicit here so bundling and tsx loading never depend on directory scans.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import * as m0001 from './migrations/0001_foundation.ts';
import * as m0002 from './migrations/0002_venues_checkins.ts';
import * as m0003 from './migrations/0003_cases_tracing.ts';
import * as m0004 from './migrations/0004_audit_append_function.ts';
import * as m0005 from './migrations/0005_totp_last_step.ts';
import * as m0006 from './migrations/0006_audit_append_arrays.ts';
import * as m0007 from './migrations/0007_tracing_write_path.ts';
import * as m0008 from './migrations/0008_checkins_write.ts';
import * as m0009 from './migrations/0009_checkins_ingest.ts';
import * as m0010 from './migrations/0010_checkins_covering_indexes.ts';
import * as m0011 from './migrations/0011_exposure_notices_view.ts';
import * as m0012 from './migrations/0012_checkins_ingest_probes.ts';
import * as m0013 from './migrations/0013_venue_verification_door_codes.ts';
import * as m0014 from './migrations/0014_checkin_evidence_confirmation.ts';
import * as m0015 from './migrations/0015_audit_person_refs.ts';
import * as m0016 from './migrations/0016_login_throttle.ts';
import * as m0017 from './migrations/0017_function_sources.ts';
import * as m0018 from './migrations/0018_exposure_notification.ts';
import * as m0019 from './migrations/0019_testing.ts';
import * as m0021 from './migrations/0021_testing_write_path.ts';
import * as m0022 from './migrations/0022_declarations.ts';
import * as m0023 from './migrations/0023_password_reset_quarantine_list.ts';
import * as m0024 from './migrations/0024_list_pages.ts';
import * as m0025 from './migrations/0025_case_contact_counts.ts';
import * as m0026 from './migrations/0026_vaccination.ts';
import * as m0027 from './migrations/0027_green_pass.ts';
import * as m0028 from './migrations/0028_declaration_stats_shards.ts';
import * as m0030 from './migrations/0030_vaccination_registration_person.ts';
import * as m0032 from './migrations/0032_organisations.ts';
import * as m0035 from './migrations/0035_declarations_unused_index.ts';
import * as m0036 from './migrations/0036_declarations_retention.ts';
import * as m0037 from './migrations/0037_people_unit_counts.ts';
import * as m0038 from './migrations/0038_partner_phone_codes_by_phone.ts';
import * as m0039 from './migrations/0039_vaccination_reason_notes.ts';
import * as m0040 from './migrations/0040_vaccination_pending_by_person.ts';
import * as m0041 from './migrations/0041_exposure_verify_limits.ts';
import * as m0042 from './migrations/0042_people_national_id_claims.ts';
import * as m0043 from './migrations/0043_people_national_id_claims_list.ts';
import * as m0044 from './migrations/0044_people_phone_claims.ts';
import * as m0045 from './migrations/0045_declarations_transport_member_lookups.ts';
import * as m0046 from './migrations/0046_rate_limit_hits.ts';
import type { DB } from './types.ts';

const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_venues_checkins': m0002,
  '0003_cases_tracing': m0003,
  '0004_audit_append_function': m0004,
  '0005_totp_last_step': m0005,
  '0006_audit_append_arrays': m0006,
  '0007_tracing_write_path': m0007,
  '0008_checkins_write': m0008,
  '0009_checkins_ingest': m0009,
  '0010_checkins_covering_indexes': m0010,
  '0011_exposure_notices_view': m0011,
  '0012_checkins_ingest_probes': m0012,
  '0013_venue_verification_door_codes': m0013,
  '0014_checkin_evidence_confirmation': m0014,
  '0015_audit_person_refs': m0015,
  '0016_login_throttle': m0016,
  '0017_function_sources': m0017,
  '0018_exposure_notification': m0018,
  '0019_testing': m0019,
  '0021_testing_write_path': m0021,
  '0022_declarations': m0022,
  '0023_password_reset_quarantine_list': m0023,
  '0024_list_pages': m0024,
  '0025_case_contact_counts': m0025,
  '0026_vaccination': m0026,
  '0027_green_pass': m0027,
  '0028_declaration_stats_shards': m0028,
  '0030_vaccination_registration_person': m0030,
  '0032_organisations': m0032,
  '0035_declarations_unused_index': m0035,
  '0036_declarations_retention': m0036,
  '0037_people_unit_counts': m0037,
  '0038_partner_phone_codes_by_phone': m0038,
  '0039_vaccination_reason_notes': m0039,
  '0040_vaccination_pending_by_person': m0040,
  '0041_exposure_verify_limits': m0041,
  '0042_people_national_id_claims': m0042,
  '0043_people_national_id_claims_list': m0043,
  '0044_people_phone_claims': m0044,
  '0045_declarations_transport_member_lookups': m0045,
  '0046_rate_limit_hits': m0046,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** The function sources in ./functions, applied in this order (functions.int.test.ts checks it against the folder). */
export const FUNCTION_FILES = [
  'audit_log_append_only.sql',
  'audit_append_rows.sql',
  'declaration_door_checks.sql',
  'checkins_ingest.sql',
  'exposure_notices.sql',
  'cases_person_held.sql',
  'declarations_record.sql',
  'vaccination_doses.sql',
] as const;

// Beside this module in src/server/db and in dist/server/db alike: `npm run build:server` copies the folder.
const FUNCTIONS_DIR = new URL('./functions/', import.meta.url);

// Several instances starting at once on one PostgreSQL apply the sources one after the other.
const FUNCTIONS_LOCK = 7_231_005;

export interface FunctionSource {
  /** the file name in the functions folder, e.g. `checkins_ingest.sql` */
  name: string;
  text: string;
  /** SHA-256 of the text, hex */
  checksum: string;
}

/** Reads the function sources listed in FUNCTION_FILES from `dir` (default: the shipped folder); a missing one throws. */
export function readFunctionSources(dir: URL = FUNCTIONS_DIR): FunctionSource[] {
  return FUNCTION_FILES.map((name) => {
    const text = readFileSync(new URL(name, dir), 'utf8');
    return { name, text, checksum: createHash('sha256').update(text).digest('hex') };
  });
}

let shipped: FunctionSource[] | undefined;
// Read once: the files change only with a new release, which restarts the process (and /readyz asks often).
function shippedSources(): FunctionSource[] {
  shipped ??= readFunctionSources();
  return shipped;
}

/** The checksums recorded in `schema_functions`; empty before migration 0017 created it. */
async function recordedChecksums(db: Kysely<DB>): Promise<Map<string, string>> {
  const table = await sql<{ t: string | null }>`select to_regclass('schema_functions')::text as t`.execute(db);
  if (!table.rows[0]?.t) return new Map();
  const rows = await sql<{ name: string; checksum: string }>`select name, checksum from schema_functions`.execute(db);
  return new Map(rows.rows.map((r) => [r.name, r.checksum]));
}

/**
 * Applies, in one transaction, each of `sources` (the complete set, in order) whose checksum differs from the one
 * recorded — or every one with `all` — and records its checksum; returns the names applied. Throws, naming the
 * file, when one fails (nothing is applied then). Needs migration 0017.
 */
export async function applyFunctionSources(
  db: Kysely<DB>,
  sources: FunctionSource[],
  options: { all?: boolean } = {},
): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${FUNCTIONS_LOCK})`.execute(trx);
    // read under the lock: another instance may have applied them meanwhile
    const recorded = await recordedChecksums(trx);
    const changed = options.all ? sources : sources.filter((s) => recorded.get(s.name) !== s.checksum);
    for (const source of changed) {
      try {
        await sql.raw(source.text).execute(trx);
      } catch (err) {
        throw new Error(`function source ${source.name} failed: ${String(err)}`, { cause: err });
      }
      await sql`insert into schema_functions (name, checksum) values (${source.name}, ${source.checksum})
                on conflict (name) do update set checksum = excluded.checksum, applied_at = now()`.execute(trx);
    }
    // a file removed and later restored must apply again, not match a checksum recorded before a migration dropped
    // what it defined
    await sql`delete from schema_functions where name <> all(${sources.map((s) => s.name)}::text[])`.execute(trx);
    return changed.map((s) => s.name);
  });
}

/**
 * Applies every pending migration, then the function sources that changed (all of them when a migration ran: it may
 * have dropped what one defines, e.g. a view over a column it alters). Returns what was applied, function sources
 * as `functions/<file>`; throws naming the failing migration or file.
 */
export async function migrateToLatest(db: Kysely<DB>): Promise<string[]> {
  const migrator = new Migrator({ db, provider, migrationTableName: 'schema_migrations' });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${String(error)}`, { cause: error });
  }
  const migrated = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  const functions = await applyFunctionSources(db, shippedSources(), { all: migrated.length > 0 });
  return [...migrated, ...functions.map((name) => `functions/${name}`)];
}

/**
 * Applies the numbered migrations up to and including `name`, not the function sources (written for the latest
 * schema). Tests of a migration's backfill start from the one before.
 */
export async function migrateTo(db: Kysely<DB>, name: string): Promise<void> {
  const migrator = new Migrator({ db, provider, migrationTableName: 'schema_migrations' });
  const { error } = await migrator.migrateTo(name);
  if (error) throw new Error(`migration to ${name} failed: ${String(error)}`, { cause: error });
}

/**
 * Migrations that exist in code but are not applied yet, then function sources whose text differs from the one
 * applied, as `functions/<file>` (used by /readyz).
 */
export async function pendingMigrations(db: Kysely<DB>): Promise<string[]> {
  const migrator = new Migrator({ db, provider, migrationTableName: 'schema_migrations' });
  const all = await migrator.getMigrations();
  const recorded = await recordedChecksums(db);
  const functions = shippedSources().filter((s) => recorded.get(s.name) !== s.checksum);
  return [...all.filter((m) => !m.executedAt).map((m) => m.name), ...functions.map((s) => `functions/${s.name}`)];
}
