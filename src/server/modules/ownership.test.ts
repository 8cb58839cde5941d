/**
 * One owner per table, checked: every table of `db/types.ts` is owned by exactly one module manifest (or by the
 * platform), a module's code writes only the tables it owns, and reads another module's table only where its
 * manifest declares that read with a reason. docs/ARCHITECTURE.md's ownership table says the same as the manifests.
 *
 * The scan reads the source text (comments removed): Kysely calls naming a table (`selectFrom('people as p')`,
 * `insertInto('cases')`, joins…) and SQL written in templates (`from checkins c`, `insert into jobs`, …).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLATFORM_READS, PLATFORM_TABLES } from '../platform/module.ts';
import { MANIFESTS } from './manifests.ts';

const root = new URL('../../../', import.meta.url).pathname;
const modulesDir = join(root, 'src/server/modules');
const platformDir = join(root, 'src/server/platform');

/** The tables of `DB` in db/types.ts (`  name: NameTable;` lines of that interface). */
function schemaTables(): string[] {
  const text = readFileSync(join(root, 'src/server/db/types.ts'), 'utf8');
  const body = /export interface DB \{([^}]*)\}/.exec(text)?.[1];
  if (!body) throw new Error('db/types.ts has no `export interface DB { … }`');
  return [...body.matchAll(/^\s*([a-z_]+)\s*:/gm)].map((m) => m[1] as string);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|sql)$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

function stripComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1')
    .replace(/--.*$/gm, ' ');
}

interface Use {
  table: string;
  write: boolean;
}

