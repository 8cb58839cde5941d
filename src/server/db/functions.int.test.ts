/**
 * The SQL function sources (db/functions/*.sql) on a migrated database: every SQL function and view in it is
 * defined by exactly one file, and its live definition is what applying that file gives; a file is applied again
 * when its text changes and only then; a failing file leaves every definition and checksum as it was.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../../test/harness.ts';
import {
  applyFunctionSources,
  FUNCTION_FILES,
  migrateToLatest,
  pendingMigrations,
  readFunctionSources,
} from './migrate.ts';
import type { DB } from './types.ts';

const FUNCTIONS_DIR = new URL('./functions/', import.meta.url);

let env: TestEnv;
let db: Kysely<DB>;
const scratch: string[] = [];

beforeAll(async () => {
  env = await createTestEnv({ provinces: [] });
  db = env.ctx.db;
}, 180_000);
afterAll(async () => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  await env?.close();
}, 60_000);

interface LiveObject {
  /** `function name(identity arguments)` or `view name` */
  object: string;
  name: string;
  definition: string;
}

/** Every SQL function (pg_get_functiondef) and view (pg_get_viewdef) of the public schema, extensions' excepted. */
async function liveObjects(conn: Kysely<DB>): Promise<LiveObject[]> {
  const res = await sql<LiveObject>`
    select 'function ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' as object,
           p.proname::text as name, pg_get_functiondef(p.oid) as definition
    from pg_proc p
    where p.pronamespace = 'public'::regnamespace
      and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
    union all
    select 'view ' || c.relname, c.relname::text, pg_get_viewdef(c.oid)
    from pg_class c
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('v', 'm')
    order by 1`.execute(conn);
  return res.rows;
}

/** The names a source defines: its `create or replace function|view` statements (comments stripped). */
function definedNames(text: string): string[] {
  const code = text.replace(/--[^\n]*/g, '');
  expect(code, 'a function source only creates with `create or replace`').not.toMatch(
    /\bcreate\s+(?!or\s+replace\b)(?:\w+\s+)?(?:function|view)\b/i,
  );
  return [...code.matchAll(/\bcreate\s+or\s+replace\s+(?:function|view)\s+(?:public\.)?(\w+)/gi)].map((m) =>
    String(m[1]),
  );
}

/** A copy of the shipped sources in a scratch folder, with `edits` (file → text transform) applied. */
function editedSources(edits: Record<string, (text: string) => string>): URL {
  const dir = mkdtempSync(join(tmpdir(), 'truyvet-functions-'));
  scratch.push(dir);
  cpSync(FUNCTIONS_DIR, dir, { recursive: true });
  for (const [name, edit] of Object.entries(edits)) {
    const path = join(dir, name);
    writeFileSync(path, edit(readFileSync(path, 'utf8')));
  }
  return pathToFileURL(`${dir}/`);
}

const appendOnlyDefinition = async () =>
  (await liveObjects(db)).find((o) => o.name === 'audit_log_append_only')?.definition ?? '';

const recorded = async () =>
  Object.fromEntries(
    (await sql<{ name: string; checksum: string }>`select name, checksum from schema_functions`.execute(db)).rows.map(
      (r) => [r.name, r.checksum],
    ),
  );

describe('function sources', () => {
  it('the folder holds exactly the listed files', () => {
    expect(readdirSync(FUNCTIONS_DIR).sort()).toEqual([...FUNCTION_FILES].sort());
  });

  it('every live function and view is defined by one file, and its definition is what applying that file gives', async () => {
    const live = await liveObjects(db);
    const names = live.map((o) => o.name);
    // an overload left behind by a signature change would be a second definition of the same name
    expect(new Set(names).size, `one definition per name: ${names.join(', ')}`).toBe(names.length);
    const byFile = readFunctionSources().map((s) => ({ ...s, defines: definedNames(s.text) }));
    for (const s of byFile) expect(s.defines.length, `${s.name} defines something`).toBeGreaterThan(0);
    const defined = byFile.flatMap((s) => s.defines);
    expect(new Set(defined).size, `no name in two files: ${defined.join(', ')}`).toBe(defined.length);
    expect([...defined].sort()).toEqual([...names].sort());

    for (const source of byFile) {
      const trx = await db.startTransaction().execute();
      try {
        await sql.raw(source.text).execute(trx);
        expect(await liveObjects(trx), source.name).toEqual(live);
      } finally {
        await trx.rollback().execute();
      }
    }
  });

  it('an unchanged file is not applied again', async () => {
    expect(await migrateToLatest(db)).toEqual([]);
    // a definition changed behind the migrator's back stays: the file, unchanged, is not run again
    await sql
      .raw(`create or replace function audit_log_append_only() returns trigger language plpgsql as $$
      begin raise exception 'changed by hand'; end $$`)
      .execute(db);
    try {
      expect(await migrateToLatest(db)).toEqual([]);
      expect(await pendingMigrations(db)).toEqual([]);
      expect(await appendOnlyDefinition()).toContain('changed by hand');
    } finally {
      await applyFunctionSources(db, readFunctionSources(), { all: true });
    }
    expect(await appendOnlyDefinition()).not.toContain('changed by hand');
  });

  it('an edited file is applied again, its checksum recorded; the shipped text is then pending until applied', async () => {
    const shipped = await recorded();
    const dir = editedSources({
      'audit_log_append_only.sql': (t) =>
        t.replace("'audit_log is append-only'", "'audit_log is append-only (edited)'"),
    });
    const edited = readFunctionSources(dir);
    expect(await applyFunctionSources(db, edited)).toEqual(['audit_log_append_only.sql']);
    expect(await appendOnlyDefinition()).toContain('append-only (edited)');
    expect(await recorded()).toEqual({
      ...shipped,
      'audit_log_append_only.sql': edited.find((s) => s.name === 'audit_log_append_only.sql')?.checksum,
    });
    expect(await applyFunctionSources(db, edited)).toEqual([]);
    // the database now differs from the shipped files: /readyz says so, and the next start puts the shipped text back
    expect(await pendingMigrations(db)).toEqual(['functions/audit_log_append_only.sql']);
    expect(await migrateToLatest(db)).toEqual(['functions/audit_log_append_only.sql']);
    expect(await appendOnlyDefinition()).not.toContain('(edited)');
    expect(await recorded()).toEqual(shipped);
    expect(await pendingMigrations(db)).toEqual([]);
  });

  it('a failing file applies nothing of its run and names itself', async () => {
    const shipped = await recorded();
    const before = await liveObjects(db);
    const dir = editedSources({
      'audit_log_append_only.sql': (t) =>
        t.replace("'audit_log is append-only'", "'audit_log is append-only (edited)'"),
      'checkins_ingest.sql': (t) => `${t}\ncreate or replace function checkins_ingest_broken( language plpgsql;\n`,
    });
    await expect(applyFunctionSources(db, readFunctionSources(dir))).rejects.toThrow(/checkins_ingest\.sql/);
    expect(await liveObjects(db)).toEqual(before);
    expect(await recorded()).toEqual(shipped);
  });
});
