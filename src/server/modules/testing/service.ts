/**
 * Testing: labs and their API keys, collecting tubes at test points (people found or registered through the people
 * module; offline collectors retry with per-tube idempotency keys and keep the original collection time), shipments
 * and lab intake, results (entry, lab systems, CSV files, corrections — `results.ts`), citizens' own results.
 * Campaigns, statistics, tasks and settings are `campaigns.ts`. Every operation takes `(actor, input)` and
 * authorizes through `policy.ts` before anything is read out or written; reads of people are audited.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Actor, CitizenActor } from '../../platform/access.ts';
import { authorize, authorizeAt, can, mayEver, narrowScope, scopeOf } from '../../platform/authorize.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError, errorBody } from '../../platform/errors.ts';
import { isNationalId, normalizePhone } from '../../platform/formats.ts';
import { findStored, requestHash, runIdempotent } from '../../platform/idempotency.ts';
import type { AdminUnitsService } from '../admin-units/index.ts';
import { type PeopleService, parsePersonQr, verifyPersonQrSignature } from '../people/index.ts';
import { barcodeOf, normalizeBarcode } from './barcode.ts';
import { IMPORT_REJECTED_LISTED, type ResultValue } from './constants.ts';
import { parseResultsCsv } from './csv.ts';
import { campaignPolicy, labPolicy, samplePolicy, unitPolicy } from './policy.ts';
import type { SampleRow, TestingRepo } from './repo.ts';
import { actorRef, labReach, type ResultWriter, sameResult } from './results.ts';
import {
  type CorrectionInput,
  type CreatedSample,
  type CreateSampleInput,
  type ImportResponse,
  type IntakeInput,
  type PersonRef,
  RESULT_CORRECTED,
  type ResultInput,
  SAMPLES_REJECTED,
  type SampleView,
} from './schemas.ts';

const SKEW_MS = 2 * 60_000;
const KEY_PREFIX = 'tvlab_';

export interface TestingDeps {
  people: PeopleService;
  adminUnits: Pick<AdminUnitsService, 'findByCode'>;
  repo: TestingRepo;
  results: ResultWriter;
}

/** A lab API key, resolved: the lab it acts for. */
export interface LabKeyHolder {
  keyId: string;
  labId: string;
  labName: string;
  unitCode: string;
  unitPath: string;
}

/** Thrown while resolving people when the request's idempotency key already holds an answer. */
class StoredAnswer extends Error {
  constructor(readonly body: CreatedSample) {
    super('stored answer');
  }
}

/** Who a national ID or phone reference names, as the people module looks them up (or registers them). */
type Identified = { nationalId: string; name?: string | undefined } | { phone: string; name?: string | undefined };

