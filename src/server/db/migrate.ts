/**
 * Forward-only migrations. Each file in ./migrations is `NNNN_name.ts` exporting `up(db)`; files are listed
 * here explicitly so bundling and tsx loading never depend on directory scans. Never edit a landed migration.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
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
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Applies every pending migration; throws with the failing migration's name on error. */
export async function migrateToLatest(db: Kysely<DB>): Promise<string[]> {
  const migrator = new Migrator({ db, provider, migrationTableName: 'schema_migrations' });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${String(error)}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Applies the migrations up to and including `name` (tests of a migration's backfill start from the one before). */
export async function migrateTo(db: Kysely<DB>, name: string): Promise<void> {
  const migrator = new Migrator({ db, provider, migrationTableName: 'schema_migrations' });
  const { error } = await migrator.migrateTo(name);
  if (error) throw new Error(`migration to ${name} failed: ${String(error)}`, { cause: error });
}

/** Names of migrations that exist in code but are not applied yet (used by /readyz). */
export async function pendingMigrations(db: Kysely<DB>): Promise<string[]> {
  const migrator = new Migrator({ db, provider, migrationTableName: 'schema_migrations' });
  const all = await migrator.getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}
