/**
 * types.ts (the Kysely table types, kept by hand) against the schema the migrations build: every table, view and
 * column of the public schema is in `DB` and the other way round, and a nullable column is typed `| null` (and
 * only a nullable one). TypeScript here has no compiler API, so types.ts is read by a small parser that knows its
 * regular shape and refuses any line it does not understand, rather than skipping what it cannot check.
 */
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../../test/harness.ts';

// the migrator's own tables, which the application never queries through DB
const BOOKKEEPING = ['schema_migrations', 'kysely_migration_lock', 'schema_functions'];

interface ParsedTypes {
  /** interface name → column → its type as written */
  interfaces: Map<string, Map<string, string>>;
  /** type alias name → its definition */
  aliases: Map<string, string>;
}

/** Parses types.ts: imports, one-line or `|`-continued type aliases, interfaces of `name: Type;`, doc comments. */
function parseTypes(text: string): ParsedTypes {
  const interfaces = new Map<string, Map<string, string>>();
  const aliases = new Map<string, string>();
  let members: Map<string, string> | undefined;
  let alias: { name: string; parts: string[] } | undefined;
  let inComment = false;
  for (const [i, line] of text.split('\n').entries()) {
    const fail = (): never => {
      throw new Error(`types.ts line ${i + 1} is not understood: ${line}`);
    };
    if (inComment) {
      inComment = !line.includes('*/');
      continue;
    }
    if (/^\s*\/\*\*.*\*\/$/.test(line)) continue; // a one-line doc comment
    if (/^\s*\/\*\*$/.test(line)) {
      inComment = true;
      continue;
    }
    if (alias) {
      const [, part, end] = /^ {2}\| (.+?)(;?)$/.exec(line) ?? fail();
      alias.parts.push(String(part));
      if (end) {
        aliases.set(alias.name, alias.parts.join(' | '));
        alias = undefined;
      }
      continue;
    }
    if (members) {
      if (line === '}') {
        members = undefined;
        continue;
      }
      const [, column, type] = /^ {2}(\w+): (.+);$/.exec(line) ?? fail();
      members.set(String(column), String(type));
      continue;
    }
    if (line === '' || /^import type \{[\w, ]+\} from '[\w-]+';$/.test(line)) continue;
    const iface = /^export interface (\w+) \{$/.exec(line);
    const oneLine = /^(?:export )?type (\w+)(?:<.+>)? = (.+);$/.exec(line);
    const union = /^export type (\w+) =$/.exec(line);
    if (iface) {
      members = new Map();
      interfaces.set(String(iface[1]), members);
    } else if (oneLine) {
      aliases.set(String(oneLine[1]), String(oneLine[2]));
    } else if (union) {
      alias = { name: String(union[1]), parts: [] };
    } else {
      fail();
    }
  }
  if (inComment || members || alias) throw new Error('types.ts ends inside a comment, interface or type');
  return { interfaces, aliases };
}

/** Splits at `sep` outside <…>, (…), {…} and quotes. */
function splitTopLevel(type: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < type.length; i++) {
    const c = type[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '<' || c === '(' || c === '{') depth++;
    else if (c === '>' || c === ')' || c === '}') depth--;
    else if (c === sep && depth === 0) {
      parts.push(type.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(type.slice(start).trim());
  return parts.filter((p) => p !== '');
}

/**
 * Whether a column typed `type` may select null: a `null` member of its union, seen through `Generated<T>`,
 * `ColumnType<Select, …>` and the file's own aliases.
 */
function selectsNull(type: string, aliases: Map<string, string>, depth = 0): boolean {
  if (depth > 10) throw new Error(`type aliases nest too deep at ${type}`);
  return splitTopLevel(type, '|').some((member) => {
    if (member === 'null') return true;
    const m = /^(\w+)(?:<(.+)>)?$/.exec(member);
    if (!m) return false;
    const [, name, args] = m;
    if (name === 'Generated' && args) return selectsNull(args, aliases, depth + 1);
    if (name === 'ColumnType' && args) return selectsNull(splitTopLevel(args, ',')[0] ?? '', aliases, depth + 1);
    const body = aliases.get(String(name));
    return body !== undefined && selectsNull(body, aliases, depth + 1);
  });
}

interface SchemaColumn {
  table_name: string;
  column_name: string;
  nullable: boolean;
  is_view: boolean;
}

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv({ provinces: [] });
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

describe('types.ts against the schema', () => {
  it('the parser refuses what it does not understand', () => {
    expect(() => parseTypes('export interface ATable {\n  id string;\n}\n')).toThrow(/line 2 is not understood/);
    expect(() => parseTypes('export const x = 1;\n')).toThrow(/line 1 is not understood/);
    expect(() => parseTypes('export interface ATable {\n  id: string;')).toThrow(/ends inside/);
  });

  it('every table, view and column is in DB and the other way round; nullability agrees', async () => {
    const { interfaces, aliases } = parseTypes(readFileSync(new URL('./types.ts', import.meta.url), 'utf8'));
    const dbTables = interfaces.get('DB');
    if (!dbTables) throw new Error('types.ts has no interface DB');

    // partitions (checkins_pYYYYMMDD, checkins_default) are reached through their parent table
    const res = await sql<SchemaColumn>`
      select c.table_name::text, c.column_name::text, c.is_nullable = 'YES' as nullable,
             t.table_type = 'VIEW' as is_view
      from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      join pg_class k on k.relname = c.table_name and k.relnamespace = 'public'::regnamespace
      where c.table_schema = 'public' and not k.relispartition
        and c.table_name <> all(${BOOKKEEPING}::text[])
      order by c.table_name, c.ordinal_position`.execute(env.ctx.db);
    const schema = new Map<string, SchemaColumn[]>();
    for (const col of res.rows) schema.set(col.table_name, [...(schema.get(col.table_name) ?? []), col]);
    expect(schema.size).toBeGreaterThan(20);

    const mismatches: string[] = [];
    for (const table of schema.keys()) if (!dbTables.has(table)) mismatches.push(`${table}: in the schema, not in DB`);
    for (const [table, iface] of dbTables) {
      const columns = schema.get(table);
      const typed = interfaces.get(iface);
      if (!typed) {
        mismatches.push(`${table}: DB names ${iface}, which types.ts does not declare`);
        continue;
      }
      if (!columns) {
        mismatches.push(`${table}: in DB (${iface}), not in the schema`);
        continue;
      }
      for (const col of columns) {
        const type = typed.get(col.column_name);
        if (type === undefined) {
          mismatches.push(`${table}.${col.column_name}: in the schema, not in ${iface}`);
          continue;
        }
        // PostgreSQL reports every view column nullable: it does not follow NOT NULL through a view
        if (col.is_view) continue;
        const typedNull = selectsNull(type, aliases);
        if (col.nullable && !typedNull) mismatches.push(`${table}.${col.column_name}: nullable, typed \`${type}\``);
        if (!col.nullable && typedNull) mismatches.push(`${table}.${col.column_name}: NOT NULL, typed \`${type}\``);
      }
      for (const name of typed.keys())
        if (!columns.some((c) => c.column_name === name))
          mismatches.push(`${table}.${name}: in ${iface}, not in the schema`);
    }
    expect(mismatches, `types.ts differs from the schema:\n${mismatches.join('\n')}`).toEqual([]);
  });
});
