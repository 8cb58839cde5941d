/**
 * Kysely queries over the testing module's own tables (plus the declared reads: unit names and paths, people's names
 * and phones, F1 quarantine orders). Lists of personal data take an AccessScope and apply it with `scoped`. The
 * result write path is set-based: every statement takes whole arrays (`unnest`), so a file of 200,000 results is a
 * handful of statements, not 200,000 round trips.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB, SampleKind, SampleResultValue } from '../../db/types.ts';
import { type AccessScope, scoped } from '../../platform/authorize.ts';

type Q = Kysely<DB> | Transaction<DB>;

/**
 * A person's standing in a tube, from the tube: waiting, rejected by the lab, its result — or `retest` for every
 * member of a positive pool (derived, so recording a result never rewrites the tube's members).
 */
export const MEMBER_STATUS = sql<string>`case
  when s.status = 'rejected' then 'rejected'
  when s.result is null then 'pending'
  when s.result = 'positive' and s.kind = 'rt-pcr-pool' then 'retest'
  else s.result end`;

/** The local day of a time, as the statistics count it. */
const LOCAL_DAY = (column: string) => sql<string>`(${sql.ref(column)} at time zone 'Asia/Ho_Chi_Minh')::date`;

export interface SampleRow {
  id: string;
  barcode: string;
  kind: SampleKind;
  status: 'collected' | 'shipped' | 'received' | 'rejected' | 'resulted';
  unit_code: string;
  unit_path: string | null;
  campaign_id: string | null;
  member_count: number;
  collected_at: Date;
  lab_id: string | null;
  lab_name: string | null;
  received_at: Date | null;
  rejected_reason: string | null;
  result: SampleResultValue | null;
  ct: number | null;
  tested_at: Date | null;
  result_id: string | null;
  shipment_id: string | null;
}

/** One row of the daily statistics to add (negative counts remove). */
export interface StatsDelta {
  day: string;
  unitCode: string;
  kind: SampleKind;
  tubes: number;
  people: number;
  positiveTubes: number;
  positivePeople: number;
  invalidTubes: number;
}