/** Every table the source names, and whether it writes it. */
export function tablesUsed(source: string, tables: readonly string[]): Use[] {
  const text = stripComments(source);
  const known = new Set(tables);
  const uses: Use[] = [];
  const add = (table: string | undefined, write: boolean) => {
    if (table && known.has(table)) uses.push({ table, write });
  };
  for (const m of text.matchAll(
    /\b(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto|innerJoin|leftJoin|rightJoin|fullJoin|crossJoin|innerJoinLateral|leftJoinLateral)\(\s*['"`]([a-z_]+)/g,
  )) {
    add(m[2], /^(insertInto|updateTable|deleteFrom|replaceInto|mergeInto)$/.test(m[1] as string));
  }
  // selectFrom(['a as x', 'b as y'])
  for (const m of text.matchAll(/\bselectFrom\(\s*\[([^\]]*)\]/g)) {
    for (const t of (m[1] as string).matchAll(/['"`]([a-z_]+)/g)) add(t[1], false);
  }
  for (const m of text.matchAll(
    /\b(insert\s+into|update|delete\s+from|truncate(?:\s+table)?|copy)\s+(?:only\s+)?([a-z_]+)\b/gi,
  )) {
    add(m[2], true);
  }
  for (const m of text.matchAll(/\b(from|join)\s+(?:only\s+)?([a-z_]+)\b/gi)) add(m[2], false);
  return uses;
}

describe('table ownership', () => {
  const tables = schemaTables();
  const owners = new Map<string, string[]>();
  for (const t of PLATFORM_TABLES) owners.set(t, ['platform']);
  for (const m of MANIFESTS) for (const t of m.owns) owners.set(t, [...(owners.get(t) ?? []), m.name]);

  it('gives every table of the schema exactly one owner, and owns no table the schema lacks', () => {
    const problems = [
      ...tables.filter((t) => (owners.get(t) ?? []).length !== 1).map((t) => `${t}: owners ${owners.get(t) ?? []}`),
      ...[...owners.keys()].filter((t) => !tables.includes(t)).map((t) => `${t}: owned but not in db/types.ts`),
    ];
    expect(problems).toEqual([]);
  });

  it('lets a module write only its own tables and read others only where its manifest says why', () => {
    const problems: string[] = [];
    for (const m of MANIFESTS) {
      const dir = join(modulesDir, m.name);
      for (const file of sourceFiles(dir)) {
        for (const use of tablesUsed(readFileSync(file, 'utf8'), tables)) {
          if (m.owns.includes(use.table)) continue;
          const where = `${file.slice(root.length)}: ${use.write ? 'writes' : 'reads'} ${use.table}`;
          if (use.write) problems.push(`${where} (owned by ${owners.get(use.table)})`);
          else if (!m.reads?.[use.table]) problems.push(`${where} without a declared read`);
        }
      }
    }
    expect([...new Set(problems)]).toEqual([]);
  });

  it('lets the platform write only its own tables and read module tables only where PLATFORM_READS says why', () => {
    const problems: string[] = [];
    const used = new Set<string>();
    for (const file of sourceFiles(platformDir)) {
      for (const use of tablesUsed(readFileSync(file, 'utf8'), tables)) {
        used.add(use.table);
        if ((PLATFORM_TABLES as readonly string[]).includes(use.table)) continue;
        const where = `${file.slice(root.length)}: ${use.write ? 'writes' : 'reads'} ${use.table}`;
        if (use.write) problems.push(`${where} (owned by ${owners.get(use.table)})`);
        else if (!PLATFORM_READS[use.table]) problems.push(`${where} without a reason in PLATFORM_READS`);
      }
    }
    for (const t of Object.keys(PLATFORM_READS)) {
      if ((PLATFORM_TABLES as readonly string[]).includes(t)) problems.push(`PLATFORM_READS names its own table ${t}`);
      else if (!used.has(t)) problems.push(`PLATFORM_READS declares a read of ${t} the platform does not make`);
    }
    expect([...new Set(problems)]).toEqual([]);
  });

  it('declares only reads the module makes, of tables it does not own', () => {
    const problems: string[] = [];
    for (const m of MANIFESTS) {
      const used = new Set(
        sourceFiles(join(modulesDir, m.name))
          .flatMap((f) => tablesUsed(readFileSync(f, 'utf8'), tables))
          .map((u) => u.table),
      );
      for (const t of Object.keys(m.reads ?? {})) {
        if (m.owns.includes(t)) problems.push(`${m.name} declares a read of its own table ${t}`);
        else if (!used.has(t)) problems.push(`${m.name} declares a read of ${t} it does not make`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('recognises the ways code names a table (the scan itself)', () => {
    const t = ['people', 'cases', 'checkins', 'jobs', 'admin_units'];
    expect(
      tablesUsed("db.selectFrom('people as p').innerJoin('admin_units as u', 'u.code', 'p.unit_code')", t),
    ).toEqual([
      { table: 'people', write: false },
      { table: 'admin_units', write: false },
    ]);
    expect(tablesUsed("trx.insertInto('cases').values(v); trx.updateTable('jobs')", t)).toEqual([
      { table: 'cases', write: true },
      { table: 'jobs', write: true },
    ]);
    expect(tablesUsed('sql`select 1 from checkins c join people p on p.id = c.person_id`', t)).toEqual([
      { table: 'checkins', write: false },
      { table: 'people', write: false },
    ]);
    expect(
      tablesUsed('sql`insert into jobs (topic) values (1)`; sql`delete from cases`', t).filter((u) => u.write),
    ).toEqual([
      { table: 'jobs', write: true },
      { table: 'cases', write: true },
    ]);
    // comments and unknown words are not uses
    expect(tablesUsed('// read from people\n/* join cases */ const x = "from the start";', t)).toEqual([]);
  });

  it('matches the ownership table in docs/ARCHITECTURE.md (owned tables and declared reads)', () => {
    const doc = readFileSync(join(root, 'docs/ARCHITECTURE.md'), 'utf8');
    const section = /<!-- ownership:start -->([\s\S]*?)<!-- ownership:end -->/.exec(doc)?.[1];
    expect(section, 'docs/ARCHITECTURE.md has an ownership table between the markers').toBeDefined();
    const names = (cell: string | undefined) =>
      [...(cell ?? '').matchAll(/`([a-z_]+)`/g)].map((m) => m[1] as string).sort();
    const documented: Record<string, { owns: string[]; reads: string[] }> = {};
    for (const row of (section as string).split('\n')) {
      const cells = row.split('|').map((c) => c.trim());
      if (cells.length < 5 || !/^`[a-z][a-z-]*`$/.test(cells[1] as string)) continue;
      documented[(cells[1] as string).replace(/`/g, '')] = { owns: names(cells[2]), reads: names(cells[3]) };
    }
    const expected: Record<string, { owns: string[]; reads: string[] }> = {
      platform: { owns: [...PLATFORM_TABLES].sort(), reads: Object.keys(PLATFORM_READS).sort() },
    };
    for (const m of MANIFESTS)
      expected[m.name] = { owns: [...m.owns].sort(), reads: Object.keys(m.reads ?? {}).sort() };
    expect(documented).toEqual(expected);
  });
});
