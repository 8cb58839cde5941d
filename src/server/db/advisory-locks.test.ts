/**
 * The advisory lock classes, one purpose each. A lock is taken as `pg_advisory_xact_lock(<class>, hashtext(<key>))`
 * (or with the class alone, for one lock of its kind); two unrelated uses of one class make unrelated transactions wait
 * for each other whenever their keys' hashes meet — and, taken in different orders, deadlock. This test finds every
 * class number the code names (migrations aside: they are history) and checks it is registered here, for the files
 * that use it, so a new lock gets a class of its own and a reviewer sees which code shares one on purpose.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname;

const LOCK_CLASSES: Record<number, { purpose: string; files: string[] }> = {
  7231001: {
    purpose: 'the audit hash chain (appends in id order)',
    files: ['src/server/db/functions/audit_append_rows.sql'],
  },
  7231002: {
    purpose: 'registering a person by national ID or phone (one person per identifier)',
    files: ['src/server/modules/people/service.ts'],
  },
  7231003: {
    purpose:
      'an idempotency key (scope:key): the platform and the SQL writers deciding keys set-based share it on purpose',
    files: [
      'src/server/platform/idempotency.ts',
      'src/server/db/functions/declarations_record.sql',
      'src/server/db/functions/vaccination_doses.sql',
    ],
  },
  7231004: { purpose: 'door codes sent to one phone (send limits)', files: ['src/server/modules/checkins/repo.ts'] },
  7231005: {
    purpose: 'applying the SQL function sources at start (instances starting at once)',
    files: ['src/server/db/migrate.ts'],
  },
  7231006: { purpose: 'one pending run per job topic', files: ['src/server/platform/jobs.ts'] },
  7231012: { purpose: "a declaration partner's OTP for one phone", files: ['src/server/modules/declarations/repo.ts'] },
  7231013: {
    purpose: "a person's vaccination doses (rule checks see every earlier dose)",
    files: ['src/server/modules/vaccination/repo.ts', 'src/server/db/functions/vaccination_doses.sql'],
  },
  7231014: { purpose: "a vaccination session's capacity", files: ['src/server/modules/vaccination/service.ts'] },
  7231015: { purpose: 'door codes sent from one venue (send limits)', files: ['src/server/modules/checkins/repo.ts'] },
  7231016: { purpose: 'publishing an exposure key export batch', files: ['src/server/modules/exposure/repo.ts'] },
  7231017: {
    purpose: 'check-in partition maintenance (one at a time)',
    files: ['src/server/modules/checkins/maintenance.ts'],
  },
  7231018: {
    purpose: "issuing or revoking a person's green pass certificates",
    files: ['src/server/modules/greenpass/repo.ts'],
  },
  7231030: {
    purpose: "a citizen account's dependants (the cap on how many it manages)",
    files: ['src/server/modules/people/service.ts'],
  },
  7231031: {
    purpose: "a citizen account's venue registrations (the daily limit)",
    files: ['src/server/modules/venues/repo.ts'],
  },
  7231040: {
    purpose: "a citizen account's member look-ups that matched no one (the daily bound)",
    files: ['src/server/modules/declarations/organisations-repo.ts'],
  },
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'migrations' ? [] : sources(path);
    return /\.(ts|sql)$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

/** Every lock class number a file names: 7231NNN, also written 7_231_NNN. */
function classesIn(text: string): number[] {
  return [...text.matchAll(/\b7_?231_?(\d{3})\b/g)].map((m) => 7231000 + Number(m[1]));
}

describe('advisory lock classes', () => {
  const uses = new Map<number, Set<string>>();
  for (const file of sources(join(root, 'src/server'))) {
    for (const n of classesIn(readFileSync(file, 'utf8'))) {
      uses.set(n, (uses.get(n) ?? new Set()).add(relative(root, file)));
    }
  }

  it('are each registered for the files that take them, and every registered use exists', () => {
    const problems: string[] = [];
    for (const [n, files] of uses) {
      const entry = LOCK_CLASSES[n];
      if (!entry) problems.push(`${n} (${[...files].join(', ')}): not registered`);
      else
        for (const f of files)
          if (!entry.files.includes(f)) problems.push(`${n} in ${f}: registered for ${entry.purpose}`);
    }
    for (const [n, entry] of Object.entries(LOCK_CLASSES)) {
      for (const f of entry.files)
        if (!uses.get(Number(n))?.has(f)) problems.push(`${n} registered for ${f}, not used there`);
    }
    expect(problems).toEqual([]);
  });

  it('finds class numbers however they are written', () => {
    expect(classesIn('pg_advisory_xact_lock(7231003, hashtext(k)); const K = 7_231_017; x = 17231003')).toEqual([
      7231003, 7231017,
    ]);
  });
});