export const hashLabKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** A tube as the API shows it (the contract's shape, plus where and when). */
export function toSampleView(s: SampleRow, members: Array<{ person_id: string; status: string }>): SampleView {
  return {
    id: s.id,
    barcode: s.barcode,
    kind: s.kind,
    status: s.status,
    ...(s.result ? { result: s.result } : {}),
    ...(s.ct !== null ? { ct: Number(s.ct) } : {}),
    ...(s.tested_at ? { testedAt: s.tested_at.toISOString() } : {}),
    collectedAt: s.collected_at.toISOString(),
    unitCode: s.unit_code,
    campaignId: s.campaign_id,
    labId: s.lab_id,
    labName: s.lab_name,
    receivedAt: s.received_at?.toISOString() ?? null,
    rejectedReason: s.rejected_reason,
    people: members.map((m) => ({ personId: m.person_id, status: m.status as SampleView['people'][number]['status'] })),
  };
}

/** The status a refused single result answers with. */
const RESULT_STATUS: Partial<Record<string, number>> = {
  SAMPLE_NOT_FOUND: 404,
  BARCODE_UNKNOWN: 404,
  SAMPLE_OTHER_LAB: 403,
  SAMPLE_REJECTED: 409,
  RESULT_CONFLICT: 409,
};

export function testingService(ctx: PlatformContext, deps: TestingDeps) {
  const { repo, people, adminUnits } = deps;
  const db = ctx.db;

  async function unitOrThrow(code: string) {
    const unit = await adminUnits.findByCode(code);
    if (!unit) throw new AppError('UNIT_NOT_FOUND', 400);
    return unit;
  }

  /** The people of a tube, as its audit rows name them (inside the caller's transaction). */
  async function memberIds(sampleId: string, trx: Transaction<DB>): Promise<string[]> {
    return (await repo.members(sampleId, trx)).map((m) => m.person_id);
  }

  /** A lab the actor may work for (403 / 404 LAB_NOT_FOUND), and the one an API key is bound to. */
  async function workingLab(actor: Actor, labId: string, keyLab: LabKeyHolder | undefined) {
    if (keyLab && keyLab.labId !== labId) throw new AppError('LAB_KEY_OTHER_LAB', 403);
    const lab = await repo.findLab(labId);
    return authorize(labPolicy, actor, 'labs.work', lab && { ...lab, unitPath: lab.unit_path });
  }

  /**
   * Reads a tube: staff of its area, or of the lab it was shipped to / resulted by; a lab system (its API key) only
   * its own lab's tubes (any other → 404 SAMPLE_NOT_FOUND, as an unknown id). Audited with its people.
   */
  async function readSample(actor: Actor, id: string, keyLab?: LabKeyHolder): Promise<SampleView> {
    const row = await repo.findSample(id);
    let viaLab = false;
    if (keyLab) {
      if (!row || row.lab_id !== keyLab.labId) throw new AppError('SAMPLE_NOT_FOUND', 404);
      viaLab = true;
    } else if (row?.lab_id && mayEver(labPolicy, actor, 'labs.work')) {
      const lab = await repo.findLab(row.lab_id);
      viaLab = lab !== undefined && can(labPolicy, actor, 'labs.work', { unitPath: lab.unit_path });
    }
    const tube = viaLab
      ? (row as SampleRow)
      : authorize(samplePolicy, actor, 'samples.read', row && { ...row, unitPath: row.unit_path });
    const members = await repo.members(tube.id);
    await ctx.audit.record({
      actor,
      action: 'samples.read',
      resourceType: 'sample',
      resourceId: tube.id,
      unitCode: tube.unit_code,
      details: { personIds: members.map((m) => m.person_id) },
    });
    return toSampleView(tube, members);
  }

  /** Who a reference names: checked formats, and a key that spots the same person written twice. */
  function refKey(ref: PersonRef, index: number): string {
    if ('personId' in ref) return `id:${ref.personId.toLowerCase()}`;
    if ('personQr' in ref) {
      const qr = parsePersonQr(ref.personQr);
      if (!qr) throw new AppError('PERSON_QR_INVALID', 400, { index });
      return `id:${qr.personId.toLowerCase()}`;
    }
    if ('nationalId' in ref) {
      const nid = ref.nationalId.trim();
      if (!isNationalId(nid)) throw new AppError('INVALID_NATIONAL_ID', 400, { index });
      return `nid:${nid}`;
    }
    const phone = normalizePhone(ref.phone);
    if (!phone) throw new AppError('INVALID_PHONE', 400, { index });
    return `phone:${phone}:${(ref.name ?? '').trim().toLowerCase()}`;
  }

  /** Tests of these people, newest first, as a citizen's list shows them. */
  async function testItems(personIds: string[]) {
    const rows = await repo.testsOf(personIds);
    return {
      items: rows.map((r) => ({
        sampleId: r.id,
        kind: r.kind,
        ...(r.result ? { result: r.result } : {}),
        collectedAt: r.collected_at.toISOString(),
        ...(r.tested_at ? { testedAt: r.tested_at.toISOString() } : {}),
        personId: r.person_id,
        personName: r.name,
        status: r.status as SampleView['people'][number]['status'],
        labName: r.lab_name,
        barcode: r.barcode,
      })),
    };
  }

  return {
    readSample,

    // ——— labs ———
    async createLab(actor: Actor, input: { name: string; unitCode: string }) {
      const unit = await unitOrThrow(input.unitCode);
      authorizeAt(labPolicy, actor, 'labs.manage', { unitPath: unit.path });
      return db.transaction().execute(async (trx) => {
        const id = await repo.createLab(trx, input.name.trim(), unit.code);
        await ctx.audit.append(trx, {
          actor,
          action: 'labs.create',
          resourceType: 'lab',
          resourceId: id,
          unitCode: unit.code,
        });
        return { id };
      });
    },

    /** Every active lab (names and places, nothing personal): collectors choose where to ship. */
    async listLabs(actor: Actor) {
      if (actor.kind !== 'staff' && actor.kind !== 'system') throw new AppError('FORBIDDEN', 403);
      const rows = await repo.listLabs();
      return { items: rows.map((l) => ({ id: l.id, name: l.name, unitCode: l.unit_code, unitName: l.unit_name })) };
    },

    async createLabKey(actor: Actor, labId: string, label: string) {
      const lab = await repo.findLab(labId);
      authorize(labPolicy, actor, 'labs.manage', lab && { unitPath: lab.unit_path });
      const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
      return db.transaction().execute(async (trx) => {
        const row = await repo.createKey(trx, labId, hashLabKey(key), label.trim(), actorRef(actor));
        await ctx.audit.append(trx, {
          actor,
          action: 'labs.createKey',
          resourceType: 'lab',
          resourceId: labId,
          details: { keyId: row.id },
        });
        return { id: row.id, key, label: label.trim() };
      });
    },

    async listLabKeys(actor: Actor, labId: string) {
      const lab = await repo.findLab(labId);
      authorize(labPolicy, actor, 'labs.manage', lab && { unitPath: lab.unit_path });
      return (await repo.listKeys(labId)).map((k) => ({
        id: k.id,
        label: k.label,
        createdAt: k.created_at.toISOString(),
        lastUsedAt: k.last_used_at?.toISOString() ?? null,
        revokedAt: k.revoked_at?.toISOString() ?? null,
      }));
    },

    async revokeLabKey(actor: Actor, labId: string, keyId: string) {
      const lab = await repo.findLab(labId);
      authorize(labPolicy, actor, 'labs.manage', lab && { unitPath: lab.unit_path });
      await db.transaction().execute(async (trx) => {
        if (!(await repo.revokeKey(trx, labId, keyId))) throw new AppError('LAB_NOT_FOUND', 404);
        await ctx.audit.append(trx, {
          actor,
          action: 'labs.revokeKey',
          resourceType: 'lab',
          resourceId: labId,
          details: { keyId },
        });
      });
    },

    /** The lab an `X-Api-Key` acts for; undefined for an unknown or revoked key. */
    async resolveLabKey(key: string): Promise<LabKeyHolder | undefined> {
      if (!key.startsWith(KEY_PREFIX) || key.length > 200) return undefined;
      const row = await repo.findKey(hashLabKey(key));
      if (!row) return undefined;
      if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) await repo.touchKey(row.id);
      return {
        keyId: row.id,
        labId: row.lab_id,
        labName: row.lab_name,
        unitCode: row.unit_code,
        unitPath: row.unit_path,
      };
    },

    // ——— collection ———
    /** Reserves barcodes for labels printed ahead (A4 sheets) or for tubes collected offline. */
    async reserveBarcodes(actor: Actor, count: number) {
      if (!mayEver(samplePolicy, actor, 'samples.collect')) throw new AppError('FORBIDDEN', 403);
      return { barcodes: (await repo.nextSerials(count)).map(barcodeOf) };
    },

    /**
     * Collects one tube (see the file comment). Checks come first and write nothing: the place (403 outside the
     * collector's area), the campaign (one the collector cannot reach — not covering the place and not readable by
     * them — is 404 CAMPAIGN_NOT_FOUND, as an unknown id), the tube's kind against its number of people (individual
     * tubes hold one, pools 2..the pool maximum), the same person twice, the time, the barcode; then every person is
     * looked up (ids and QR codes verified, national IDs and phones found without registering anyone), so a tube
     * refused for any reason — an unknown person, two references to one person, a barcode in use or not issued —
     * registers no one; only then are the unknown people registered, and the tube is written with its idempotency key.
     */
    async collect(
      actor: Actor,
      input: CreateSampleInput,
      idempotencyKey: string | undefined,
    ): Promise<{ status: number; body: CreatedSample; replayed: boolean }> {
      const unit = await unitOrThrow(input.unitCode);
      authorizeAt(samplePolicy, actor, 'samples.collect', { unitPath: unit.path });
      const campaign = input.campaignId ? await repo.findCampaign(input.campaignId) : undefined;
      if (input.campaignId) {
        const covers = campaign !== undefined && unit.path.startsWith(campaign.unit_path);
        const visible =
          campaign !== undefined && can(campaignPolicy, actor, 'campaigns.read', { unitPath: campaign.unit_path });
        if (!covers && !visible) throw new AppError('CAMPAIGN_NOT_FOUND', 404);
        if (!covers) throw new AppError('UNIT_NOT_IN_CAMPAIGN', 400);
      }
      const settings = await repo.settings();
      const poolMax = Math.min(settings.pool_max, campaign?.pool_max ?? settings.pool_max);
      const n = input.people.length;
      if (input.kind === 'rt-pcr-pool') {
        if (n < 2) throw new AppError('SAMPLE_POOL_TOO_SMALL', 400);
        if (n > poolMax) throw new AppError('SAMPLE_POOL_TOO_LARGE', 400, { max: poolMax }, { max: poolMax });
      } else if (n !== 1) throw new AppError('SAMPLE_ONE_PERSON', 400);
      const keys = input.people.map(refKey);
      if (new Set(keys).size !== keys.length) throw new AppError('SAMPLE_DUPLICATE_PERSON', 400);
      const now = Date.now();
      const collectedAt = new Date(input.collectedAt);
      if (collectedAt.getTime() > now + SKEW_MS) throw new AppError('SAMPLE_TIME_IN_FUTURE', 400);
      const barcode = input.barcode === undefined ? undefined : normalizeBarcode(input.barcode);
      if (input.barcode !== undefined && !barcode) throw new AppError('BARCODE_INVALID', 400);
      if (input.pointId) {
        const point = await repo.findPoint(input.pointId);
        if (!point || point.campaign_id !== input.campaignId)
          throw new AppError('VALIDATION_FAILED', 400, { field: 'pointId' });
      }

      const scope = actorRef(actor);
      const hash = requestHash('POST /samples', input);
      const stored = async () =>
        idempotencyKey ? findStored<CreatedSample>(db, scope, idempotencyKey, hash) : undefined;
      const earlier = await stored();
      if (earlier) return { ...earlier, replayed: true };

      // every person looked up before anyone is registered: a refusal below leaves no one behind
      const slots: Array<{ personId: string; unitCode: string | null } | { who: Identified }> = [];
      for (const [index, ref] of input.people.entries()) {
        if ('personId' in ref || 'personQr' in ref) {
          let personId: string;
          if ('personQr' in ref) {
            const qr = parsePersonQr(ref.personQr);
            if (!qr || !(await verifyPersonQrSignature(ctx.keys, qr))) {
              throw new AppError('PERSON_QR_INVALID', 400, { index });
            }
            personId = qr.personId;
          } else personId = ref.personId;
          const place = await people.placeOf(personId);
          if (!place) throw new AppError('PERSON_NOT_FOUND', 400, { index });
          slots.push({ personId, unitCode: place.unitCode });
          continue;
        }
        const who: Identified =
          'nationalId' in ref
            ? { nationalId: ref.nationalId.trim(), name: ref.name }
            : { phone: normalizePhone(ref.phone) as string, name: ref.name };
        // the people module's own look-up (the one findOrRegister makes), registering no one
        const found = await people.findKnown(who);
        if (found) slots.push({ personId: found, unitCode: (await people.placeOf(found))?.unitCode ?? null });
        else slots.push({ who });
      }
      const found = slots.flatMap((s) => ('personId' in s ? [s.personId] : []));
      if (new Set(found).size !== found.length) throw new AppError('SAMPLE_DUPLICATE_PERSON', 400);
      // a phone without a name finds the oldest person with that phone: one registered for this tube just before it
      const phones = new Set<string>();
      for (const slot of slots) {
        if (!('who' in slot) || !('phone' in slot.who)) continue;
        if (!slot.who.name?.trim() && phones.has(slot.who.phone)) throw new AppError('SAMPLE_DUPLICATE_PERSON', 400);
        phones.add(slot.who.phone);
      }
      if (barcode) {
        if (/^\d{12}$/.test(barcode)) {
          // the server's own format: only a serial it has issued (no squatting on the labels it will print next)
          const serial = Number(barcode.slice(0, 11));
          if (serial < 1 || serial > (await repo.lastSerial())) throw new AppError('BARCODE_NOT_ISSUED', 400);
        }
        if (await repo.barcodeTaken(barcode)) {
          // taken by this very request's first try, committed since the check above (a retry sent while the first
          // was still running): its answer, as runIdempotent would have waited for it and replayed it
          const first = await stored();
          if (first) return { ...first, replayed: true };
          throw new AppError('BARCODE_IN_USE', 409);
        }
      }

      let members: Array<{ personId: string; unitCode: string | null }>;
      try {
        members = [];
        for (const slot of slots) {
          if ('personId' in slot) {
            members.push(slot);
            continue;
          }
          const registered = await people.findOrRegister(actor, slot.who, unit.code, {
            via: 'testing',
            beforeCreate: async () => {
              const answer = await stored();
              if (answer) throw new StoredAnswer(answer.body);
            },
          });
          const place = registered.created ? { unitCode: unit.code } : await people.placeOf(registered.id);
          members.push({ personId: registered.id, unitCode: place?.unitCode ?? null });
        }
      } catch (err) {
        if (err instanceof StoredAnswer) return { status: 200, body: err.body, replayed: true };
        throw err;
      }
      // someone registered by a concurrent request in between: still one person once
      if (new Set(members.map((m) => m.personId)).size !== members.length) {
        throw new AppError('SAMPLE_DUPLICATE_PERSON', 400);
      }

      return runIdempotent<CreatedSample>(db, scope, idempotencyKey, hash, async (trx) => {
        let code = barcode;
        if (code) {
          if (await repo.barcodeTaken(code, trx)) throw new AppError('BARCODE_IN_USE', 409);
        } else {
          code = barcodeOf((await repo.nextSerials(1, trx))[0] as number);
        }
        const id = await repo.insertSample(
          trx,
          {
            barcode: code,
            kind: input.kind,
            unit_code: unit.code,
            campaign_id: input.campaignId ?? null,
            point_id: input.pointId ?? null,
            member_count: members.length,
            collected_at: collectedAt,
            collected_by: scope,
          },
          members,
        );
        await repo.completeTasks(
          trx,
          members.map((m) => m.personId),
          id,
          collectedAt,
        );
        await ctx.audit.append(trx, {
          actor,
          action: 'samples.collect',
          resourceType: 'sample',
          resourceId: id,
          unitCode: unit.code,
          details: { kind: input.kind, personIds: members.map((m) => m.personId) },
        });
        return { status: 201, body: { id, barcode: code, people: members.map((m) => ({ personId: m.personId })) } };
      });
    },

    /** Tubes collected in the actor's area (no names: barcodes, kinds, states). */
    async listSamples(
      actor: Actor,
      q: {
        unitCode?: string | undefined;
        campaignId?: string | undefined;
        status?: string | undefined;
        day?: string | undefined;
        limit?: number | undefined;
      },
    ) {
      let scope = scopeOf(samplePolicy, actor, 'samples.read');
      let unitPath: string | undefined;
      if (q.unitCode) {
        const unit = await adminUnits.findByCode(q.unitCode);
        authorize(unitPolicy, actor, 'samples.read', unit && { unitPath: unit.path });
        unitPath = (unit as { path: string }).path;
        scope = narrowScope(scope, unitPath);
      }
      const rows = await repo.listSamples(scope, {
        ...(unitPath ? { unitPath } : {}),
        ...(q.campaignId ? { campaignId: q.campaignId } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.day ? { day: q.day } : {}),
        limit: q.limit ?? 200,
      });
      return {
        items: rows.map((r) => ({
          id: r.id,
          barcode: r.barcode,
          kind: r.kind,
          status: r.status,
          result: r.result,
          collectedAt: r.collected_at.toISOString(),
          memberCount: r.member_count,
          unitCode: r.unit_code,
          labName: r.lab_name,
        })),
      };
    },

    /**
     * Packs collected tubes of the actor's area into a shipment to a lab. A tube outside the area is refused as an
     * unknown barcode (404 BARCODE_UNKNOWN, the same answer), so a barcode's existence elsewhere never shows.
     */
    async ship(actor: Actor, input: { labId: string; barcodes: string[] }) {
      const lab = await repo.findLab(input.labId);
      if (!mayEver(samplePolicy, actor, 'samples.ship')) throw new AppError('FORBIDDEN', 403);
      if (!lab?.active) throw new AppError('LAB_NOT_FOUND', 404);
      const codes = input.barcodes.map((raw) => {
        const code = normalizeBarcode(raw);
        if (!code) throw new AppError('BARCODE_INVALID', 400, { barcode: raw });
        return code;
      });
      return db.transaction().execute(async (trx) => {
        const tubes = await repo.lockSamples(trx, { barcodes: [...new Set(codes)] });
        const byCode = new Map(tubes.map((t) => [t.barcode, t]));
        for (const code of new Set(codes)) {
          const tube = byCode.get(code);
          if (!tube || !can(samplePolicy, actor, 'samples.ship', { unitPath: tube.unit_path })) {
            throw new AppError('BARCODE_UNKNOWN', 404, { barcode: code });
          }
          if (tube.status !== 'collected') {
            throw new AppError('SAMPLE_NOT_SHIPPABLE', 400, { barcode: code }, { barcode: code });
          }
        }
        const first = tubes[0] as SampleRow;
        const id = await repo.createShipment(
          trx,
          lab.id,
          first.unit_code,
          actorRef(actor),
          tubes.map((t) => t.id),
        );
        await ctx.audit.append(trx, {
          actor,
          action: 'samples.ship',
          resourceType: 'shipment',
          resourceId: id,
          unitCode: first.unit_code,
          details: { labId: lab.id, tubes: tubes.length },
        });
        return { id, count: tubes.length };
      });
    },

    // ——— lab work ———
    /** The lab's intake queue: tubes on their way, tubes waiting for a result. */
    async labQueue(actor: Actor, labId: string, keyLab?: LabKeyHolder) {
      const lab = await workingLab(actor, labId, keyLab);
      const [rows, counts] = await Promise.all([repo.labQueue(labId, 1000), repo.labCounts(labId)]);
      const now = Date.now();
      const tube = (r: (typeof rows)[number]) => ({
        sampleId: r.id,
        barcode: r.barcode,
        kind: r.kind,
        status: r.status,
        memberCount: r.member_count,
        collectedAt: r.collected_at.toISOString(),
        receivedAt: r.received_at?.toISOString() ?? null,
        unitCode: r.unit_code,
        unitName: r.unit_name,
        shipmentId: r.shipment_id,
        ageHours: Math.round(((now - r.collected_at.getTime()) / 3_600_000) * 10) / 10,
      });
      return {
        lab: { id: lab.id, name: lab.name, unitCode: lab.unit_code, unitName: lab.unit_name },
        inTransit: rows.filter((r) => r.status === 'shipped').map(tube),
        awaitingResult: rows.filter((r) => r.status === 'received').map(tube),
        counts: { inTransit: counts.in_transit, awaitingResult: counts.awaiting, resultedToday: counts.today },
      };
    },

    /** A lab scans a tube in: accepted (waiting for its result) or rejected with a reason (its people come back). */
    async intake(actor: Actor, labId: string, input: IntakeInput, keyLab?: LabKeyHolder): Promise<SampleView> {
      const lab = await workingLab(actor, labId, keyLab);
      const code = normalizeBarcode(input.barcode);
      if (!code) throw new AppError('BARCODE_INVALID', 400);
      if (input.decision === 'reject' && !input.reason) {
        throw new AppError('VALIDATION_FAILED', 400, { field: 'reason', reason: 'required to reject' });
      }
      const id = await db.transaction().execute(async (trx) => {
        const [tube] = await repo.lockSamples(trx, { barcodes: [code] });
        const reach = tube && labReach(tube, lab, actor);
        if (!tube || reach === 'out-of-reach') throw new AppError('BARCODE_UNKNOWN', 404);
        if (reach === 'other-lab') throw new AppError('SAMPLE_OTHER_LAB', 403);
        if (tube.status === 'resulted') throw new AppError('SAMPLE_ALREADY_RESULTED', 409);
        if (tube.status === 'rejected') throw new AppError('SAMPLE_REJECTED', 409);
        if (input.decision === 'accept') {
          if (tube.status !== 'received') await repo.receive(trx, tube.id, lab.id);
        } else {
          await repo.reject(trx, tube.id, lab.id, input.reason as string, input.note?.trim() || null);
          await repo.createTasks(trx, [{ sampleId: tube.id, reason: 'rejected_sample' }]);
          await ctx.jobs.enqueue(trx, SAMPLES_REJECTED, { sampleIds: [tube.id] });
        }
        if (tube.shipment_id) await repo.settleShipment(trx, tube.shipment_id);
        await ctx.audit.append(trx, {
          actor,
          action: input.decision === 'accept' ? 'samples.receive' : 'samples.reject',
          resourceType: 'sample',
          resourceId: tube.id,
          unitCode: lab.unit_code,
          details: {
            labId: lab.id,
            ...(input.reason ? { reason: input.reason } : {}),
            personIds: await memberIds(tube.id, trx),
          },
        });
        return tube.id;
      });
      ctx.jobs.wake();
      const row = (await repo.findSample(id)) as SampleRow;
      return toSampleView(row, await repo.members(id));
    },

    /**
     * One result for one tube (lab staff, or a lab system with its key): 200 with the tube; the same result again →
     * 200, nothing changes; a different one → 409 RESULT_CONFLICT, nothing changes.
     */
    async recordResult(actor: Actor, sampleId: string, input: ResultInput, keyLab?: LabKeyHolder): Promise<SampleView> {
      const lab = await workingLab(actor, input.labId, keyLab);
      const testedAt = new Date(input.testedAt);
      if (testedAt.getTime() > Date.now() + SKEW_MS) throw new AppError('RESULT_TIME_IN_FUTURE', 400);
      const outcome = await db.transaction().execute(async (trx) => {
        const out = await deps.results.record(
          trx,
          [{ row: 1, sampleId, result: input.result, ct: input.ct ?? null, testedAt }],
          lab,
          actor,
          keyLab ? 'api' : 'entry',
        );
        const refused = out.rejected[0];
        if (refused) throw new AppError(refused.code, RESULT_STATUS[refused.code] ?? 400);
        await ctx.audit.append(trx, {
          actor,
          action: 'samples.result',
          resourceType: 'sample',
          resourceId: sampleId,
          unitCode: lab.unit_code,
          details: {
            labId: lab.id,
            result: input.result,
            changed: out.unchanged === 0,
            personIds: await memberIds(sampleId, trx),
          },
        });
        return out;
      });
      if (outcome.positive > 0 || outcome.unchanged === 0) ctx.jobs.wake();
      const row = (await repo.findSample(sampleId)) as SampleRow;
      return toSampleView(row, await repo.members(sampleId));
    },

    /**
     * A results file for one lab: the file is read line by line (`csv.ts`), every readable line is checked against
     * its tube, and the valid ones are recorded in one transaction; the refused lines come back with their line
     * number and reason (the first IMPORT_REJECTED_LISTED of them; `rejectedCount` counts all). Nothing is
     * half-written: a line is recorded with all its consequences or not at all.
     */
    async importResults(
      actor: Actor,
      labId: string,
      file: Uint8Array | string,
      keyLab?: LabKeyHolder,
    ): Promise<ImportResponse> {
      const lab = await workingLab(actor, labId, keyLab);
      const parsed = parseResultsCsv(file, new Date());
      const outcome = await db.transaction().execute(async (trx) => {
        const out = await deps.results.record(
          trx,
          parsed.rows.map((r) => ({
            row: r.row,
            barcode: r.barcode,
            result: r.result,
            ct: r.ct,
            testedAt: r.testedAt,
          })),
          lab,
          actor,
          keyLab ? 'api' : 'import',
        );
        await ctx.audit.append(trx, {
          actor,
          action: 'samples.import',
          resourceType: 'lab',
          resourceId: lab.id,
          unitCode: lab.unit_code,
          details: {
            lines: parsed.lines,
            accepted: out.accepted,
            unchanged: out.unchanged,
            positive: out.positive,
            rejected: out.rejected.length + parsed.rejected.length,
          },
        });
        return out;
      });
      ctx.jobs.wake();
      const rejected = [...parsed.rejected, ...outcome.rejected].sort((a, b) => a.row - b.row);
      return {
        accepted: outcome.accepted,
        unchanged: outcome.unchanged,
        positive: outcome.positive,
        // the first refused lines only: a file of bad lines must not become an answer many times its size
        rejected: rejected.slice(0, IMPORT_REJECTED_LISTED).map((r) => {
          const body = errorBody(r.code);
          return { row: r.row, code: r.code, message: body.error.message, messageVi: body.error.messageVi };
        }),
        rejectedCount: rejected.length,
      };
    },

    /** Replaces a recorded result, with a reason (audited); the only way a result changes. */
    async correctResult(actor: Actor, sampleId: string, input: CorrectionInput, keyLab?: LabKeyHolder) {
      const lab = await workingLab(actor, input.labId, keyLab);
      const testedAt = new Date(input.testedAt);
      if (testedAt.getTime() > Date.now() + SKEW_MS) throw new AppError('RESULT_TIME_IN_FUTURE', 400);
      await db.transaction().execute(async (trx) => {
        const [tube] = await repo.lockSamples(trx, { ids: [sampleId] });
        const reach = tube && labReach(tube, lab, actor);
        if (!tube || reach === 'out-of-reach') throw new AppError('SAMPLE_NOT_FOUND', 404);
        if (reach === 'other-lab') throw new AppError('SAMPLE_OTHER_LAB', 403);
        if (!tube.result) throw new AppError('SAMPLE_NO_RESULT', 409);
        const ct = input.ct ?? null;
        if (ct !== null && tube.kind === 'antigen') throw new AppError('CT_NOT_ALLOWED', 400);
        if (testedAt.getTime() < tube.collected_at.getTime() - SKEW_MS)
          throw new AppError('RESULT_BEFORE_COLLECTION', 400);
        if (
          tube.result === input.result &&
          sameResult({ result: tube.result, ct: tube.ct }, { result: input.result, ct })
        ) {
          throw new AppError('CORRECTION_SAME_RESULT', 409);
        }
        const resultId = await deps.results.correct(
          trx,
          tube,
          { sampleId, result: input.result as ResultValue, ct, testedAt },
          lab,
          actor,
          input.reason.trim(),
        );
        const personIds = await memberIds(sampleId, trx);
        await ctx.audit.append(trx, {
          actor,
          action: 'samples.correct',
          resourceType: 'sample',
          resourceId: sampleId,
          unitCode: lab.unit_code,
          details: { labId: lab.id, from: tube.result, to: input.result, resultId, personIds },
        });
        // what was derived from the old result (a green pass) follows, in the same transaction's outbox
        if (personIds.length > 0) await ctx.jobs.enqueue(trx, RESULT_CORRECTED, { sampleId, personIds });
      });
      ctx.jobs.wake();
      const row = (await repo.findSample(sampleId)) as SampleRow;
      return toSampleView(row, await repo.members(sampleId));
    },

    // ——— citizens ———
    /** A citizen's own tests and their dependants', newest first, with time and lab. */
    async myTests(actor: CitizenActor) {
      const dependants = await people.myDependants(actor);
      return testItems([actor.personId, ...dependants.map((d) => d.id)]);
    },

    /**
     * One person's tests as `myTests` lists them, for a certificate re-issued in the background (the greenpass
     * module's handler of RESULT_CORRECTED, no citizen asking; greenpass audits what it issues or withdraws).
     */
    async testsForCertificate(personId: string) {
      return testItems([personId]);
    },
  };
}

export type TestingService = ReturnType<typeof testingService>;
