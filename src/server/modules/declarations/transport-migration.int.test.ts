/**
 * Migration 0045 on a database that published forms with the `vehicle` question kind (the entry form's transport,
 * before the contract's kinds only): every stored version's vehicle question becomes a `choice` and the text
 * questions its answer carried, asked where they apply — the default entry form exactly the new default — and forms
 * without one are left alone. (PGlite, in memory: the SQL is the same on PostgreSQL.)
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../db/database.ts';
import { migrateTo, migrateToLatest } from '../../db/migrate.ts';
import { defaultForm, type Question } from './forms.ts';

let database: Database;
beforeAll(async () => {
  database = await openDatabase({});
  await migrateTo(database.db, '0043_people_national_id_claims_list');
}, 120_000);
afterAll(async () => {
  await database?.close();
});

/** The default entry form's transport question as published until the vehicle kind was dropped. */
const OLD_TRANSPORT = {
  id: 'transport',
  kind: 'vehicle',
  required: true,
  labelVi: 'Phương tiện (xe khách: biển số; tàu, máy bay: số hiệu và số ghế)',
  labelEn: 'Transport (coach: plate; train or flight: number and seat)',
  options: [
    { value: 'car', labelVi: 'Ô tô cá nhân', labelEn: 'Car' },
    { value: 'motorbike', labelVi: 'Xe máy', labelEn: 'Motorbike' },
    { value: 'coach', labelVi: 'Xe khách', labelEn: 'Coach' },
    { value: 'train', labelVi: 'Tàu hỏa', labelEn: 'Train' },
    { value: 'flight', labelVi: 'Máy bay', labelEn: 'Flight' },
  ],
};

describe('migration 0045 on stored forms', () => {
  it('turns each vehicle question into a choice and the texts its answer carried; other forms stay as they were', async () => {
    const db = database.db;
    const current = defaultForm('entry');
    const transportParts = new Set(['transport', 'transport_plate', 'transport_number', 'transport_seat']);
    const at = current.questions.findIndex((q) => q.id === 'transport');
    const old = [
      ...current.questions.slice(0, at),
      OLD_TRANSPORT,
      ...current.questions.slice(at).filter((q) => !transportParts.has(q.id)),
    ];
    // an admin's version: its own label, no coach, optional
    const custom = [
      { id: 'fever', kind: 'boolean', required: true, labelVi: 'Sốt?', labelEn: 'Fever?' },
      {
        ...OLD_TRANSPORT,
        id: 'travel',
        required: false,
        labelVi: 'Đi bằng gì?',
        labelEn: 'How did you travel?',
        options: OLD_TRANSPORT.options.filter((o) => o.value !== 'coach'),
      },
    ];
    const domestic = defaultForm('domestic');
    for (const [type, version, questions] of [
      ['entry', 1, old],
      ['entry', 2, custom],
      ['domestic', 1, domestic.questions],
    ] as const)
      await sql`insert into declaration_forms (type, version, questions, rules)
                values (${type}, ${version}, ${JSON.stringify(questions)}::jsonb, '[]'::jsonb)`.execute(db);

    await migrateToLatest(db);

    const rows = await db
      .selectFrom('declaration_forms')
      .select(['type', 'version', 'questions'])
      .orderBy('type')
      .orderBy('version')
      .execute();
    const stored = new Map(rows.map((r) => [`${r.type}:${r.version}`, r.questions as Question[]]));
    expect(stored.get('entry:1')).toEqual(current.questions);
    expect(stored.get('entry:2')).toEqual([
      custom[0],
      {
        ...custom[1],
        kind: 'choice',
      },
      {
        id: 'travel_number',
        kind: 'text',
        required: true,
        labelVi: 'Số hiệu tàu hoặc chuyến bay',
        labelEn: 'Train or flight number',
        showIf: { questionId: 'travel', in: ['train', 'flight'] },
      },
      {
        id: 'travel_seat',
        kind: 'text',
        required: false,
        labelVi: 'Số ghế (tàu: số toa, số ghế)',
        labelEn: 'Seat (train: carriage and seat)',
        showIf: { questionId: 'travel', in: ['train', 'flight'] },
      },
    ]);
    expect(stored.get('domestic:1')).toEqual(domestic.questions);
    // the member look-ups' table is there
    await sql`insert into organisation_member_lookups (owner_person_id, misses)
              values (gen_random_uuid(), 1)`.execute(db);
  });
});