/** The local (Asia/Ho_Chi_Minh, UTC+7 all year) day of a time. */
export function localDayOf(at: Date): string {
  return new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

/** Results summed per collection day, commune and kind: what `bumpStats` adds (sign −1 takes them out). */
export function statsDeltas(
  items: Array<{
    sample: Pick<SampleRow, 'collected_at' | 'unit_code' | 'kind' | 'member_count'>;
    result: SampleResultValue;
    sign: 1 | -1;
  }>,
): StatsDelta[] {
  const byKey = new Map<string, StatsDelta>();
  for (const { sample, result, sign } of items) {
    const day = localDayOf(sample.collected_at);
    const key = `${day}|${sample.unit_code}|${sample.kind}`;
    let d = byKey.get(key);
    if (!d) {
      d = {
        day,
        unitCode: sample.unit_code,
        kind: sample.kind,
        tubes: 0,
        people: 0,
        positiveTubes: 0,
        positivePeople: 0,
        invalidTubes: 0,
      };
      byKey.set(key, d);
    }
    d.tubes += sign;
    d.people += sign * sample.member_count;
    if (result === 'positive') {
      d.positiveTubes += sign;
      if (sample.kind !== 'rt-pcr-pool') d.positivePeople += sign * sample.member_count;
    }
    if (result === 'invalid') d.invalidTubes += sign;
  }
  return [...byKey.values()];
}

export interface NewResult {
  sampleId: string;
  result: SampleResultValue;
  ct: number | null;
  testedAt: Date;
}

export function testingRepo(db: Kysely<DB>) {
  const sampleSelect = (q: Q) =>
    q
      .selectFrom('samples as s')
      .leftJoin('admin_units as u', 'u.code', 's.unit_code')
      .leftJoin('labs as l', 'l.id', 's.lab_id')
      .select([
        's.id',
        's.barcode',
        's.kind',
        's.status',
        's.unit_code',
        'u.path as unit_path',
        's.campaign_id',
        's.member_count',
        's.collected_at',
        's.lab_id',
        'l.name as lab_name',
        's.received_at',
        's.rejected_reason',
        's.result',
        's.ct',
        's.tested_at',
        's.result_id',
        's.shipment_id',
      ]);

  return {
    // ——— labs and keys ———
    async createLab(trx: Transaction<DB>, name: string, unitCode: string): Promise<string> {
      const row = await trx
        .insertInto('labs')
        .values({ name, unit_code: unitCode })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    findLab(id: string, q: Q = db) {
      return q
        .selectFrom('labs as l')
        .innerJoin('admin_units as u', 'u.code', 'l.unit_code')
        .select(['l.id', 'l.name', 'l.unit_code', 'l.active', 'u.path as unit_path', 'u.name as unit_name'])
        .where('l.id', '=', id)
        .executeTakeFirst();
    },

    listLabs() {
      return db
        .selectFrom('labs as l')
        .innerJoin('admin_units as u', 'u.code', 'l.unit_code')
        .select(['l.id', 'l.name', 'l.unit_code', 'u.name as unit_name', 'u.path as unit_path'])
        .where('l.active', '=', true)
        .orderBy('l.name')
        .execute();
    },

    async createKey(trx: Transaction<DB>, labId: string, keyHash: string, label: string, createdBy: string) {
      return trx
        .insertInto('lab_api_keys')
        .values({ lab_id: labId, key_hash: keyHash, label, created_by: createdBy })
        .returning(['id', 'created_at'])
        .executeTakeFirstOrThrow();
    },

    listKeys(labId: string) {
      return db
        .selectFrom('lab_api_keys')
        .select(['id', 'label', 'created_at', 'last_used_at', 'revoked_at'])
        .where('lab_id', '=', labId)
        .orderBy('created_at', 'desc')
        .execute();
    },

    async revokeKey(trx: Transaction<DB>, labId: string, keyId: string): Promise<boolean> {
      const res = await trx
        .updateTable('lab_api_keys')
        .set({ revoked_at: sql`coalesce(revoked_at, now())` })
        .where('lab_id', '=', labId)
        .where('id', '=', keyId)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },

    findKey(keyHash: string) {
      return db
        .selectFrom('lab_api_keys as k')
        .innerJoin('labs as l', 'l.id', 'k.lab_id')
        .innerJoin('admin_units as u', 'u.code', 'l.unit_code')
        .select(['k.id', 'k.lab_id', 'k.last_used_at', 'l.name as lab_name', 'l.unit_code', 'u.path as unit_path'])
        .where('k.key_hash', '=', keyHash)
        .where('k.revoked_at', 'is', null)
        .where('l.active', '=', true)
        .executeTakeFirst();
    },

    async touchKey(id: string): Promise<void> {
      await db.updateTable('lab_api_keys').set({ last_used_at: sql`now()` }).where('id', '=', id).execute();
    },

    // ——— settings ———
    settings(q: Q = db) {
      return q
        .selectFrom('testing_settings')
        .select(['pool_max', 'antigen_opens_case', 'f1_test_days'])
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
    },

    async updateSettings(
      trx: Transaction<DB>,
      s: { pool_max: number; antigen_opens_case: boolean; f1_test_days: number[] },
      by: string,
    ) {
      await trx
        .updateTable('testing_settings')
        .set({
          pool_max: s.pool_max,
          antigen_opens_case: s.antigen_opens_case,
          f1_test_days: sql`${s.f1_test_days}::smallint[]`,
          updated_at: sql`now()`,
          updated_by: by,
        })
        .where('id', '=', 1)
        .execute();
    },

    // ——— samples ———
    /** `n` fresh serials for barcodes. */
    async nextSerials(n: number, q: Q = db): Promise<number[]> {
      const rows = await sql<{
        n: number;
      }>`select nextval('sample_barcode_seq')::int8 as n from generate_series(1, ${n})`.execute(q);
      return rows.rows.map((r) => Number(r.n));
    },

    /**
     * The last serial `nextSerials` has handed out (0 before the first): every barcode the server issued, on a tube
     * or a printed label, carries a serial up to it. The sequence only grows, so the answer never becomes wrong.
     */
    async lastSerial(q: Q = db): Promise<number> {
      const r = await sql<{
        n: string | number;
      }>`select case when is_called then last_value else last_value - 1 end as n from sample_barcode_seq`.execute(q);
      return Number(r.rows[0]?.n ?? 0);
    },

    async barcodeTaken(barcode: string, q: Q = db): Promise<boolean> {
      const row = await q.selectFrom('samples').select('id').where('barcode', '=', barcode).executeTakeFirst();
      return row !== undefined;
    },

    async insertSample(
      trx: Transaction<DB>,
      s: {
        barcode: string;
        kind: SampleKind;
        unit_code: string;
        campaign_id: string | null;
        point_id: string | null;
        member_count: number;
        collected_at: Date;
        collected_by: string;
      },
      members: Array<{ personId: string; unitCode: string | null }>,
    ): Promise<string> {
      const row = await trx.insertInto('samples').values(s).returning('id').executeTakeFirstOrThrow();
      await trx
        .insertInto('sample_members')
        .values(
          members.map((m, i) => ({ sample_id: row.id, person_id: m.personId, position: i + 1, unit_code: m.unitCode })),
        )
        .execute();
      return row.id;
    },

    /**
     * Open tasks of these people that a tube collected at `collectedAt` answers (due by the day after it): done,
     * naming that tube.
     */
    async completeTasks(trx: Transaction<DB>, personIds: string[], sampleId: string, collectedAt: Date) {
      await trx
        .updateTable('test_tasks')
        .set({ status: 'done', done_sample_id: sampleId, done_at: sql`now()` })
        .where('person_id', 'in', personIds)
        .where('status', '=', 'open')
        .where('due_on', '<=', sql<string>`(${collectedAt}::timestamptz at time zone 'Asia/Ho_Chi_Minh')::date + 1`)
        .where((eb) => eb.or([eb('source_sample_id', 'is', null), eb('source_sample_id', '!=', sampleId)]))
        .execute();
    },

    findSample(id: string, q: Q = db): Promise<SampleRow | undefined> {
      return sampleSelect(q).where('s.id', '=', id).executeTakeFirst() as Promise<SampleRow | undefined>;
    },

    /**
     * Tubes by barcode or id, locked in id order (concurrent imports of overlapping files cannot deadlock), with the
     * path of the unit they were collected in (whether a lab may take a tube no one shipped: `labReach`).
     */
    async lockSamples(trx: Transaction<DB>, by: { barcodes: string[] } | { ids: string[] }): Promise<SampleRow[]> {
      const keys = 'ids' in by ? by.ids : by.barcodes;
      if (keys.length === 0) return [];
      const where = 'ids' in by ? sql`s.id = any(${by.ids}::uuid[])` : sql`s.barcode = any(${by.barcodes}::text[])`;
      const r = await sql<SampleRow>`
        select s.id, s.barcode, s.kind, s.status, s.unit_code, u.path as unit_path, s.campaign_id, s.member_count,
               s.collected_at, s.lab_id, null as lab_name, s.received_at, s.rejected_reason, s.result, s.ct,
               s.tested_at, s.result_id, s.shipment_id
        from samples s
        left join admin_units u on u.code = s.unit_code
        where ${where}
        order by s.id
        for update of s`.execute(trx);
      return r.rows.map((row) => ({ ...row, ct: row.ct === null ? null : Number(row.ct) }));
    },

    findByBarcode(barcode: string, q: Q = db): Promise<SampleRow | undefined> {
      return sampleSelect(q).where('s.barcode', '=', barcode).executeTakeFirst() as Promise<SampleRow | undefined>;
    },

    members(sampleId: string, q: Q = db) {
      return q
        .selectFrom('sample_members as m')
        .innerJoin('samples as s', 's.id', 'm.sample_id')
        .select(['m.person_id', MEMBER_STATUS.as('status')])
        .where('m.sample_id', '=', sampleId)
        .orderBy('m.position')
        .execute();
    },

    listSamples(
      scope: AccessScope,
      f: { unitPath?: string; campaignId?: string; status?: string; day?: string; limit: number },
    ) {
      let q = db
        .selectFrom('samples as s')
        .innerJoin('admin_units as u', 'u.code', 's.unit_code')
        .leftJoin('labs as l', 'l.id', 's.lab_id')
        .select([
          's.id',
          's.barcode',
          's.kind',
          's.status',
          's.result',
          's.collected_at',
          's.member_count',
          's.unit_code',
          'l.name as lab_name',
        ]);
      q = scoped(q, scope, 'u.path');
      if (f.unitPath) q = q.where('u.path', 'like', `${f.unitPath}%`);
      if (f.campaignId) q = q.where('s.campaign_id', '=', f.campaignId);
      if (f.status) q = q.where('s.status', '=', f.status as SampleRow['status']);
      if (f.day) q = q.where(LOCAL_DAY('s.collected_at'), '=', f.day);
      return q.orderBy('s.collected_at', 'desc').limit(f.limit).execute();
    },

    // ——— results (set-based) ———
    async insertResults(
      trx: Transaction<DB>,
      rows: NewResult[],
      labId: string,
      source: 'entry' | 'import' | 'api' | 'correction',
      by: string,
      correction?: { correctsId: string | null; reason: string },
    ): Promise<Array<{ id: string; sample_id: string }>> {
      if (rows.length === 0) return [];
      const r = await sql<{ id: string; sample_id: string }>`
        insert into sample_results (sample_id, result, ct, tested_at, lab_id, source, recorded_by, corrects_id, reason)
        select d.sample_id, d.result, d.ct, d.tested_at, ${labId}::uuid, ${source}, ${by},
               ${correction?.correctsId ?? null}::uuid, ${correction?.reason ?? null}
        from unnest(${rows.map((x) => x.sampleId)}::uuid[], ${rows.map((x) => x.result)}::text[],
                    ${rows.map((x) => x.ct)}::real[], ${rows.map((x) => x.testedAt.toISOString())}::timestamptz[])
             as d(sample_id, result, ct, tested_at)
        returning id, sample_id`.execute(trx);
      return r.rows;
    },

    /** Writes each tube's current result and binds it to the lab (its people's standing follows: MEMBER_STATUS). */
    async applyResults(trx: Transaction<DB>, rows: Array<NewResult & { resultId: string }>, labId: string) {
      if (rows.length === 0) return;
      const ids = rows.map((x) => x.sampleId);
      await sql`
        update samples s
        set status = 'resulted', result = d.result, ct = d.ct, tested_at = d.tested_at, resulted_at = now(),
            result_id = d.result_id, lab_id = coalesce(s.lab_id, ${labId}::uuid)
        from unnest(${ids}::uuid[], ${rows.map((x) => x.result)}::text[], ${rows.map((x) => x.ct)}::real[],
                    ${rows.map((x) => x.testedAt.toISOString())}::timestamptz[], ${rows.map((x) => x.resultId)}::uuid[])
             as d(sample_id, result, ct, tested_at, result_id)
        where s.id = d.sample_id`.execute(trx);
    },

    /**
     * Tasks for the people of these tubes (a positive pool: re-test individually; an invalid result or a rejected
     * tube: collect again), due today, at their commune; once per tube and person. Returns how many were made.
     */
    async createTasks(
      trx: Transaction<DB>,
      items: Array<{ sampleId: string; reason: 'pool_positive' | 'invalid_result' | 'rejected_sample' }>,
    ): Promise<number> {
      if (items.length === 0) return 0;
      const r = await sql`
        insert into test_tasks (person_id, unit_code, reason, due_on, source_sample_id)
        select m.person_id, coalesce(m.unit_code, s.unit_code), d.reason,
               (now() at time zone 'Asia/Ho_Chi_Minh')::date, m.sample_id
        from unnest(${items.map((i) => i.sampleId)}::uuid[], ${items.map((i) => i.reason)}::text[])
             as d(sample_id, reason)
        join samples s on s.id = d.sample_id
        join sample_members m on m.sample_id = d.sample_id
        order by m.sample_id, m.person_id
        on conflict (source_sample_id, person_id) where source_sample_id is not null
        do update set reason = excluded.reason, due_on = excluded.due_on, status = 'open', done_at = null,
                      done_sample_id = null`.execute(trx);
      return Number(r.numAffectedRows ?? 0);
    },

    /** Cancels the open tasks a tube made (its result was corrected). */
    async cancelTasksOf(trx: Transaction<DB>, sampleId: string): Promise<void> {
      await trx
        .updateTable('test_tasks')
        .set({ status: 'cancelled', done_at: sql`now()` })
        .where('source_sample_id', '=', sampleId)
        .where('status', '=', 'open')
        .execute();
    },

    /**
     * Adds results to (or, negative, removes them from) the daily statistics: rows already summed per collection
     * day, commune and kind (`statsDeltas`), upserted in key order so concurrent writers lock rows in one order.
     */
    async bumpStats(trx: Transaction<DB>, deltas: StatsDelta[]): Promise<void> {
      if (deltas.length === 0) return;
      const sorted = [...deltas].sort((a, b) =>
        a.day === b.day
          ? a.unitCode === b.unitCode
            ? a.kind.localeCompare(b.kind)
            : a.unitCode.localeCompare(b.unitCode)
          : a.day.localeCompare(b.day),
      );
      const col = <K extends keyof StatsDelta>(k: K) => sorted.map((d) => d[k]);
      await sql`
        insert into testing_daily_stats as t
          (day, unit_code, kind, tubes, people, positive_tubes, positive_people, invalid_tubes)
        select * from unnest(${col('day')}::date[], ${col('unitCode')}::text[], ${col('kind')}::text[],
                             ${col('tubes')}::int[], ${col('people')}::int[], ${col('positiveTubes')}::int[],
                             ${col('positivePeople')}::int[], ${col('invalidTubes')}::int[])
        on conflict (day, unit_code, kind) do update set
          tubes = t.tubes + excluded.tubes,
          people = t.people + excluded.people,
          positive_tubes = t.positive_tubes + excluded.positive_tubes,
          positive_people = t.positive_people + excluded.positive_people,
          invalid_tubes = t.invalid_tubes + excluded.invalid_tubes`.execute(trx);
    },

    /** The one person of each of these individual tubes. */
    async soleMembers(trx: Transaction<DB>, sampleIds: string[]) {
      if (sampleIds.length === 0) return [];
      return trx
        .selectFrom('sample_members')
        .select(['sample_id', 'person_id'])
        .where('sample_id', 'in', sampleIds)
        .execute();
    },

    /** What the messages about these results need (the results not yet notified). */
    async resultsToNotify(resultIds: string[]) {
      return db
        .selectFrom('sample_results as r')
        .innerJoin('samples as s', 's.id', 'r.sample_id')
        .innerJoin('sample_members as m', 'm.sample_id', 's.id')
        .innerJoin('people as p', 'p.id', 'm.person_id')
        .leftJoin('admin_units as u', 'u.code', 'm.unit_code')
        .select(['r.id', 'r.result', 's.kind', 's.barcode', 's.result_id', 'p.phone', 'p.name', 'u.name as unit_name'])
        .where('r.id', 'in', resultIds)
        .where('r.notified_at', 'is', null)
        .execute();
    },

    /** The people of rejected tubes, to ask them back. */
    rejectedToNotify(sampleIds: string[]) {
      return db
        .selectFrom('samples as s')
        .innerJoin('sample_members as m', 'm.sample_id', 's.id')
        .innerJoin('people as p', 'p.id', 'm.person_id')
        .leftJoin('admin_units as u', 'u.code', 'm.unit_code')
        .select(['s.barcode', 'p.phone', 'u.name as unit_name'])
        .where('s.id', 'in', sampleIds)
        .where('s.status', '=', 'rejected')
        .execute();
    },

    async markNotified(resultIds: string[], q: Q = db): Promise<void> {
      if (resultIds.length === 0) return;
      await q
        .updateTable('sample_results')
        .set({ notified_at: sql`now()` })
        .where('id', 'in', resultIds)
        .where('notified_at', 'is', null)
        .execute();
    },

    // ——— intake and shipments ———
    async receive(trx: Transaction<DB>, sampleId: string, labId: string): Promise<void> {
      await trx
        .updateTable('samples')
        .set({ status: 'received', received_at: sql`now()`, lab_id: labId })
        .where('id', '=', sampleId)
        .execute();
    },

    async reject(trx: Transaction<DB>, sampleId: string, labId: string, reason: string, note: string | null) {
      await trx
        .updateTable('samples')
        .set({
          status: 'rejected',
          received_at: sql`coalesce(received_at, now())`,
          lab_id: labId,
          rejected_reason: reason as 'other',
          rejected_note: note,
        })
        .where('id', '=', sampleId)
        .execute();
    },

    /** The shipment is received once none of its tubes is still in transit. */
    async settleShipment(trx: Transaction<DB>, shipmentId: string): Promise<void> {
      await sql`
        update shipments set status = 'received', received_at = coalesce(received_at, now())
        where id = ${shipmentId}
          and not exists (select 1 from samples s where s.shipment_id = ${shipmentId} and s.status = 'shipped')`.execute(
        trx,
      );
    },

    async createShipment(trx: Transaction<DB>, labId: string, unitCode: string, by: string, sampleIds: string[]) {
      const row = await trx
        .insertInto('shipments')
        .values({ lab_id: labId, unit_code: unitCode, created_by: by })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .updateTable('samples')
        .set({ status: 'shipped', shipment_id: row.id, lab_id: labId })
        .where('id', 'in', sampleIds)
        .execute();
      return row.id;
    },

    /** A lab's queue: tubes shipped to it and not scanned in, and tubes received without a result. */
    labQueue(labId: string, limit: number) {
      return db
        .selectFrom('samples as s')
        .leftJoin('admin_units as u', 'u.code', 's.unit_code')
        .select([
          's.id',
          's.barcode',
          's.kind',
          's.status',
          's.member_count',
          's.collected_at',
          's.received_at',
          's.unit_code',
          'u.name as unit_name',
          's.shipment_id',
        ])
        .where('s.lab_id', '=', labId)
        .where('s.status', 'in', ['shipped', 'received'])
        .orderBy('s.collected_at')
        .limit(limit)
        .execute();
    },

    async labCounts(labId: string) {
      const r = await sql<{ in_transit: number; awaiting: number; today: number }>`
        select count(*) filter (where status = 'shipped')::int as in_transit,
               count(*) filter (where status = 'received')::int as awaiting,
               (select count(*)::int from samples r where r.lab_id = ${labId}
                  and r.resulted_at >= (date_trunc('day', now() at time zone 'Asia/Ho_Chi_Minh') at time zone 'Asia/Ho_Chi_Minh')) as today
        from samples where lab_id = ${labId} and status in ('shipped', 'received')`.execute(db);
      return r.rows[0] ?? { in_transit: 0, awaiting: 0, today: 0 };
    },

    // ——— campaigns ———
    async createCampaign(
      trx: Transaction<DB>,
      c: {
        name: string;
        unit_code: string;
        starts_on: string;
        ends_on: string;
        round: number;
        pool_max: number | null;
        created_by: string;
      },
    ): Promise<string> {
      const row = await trx.insertInto('test_campaigns').values(c).returning('id').executeTakeFirstOrThrow();
      return row.id;
    },

    /**
     * Targets for every commune of the campaign's area (the leaf units above hamlets; the area itself when it is a
     * commune or a hamlet): the people registered there, hamlets included.
     */
    async createTargets(trx: Transaction<DB>, campaignId: string, areaPath: string, areaCode: string) {
      await sql`
        insert into test_campaign_targets (campaign_id, unit_code, target)
        select ${campaignId}::uuid, c.code,
               (select count(*)::int from people p join admin_units pu on pu.code = p.unit_code
                 where pu.path like c.path || '%')
        from admin_units c
        where (c.path like ${`${areaPath}%`} and not c.is_hamlet
               and not exists (select 1 from admin_units k where k.parent_code = c.code and not k.is_hamlet))
           or (c.code = ${areaCode}
               and (c.is_hamlet or not exists (select 1 from admin_units k where k.parent_code = c.code and not k.is_hamlet)))
        on conflict do nothing`.execute(trx);
    },

    findCampaign(id: string, q: Q = db) {
      return q
        .selectFrom('test_campaigns as c')
        .innerJoin('admin_units as u', 'u.code', 'c.unit_code')
        .select([
          'c.id',
          'c.name',
          'c.unit_code',
          'u.name as unit_name',
          'u.path as unit_path',
          'c.starts_on',
          'c.ends_on',
          'c.round',
          'c.pool_max',
        ])
        .where('c.id', '=', id)
        .executeTakeFirst();
    },

    listCampaigns(scope: AccessScope, limit: number) {
      const q = db
        .selectFrom('test_campaigns as c')
        .innerJoin('admin_units as u', 'u.code', 'c.unit_code')
        .select((eb) => [
          'c.id',
          'c.name',
          'c.unit_code',
          'u.name as unit_name',
          'c.starts_on',
          'c.ends_on',
          'c.round',
          eb
            .selectFrom('test_campaign_targets as t')
            .select(sql<number>`coalesce(sum(t.target), 0)::int`.as('n'))
            .whereRef('t.campaign_id', '=', 'c.id')
            .as('target'),
          eb
            .selectFrom('samples as s')
            .innerJoin('sample_members as m', 'm.sample_id', 's.id')
            .select(sql<number>`count(distinct m.person_id)::int`.as('n'))
            .whereRef('s.campaign_id', '=', 'c.id')
            .as('tested'),
        ]);
      return scoped(q, scope, 'u.path').orderBy('c.starts_on', 'desc').limit(limit).execute();
    },

    /** Per commune of the campaign: target, people tested (by where they live), and recent results for the advice. */
    async campaignCommunes(campaignId: string) {
      const r = await sql<{
        unit_code: string;
        unit_name: string;
        target: number;
        adjusted: boolean;
        tested: number;
      }>`
        select t.unit_code, tu.name as unit_name, t.target, t.adjusted,
               (select count(distinct m.person_id)::int
                  from samples s join sample_members m on m.sample_id = s.id
                  join admin_units mu on mu.code = coalesce(m.unit_code, s.unit_code)
                  where s.campaign_id = t.campaign_id and mu.path like tu.path || '%') as tested
        from test_campaign_targets t join admin_units tu on tu.code = t.unit_code
        where t.campaign_id = ${campaignId}
        order by tu.name`.execute(db);
      return r.rows;
    },

    async campaignTotals(campaignId: string) {
      const r = await sql<{ tubes: number; pooled: number; people: number }>`
        select count(*)::int as tubes,
               count(*) filter (where kind = 'rt-pcr-pool')::int as pooled,
               coalesce(sum(member_count), 0)::int as people
        from samples where campaign_id = ${campaignId}`.execute(db);
      return r.rows[0] ?? { tubes: 0, pooled: 0, people: 0 };
    },

    /** Individual tubes taken later, outside this campaign, of the people of its positive pools (their re-tests). */
    async campaignRetests(campaignId: string): Promise<number> {
      const r = await sql<{ n: number }>`
        select count(distinct s2.id)::int as n
        from samples s join sample_members m on m.sample_id = s.id
        join sample_members m2 on m2.person_id = m.person_id
        join samples s2 on s2.id = m2.sample_id and s2.kind <> 'rt-pcr-pool' and s2.collected_at > s.collected_at
             and s2.campaign_id is distinct from s.campaign_id
        where s.campaign_id = ${campaignId} and s.kind = 'rt-pcr-pool' and s.result = 'positive'`.execute(db);
      return r.rows[0]?.n ?? 0;
    },

    async setTarget(trx: Transaction<DB>, campaignId: string, unitCode: string, target: number): Promise<boolean> {
      const res = await trx
        .updateTable('test_campaign_targets')
        .set({ target, adjusted: true })
        .where('campaign_id', '=', campaignId)
        .where('unit_code', '=', unitCode)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },

    async createPoint(
      trx: Transaction<DB>,
      p: { campaign_id: string; name: string; unit_code: string; address: string | null; team: string | null },
    ): Promise<string> {
      const row = await trx.insertInto('test_points').values(p).returning('id').executeTakeFirstOrThrow();
      return row.id;
    },

    points(campaignId: string) {
      return db
        .selectFrom('test_points as p')
        .select((eb) => [
          'p.id',
          'p.name',
          'p.unit_code',
          'p.address',
          'p.team',
          eb
            .selectFrom('samples as s')
            .select(sql<number>`count(*)::int`.as('n'))
            .whereRef('s.point_id', '=', 'p.id')
            .as('tubes'),
        ])
        .where('p.campaign_id', '=', campaignId)
        .orderBy('p.name')
        .execute();
    },

    findPoint(id: string) {
      return db.selectFrom('test_points').select(['id', 'campaign_id']).where('id', '=', id).executeTakeFirst();
    },

    // ——— statistics ———
    statsDays(scope: AccessScope, f: { unitPath?: string; from: string; to: string }) {
      let q = db
        .selectFrom('testing_daily_stats as d')
        .innerJoin('admin_units as u', 'u.code', 'd.unit_code')
        .select([
          'd.day',
          'd.unit_code',
          'u.name as unit_name',
          'd.kind',
          'd.tubes',
          'd.people',
          'd.positive_tubes',
          'd.positive_people',
          'd.invalid_tubes',
        ])
        .where('d.day', '>=', f.from)
        .where('d.day', '<=', f.to);
      q = scoped(q, scope, 'u.path');
      if (f.unitPath) q = q.where('u.path', 'like', `${f.unitPath}%`);
      return q.orderBy('d.day').orderBy('u.name').orderBy('d.kind').execute();
    },

    /** Positivity by commune over a window of collection days: the map's and the advice's aggregate. */
    async positivityByCommune(scope: AccessScope, f: { unitPath?: string; from: string; to: string }) {
      let q = db
        .selectFrom('testing_daily_stats as d')
        .innerJoin('admin_units as u', 'u.code', 'd.unit_code')
        .select([
          'd.unit_code',
          'u.name as unit_name',
          sql<number>`sum(d.people)::int`.as('people'),
          sql<number>`sum(d.tubes)::int`.as('tubes'),
          sql<number>`sum(d.positive_people)::int`.as('positive_people'),
          sql<number>`sum(d.positive_tubes)::int`.as('positive_tubes'),
          sql<number>`(sum(d.positive_tubes) filter (where d.kind = 'rt-pcr-pool'))::int`.as('positive_pools'),
        ])
        .where('d.day', '>=', f.from)
        .where('d.day', '<=', f.to)
        .groupBy(['d.unit_code', 'u.name']);
      q = scoped(q, scope, 'u.path');
      if (f.unitPath) q = q.where('u.path', 'like', `${f.unitPath}%`);
      return q.orderBy('u.name').execute();
    },

    /** Turnaround percentiles (hours) of tubes tested in the window, collected in scope. */
    async turnaround(scope: AccessScope, f: { unitPath?: string; from: string; to: string }) {
      let q = db
        .selectFrom('samples as s')
        .innerJoin('admin_units as u', 'u.code', 's.unit_code')
        .select([
          sql<number>`count(*)::int`.as('resulted'),
          sql<
            number | null
          >`percentile_cont(0.5) within group (order by extract(epoch from s.tested_at - s.collected_at)) / 3600`.as(
            'c2r_p50',
          ),
          sql<
            number | null
          >`percentile_cont(0.9) within group (order by extract(epoch from s.tested_at - s.collected_at)) / 3600`.as(
            'c2r_p90',
          ),
          sql<
            number | null
          >`percentile_cont(0.5) within group (order by extract(epoch from s.received_at - s.collected_at)) filter (where s.received_at is not null) / 3600`.as(
            'c2rec_p50',
          ),
          sql<
            number | null
          >`percentile_cont(0.5) within group (order by extract(epoch from s.tested_at - s.received_at)) filter (where s.received_at is not null) / 3600`.as(
            'rec2r_p50',
          ),
        ])
        .where('s.tested_at', 'is not', null)
        .where(LOCAL_DAY('s.tested_at'), '>=', f.from)
        .where(LOCAL_DAY('s.tested_at'), '<=', f.to);
      q = scoped(q, scope, 'u.path');
      if (f.unitPath) q = q.where('u.path', 'like', `${f.unitPath}%`);
      return q.executeTakeFirstOrThrow();
    },

    /** Tubes in transit to and waiting at each lab in scope (by the lab's unit). */
    backlog(scope: AccessScope) {
      const q = db
        .selectFrom('labs as l')
        .innerJoin('admin_units as u', 'u.code', 'l.unit_code')
        .leftJoin('samples as s', (j) => j.onRef('s.lab_id', '=', 'l.id').on('s.status', 'in', ['shipped', 'received']))
        .select([
          'l.id',
          'l.name',
          sql<number>`count(s.id) filter (where s.status = 'shipped')::int`.as('in_transit'),
          sql<number>`count(s.id) filter (where s.status = 'received')::int`.as('awaiting'),
          sql<number | null>`extract(epoch from now() - min(s.collected_at)) / 3600`.as('oldest_hours'),
        ])
        .where('l.active', '=', true)
        .groupBy(['l.id', 'l.name']);
      return scoped(q, scope, 'u.path').orderBy('l.name').execute();
    },

    // ——— tasks ———
    listTasks(scope: AccessScope, f: { unitPath?: string; reason?: string; status: string; limit: number }) {
      let q = db
        .selectFrom('test_tasks as t')
        .innerJoin('people as p', 'p.id', 't.person_id')
        .leftJoin('admin_units as u', 'u.code', 't.unit_code')
        .leftJoin('samples as s', 's.id', 't.source_sample_id')
        .select([
          't.id',
          't.person_id',
          'p.name',
          'p.phone',
          't.unit_code',
          'u.name as unit_name',
          't.reason',
          't.due_on',
          't.day',
          't.status',
          's.barcode as source_barcode',
        ])
        .where('t.status', '=', f.status as 'open');
      q = scoped(q, scope, 'u.path');
      if (f.unitPath) q = q.where('u.path', 'like', `${f.unitPath}%`);
      if (f.reason) q = q.where('t.reason', '=', f.reason as 'quarantine');
      return q.orderBy('t.due_on').orderBy('p.name').limit(f.limit).execute();
    },

    /**
     * The test days of every active F1 quarantine order become tasks (day N = the order's start + N − 1), once per
     * order and day; returns how many were made.
     */
    async scheduleQuarantineTests(days: number[]): Promise<number> {
      if (days.length === 0) return 0;
      const r = await sql`
        insert into test_tasks (person_id, unit_code, reason, due_on, quarantine_order_id, day)
        select q.person_id, q.unit_code, 'quarantine', q.starts_on + (d.day - 1), q.id, d.day
        from quarantine_orders q
        cross join unnest(${days}::int[]) as d(day)
        where q.status = 'active' and q.starts_on + (d.day - 1) <= q.ends_on
        order by q.id, d.day
        on conflict do nothing`.execute(db);
      return Number(r.numAffectedRows ?? 0);
    },

    // ——— citizens ———
    testsOf(personIds: string[]) {
      return db
        .selectFrom('sample_members as m')
        .innerJoin('samples as s', 's.id', 'm.sample_id')
        .innerJoin('people as p', 'p.id', 'm.person_id')
        .leftJoin('labs as l', 'l.id', 's.lab_id')
        .select([
          's.id',
          's.kind',
          's.barcode',
          's.result',
          's.collected_at',
          's.tested_at',
          'm.person_id',
          MEMBER_STATUS.as('status'),
          'p.name',
          'l.name as lab_name',
        ])
        .where('m.person_id', 'in', personIds)
        .orderBy('s.collected_at', 'desc')
        .limit(200)
        .execute();
    },
  };
}

export type TestingRepo = ReturnType<typeof testingRepo>;
