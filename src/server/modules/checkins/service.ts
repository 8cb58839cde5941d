/**
 * Check-in: every mode ends in one `CheckIn` record (person, venue, zone?, in-time, out-time?, method, actor) that
 * says how it proves the person was there (`evidence`):
 *   citizen scans the venue QR (`venueQr`) or types its short code (`shortCode`)               → qr_self;
 *   the door scans the citizen's personal QR (`venueId` + `personQr`)                         → qr_personal;
 *   the door has a one-time code sent to the person's phone, who reads it back
 *   (`venueId` + `phone` + `otp`, for people without a smartphone)                             → otp;
 *   the door types a national ID / phone (+ name)                                             → typed_staff;
 *   bulk: a conductor or a wedding host sends a list through the batch endpoint (the offline scanner uses it too).
 * The door's modes are for staff accounts and the managers of a venue the commune verified: a citizen-run venue the
 * commune has not verified records no one at its door (403 VENUE_NOT_VERIFIED, before any look-up) — its visitors scan
 * its QR themselves. Anyone can register a venue in a minute, and a personal QR never expires (printed cards must keep
 * working), so otherwise anyone could keep scanned QR texts and place their holders next to a confirmed case later. A
 * time in the past (`at`) is accepted only from the door's offline queue (the batch endpoint), at most
 * TRUYVET_CHECKIN_BACKDATE_HOURS back. People typed in are found or registered through the people module, and known
 * and unknown people get the same answer (no way to learn whether a national ID exists).
 * Validation happens before anything is written — including what the writer would refuse (the venue's declaration
 * rule, a double scan) before a door code is spent or a person registered; rows are then group-committed by the
 * writer. Every door answer is audited (it shows the person's badge); a replayed answer is the stored body as it was
 * (no new look-up), given only to an actor who may still act at the venue.
 */
import { randomUUID } from 'node:crypto';
import type { CheckinEvidence, CheckinMethod } from '../../db/types.ts';
import type { Actor, CitizenActor } from '../../platform/access.ts';
import type { AuditEntry } from '../../platform/audit.ts';
import { authorize } from '../../platform/authorize.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError, errorBody } from '../../platform/errors.ts';
import { isNationalId, normalizePhone } from '../../platform/formats.ts';
import { findStored, requestHash } from '../../platform/idempotency.ts';
import { localDate, localDateText } from '../../platform/sms.ts';
import type { DoorDeclarations } from '../declarations/schemas.ts';
import {
  doorPersonShown,
  doorReadReach,
  type PeopleService,
  parsePersonQr,
  verifyPersonQrSignature,
} from '../people/index.ts';
import type { CachedVenue, VenueCheckinCounts, VenuesService } from '../venues/index.ts';
import { doorCodes } from './door-codes.ts';
import { MAX_STAY_MS } from './finder.ts';
import { checkinPolicy } from './policy.ts';
import { checkinsRepo } from './repo.ts';
import { type CheckinInput, type CheckinResult, MAX_BATCH } from './schemas.ts';
import { type CheckinWriter, DUPLICATE_WINDOW_MS, type WriteRequest, type WriteResult } from './writer.ts';

const CLOCK_SKEW_MS = 2 * 60_000;
/** A Vietnamese mobile number in E.164 (door codes go by SMS, and to Vietnamese mobiles only). */
const VIETNAMESE_MOBILE = /^\+84[35789]\d{8}$/;
/** an event or trip accepts check-ins this long before its start and after its end */
const EVENT_MARGIN_MS = 2 * 3600_000;

type Idempotency = NonNullable<WriteRequest['idempotency']>;

/** Thrown during validation when the request's key already holds an answer: that answer is the response. */
class StoredAnswer extends Error {
  constructor(readonly result: WriteResult) {
    super('stored answer');
  }
}

/** What the check-in service is built with (once, by `checkinsModule`). */
export interface CheckinsServiceDeps {
  /** finds or registers the people met at a door */
  people: PeopleService;
  /** the venues (their cache: the hot path reads every venue from it) and their policy */
  venues: VenuesService;
  /** the app's one group-commit writer */
  writer: CheckinWriter;
  /** the badge of the day's status a check-in's statement read; without it, the door is shown no badge */
  declarations?: (() => DoorDeclarations) | undefined;
}

/** The audit row a door check-in gets, and whether the door is shown who it is (a personal QR). */
interface DoorAudit {
  show: boolean;
  entry: AuditEntry & { details: Record<string, unknown> };
}

/** A batch item as the route hands it over. */
type BatchInput = CheckinInput & { idempotencyKey: string; live?: boolean | undefined };

export function checkinsService(ctx: PlatformContext, deps: CheckinsServiceDeps) {
  const { people, venues, writer: write } = deps;
  const codes = doorCodes(ctx);
  const repo = checkinsRepo(ctx.db);

  /** The answer stored under an idempotency key (422 when the key was used for another request), if any. */
  const storedAnswer = (idem: Idempotency): Promise<WriteResult | undefined> =>
    findStored<CheckinResult>(ctx.db, idem.scope, idem.key, idem.hash);

  /** A check-in time: not in the future, not older than the retention window. */
  function checkTime(raw: string | undefined, now: Date): Date {
    if (!raw) return now;
    const at = new Date(raw);
    if (at.getTime() > now.getTime() + CLOCK_SKEW_MS) throw new AppError('CHECKIN_TIME_IN_FUTURE', 400);
    const days = ctx.config.checkinRetentionDays;
    if (at.getTime() < now.getTime() - days * 86_400_000)
      throw new AppError('CHECKIN_TIME_TOO_OLD', 400, undefined, { days });
    return at;
  }

  /**
   * A check-in time: now (within the clock-skew tolerance) unless `backdate` — a scan waiting in the door's offline
   * queue, sent by an account trusted to check people in at the door — which may be up to
   * TRUYVET_CHECKIN_BACKDATE_HOURS old. Anyone else sending a past time could place a person next to a confirmed case
   * after the fact.
   */
  function checkinTime(raw: string | undefined, now: Date, backdate: boolean): Date {
    const at = checkTime(raw, now);
    if (at.getTime() >= now.getTime() - CLOCK_SKEW_MS) return at;
    if (!backdate) throw new AppError('CHECKIN_BACKDATE_NOT_ALLOWED', 400, { field: 'at' });
    const hours = ctx.config.checkinBackdateHours;
    if (at.getTime() < now.getTime() - hours * 3600_000)
      throw new AppError('CHECKIN_BACKDATE_TOO_OLD', 400, { field: 'at', hours }, { hours });
    return at;
  }

  /** The venue a citizen scanned (its QR, checked by the venues module) or typed (its short code). */
  async function venueFromCitizenCode(
    input: CheckinInput,
    at: Date,
  ): Promise<{ entry: CachedVenue; method: CheckinMethod }> {
    if (input.venueQr) return { entry: await venues.fromQr(input.venueQr, at), method: 'citizen_scan' };
    if (!input.shortCode) throw new AppError('VENUE_QR_INVALID', 400);
    return { entry: await venues.fromShortCode(input.shortCode), method: 'short_code' };
  }

  /** Where and when a door check-in would be recorded: what the refusals before any write of its own look at. */
  interface DoorPlace {
    venue: { id: string; unit_code: string };
    zoneId: string | null;
    at: Date;
    /** a live scan: the venue's declaration rule may refuse it */
    enforce: boolean;
  }

  /**
   * What the writer would refuse, asked before the door writes anything of its own (spends a door code, registers a
   * person): a live scan at a venue that requires a declaration today of someone without one (403
   * DECLARATION_REQUIRED — someone not yet on record has none), and a double scan of someone on record (409
   * CHECKIN_DUPLICATE with `existingId`). The writer decides both again, exactly, in the check-in's own statement.
   */
  async function refusalsBeforeWrites(place: DoorPlace, personId: string | undefined): Promise<void> {
    if (place.enforce) {
      const rule = await repo.doorRule(place.venue.id, personId ?? null, localDate(place.at));
      if (rule.required && rule.status === null) throw new AppError('DECLARATION_REQUIRED', 403);
    }
    if (personId) {
      const existingId = await repo.openCheckinNear(
        personId,
        place.venue.id,
        place.zoneId,
        place.at,
        DUPLICATE_WINDOW_MS,
      );
      if (existingId) throw new AppError('CHECKIN_DUPLICATE', 409, { existingId });
    }
  }

  /**
   * The person the door scanned (personal QR), proved by a door code (phone + otp) or typed (national ID / phone +
   * name), found or registered through the people module. The caller has checked that the actor may check people in
   * at this door (a staff account, or a manager of a venue the commune verified). Nothing is written before every
   * refusal that can come (`refusalsBeforeWrites`); registration resolves the request's idempotency key first, so a
   * retry registers no one.
   */
  async function personAtDoor(
    actor: Actor,
    input: CheckinInput,
    place: DoorPlace,
    idem: Idempotency | undefined,
  ): Promise<{ personId: string; method: CheckinMethod; evidence: CheckinEvidence }> {
    if (input.personQr) {
      const qr = parsePersonQr(input.personQr);
      if (!qr || !(await verifyPersonQrSignature(ctx.keys, qr))) throw new AppError('PERSON_QR_INVALID', 400);
      return { personId: qr.personId, method: 'staff_scan', evidence: 'qr_personal' };
    }
    const otp = input.otp;
    const nationalId = input.nationalId?.trim() || undefined;
    if (nationalId && !isNationalId(nationalId)) throw new AppError('INVALID_NATIONAL_ID', 400);
    const phone = input.phone ? normalizePhone(input.phone) : undefined;
    if (input.phone && !phone) throw new AppError('INVALID_PHONE', 400);
    if (otp !== undefined) {
      // the code proves the phone, nothing else: a national ID beside it would be an unproven claim
      if (!phone || nationalId)
        throw new AppError('VALIDATION_FAILED', 400, { field: 'otp', reason: 'goes with a phone, without nationalId' });
      // a retry of an accepted request gets its answer without touching the person's newer codes
      if (idem) {
        const stored = await storedAnswer(idem);
        if (stored) throw new StoredAnswer(stored);
      }
      // a wrong code is refused (and counted) before anything else; a right one stays unspent for now
      await codes.check(place.venue.id, phone, otp);
    } else if (!nationalId && !phone) throw new AppError('CHECKIN_TARGET_REQUIRED', 400);
    // the refusals first, then the writes of the door's own: the code spent, the person registered
    let cleared = false;
    const clear = async (personId: string | undefined) => {
      await refusalsBeforeWrites(place, personId);
      if (otp !== undefined) await codes.consume(place.venue.id, phone as string, otp);
      cleared = true;
    };
    const person = await people.findOrRegister(
      actor,
      { nationalId, phone: phone ?? undefined, name: input.name },
      place.venue.unit_code,
      {
        via: 'checkin',
        beforeCreate: async () => {
          if (idem) {
            const stored = await storedAnswer(idem);
            if (stored) throw new StoredAnswer(stored);
          }
          await clear(undefined);
        },
      },
    );
    // a code still to spend: the refusals first (a known person typed in has nothing of the door's to protect, and
    // the writer decides both again in the check-in's own statement)
    if (!cleared && otp !== undefined) await clear(person.id);
    return { personId: person.id, method: 'staff_manual', evidence: otp !== undefined ? 'otp' : 'typed_staff' };
  }

  /** The venue the door works at, when the actor may check people in there (403 / 404 otherwise), from the cache. */
  const doorVenue = (actor: Actor, venueId: string): Promise<CachedVenue> =>
    venues.loadAuthorized(actor, venueId, 'venues.checkin', false);

  /** A staff account, or the manager of a venue the commune verified: may check people in at the door. */
  const trustedAtDoor = (actor: Actor, entry: CachedVenue) =>
    actor.kind === 'staff' || actor.kind === 'system' || entry.venue.verified_at !== null;

  /**
   * The venue's door, for an actor who may check people in there (`doorVenue`: 403 / 404) and is trusted at it
   * (`trustedAtDoor`): a citizen-run venue the commune has not verified answers 403 VENUE_NOT_VERIFIED, before any
   * look-up of a person.
   */
  async function trustedDoor(actor: Actor, venueId: string): Promise<CachedVenue> {
    const entry = await doorVenue(actor, venueId);
    if (!trustedAtDoor(actor, entry)) throw new AppError('VENUE_NOT_VERIFIED', 403);
    return entry;
  }

  /**
   * A replayed answer (the request's idempotency key holds one): the stored body as it was first answered — no new
   * look-up of the person's badge nor of who they are — and, for a door's check-in, only when the actor may still
   * check people in at the venue (403 / 404 / VENUE_NOT_VERIFIED otherwise, as a new check-in), audited as the door
   * seeing the check-in again (`replay: true`).
   */
  async function replayed(actor: Actor, r: WriteResult): Promise<WriteResult> {
    const body = r.body;
    const own = body.evidence === 'qr_self' && actor.kind === 'citizen' && actor.personId === body.personId;
    if (!own && actor.kind !== 'system') {
      const entry = await trustedDoor(actor, body.venueId);
      await ctx.audit.record({
        actor,
        action: 'checkins.create',
        resourceType: 'person',
        resourceId: body.personId,
        unitCode: entry.venue.unit_code,
        details: { venueId: body.venueId, checkinId: body.id, evidence: body.evidence ?? null, replay: true },
      });
    }
    return { status: 200, body };
  }

  /** Validates one check-in and hands it to the writer. */
  async function checkin(
    actor: Actor,
    input: CheckinInput,
    idempotencyKey: string | undefined,
    queued = false,
  ): Promise<WriteResult> {
    const now = new Date();
    const scope =
      actor.kind === 'staff'
        ? `staff:${actor.userId}`
        : actor.kind === 'citizen'
          ? `citizen:${actor.personId}`
          : 'system';
    const hash = requestHash('POST /checkins', input);
    const idem = idempotencyKey ? { scope, key: idempotencyKey, hash } : undefined;
    let req: WriteRequest;
    let audit: DoorAudit | undefined;
    try {
      ({ req, audit } = await validate(actor, input, idem, queued, now));
    } catch (err) {
      // the writer answers retries of accepted requests; a retry that no longer validates (a rotating QR whose
      // window has passed, a venue closed since, a double scan of itself) still gets its stored answer — if the
      // actor may still act at the venue (`replayed`)
      if (err instanceof StoredAnswer) return replayed(actor, err.result);
      if (idem && err instanceof AppError && err.code !== 'IDEMPOTENCY_KEY_REUSED') {
        const stored = await storedAnswer(idem);
        if (stored) return replayed(actor, stored);
      }
      throw err;
    }
    // the door shows the person's declaration badge (of the scan's day); a venue may require a declaration today
    // (not for scans from the door's offline queue: those people were let in already). A personal QR also tells the
    // door who it is (name, masked unless the account may read the person; birth year). Every door answer is
    // audited, whoever the door is. The check-in's own statement reads both (the writer's batch, no round trip of
    // its own): a refusal writes nothing, and the audit row says what was shown.
    const day = localDate(req.row.checked_in_at);
    req.door = {
      day,
      enforce: !queued,
      ...(audit?.show ? { person: { reach: doorReadReach(actor), auditUnshown: actor.kind === 'staff' } } : {}),
    };
    if (audit) req.audit = audit.entry;
    const written = await write.submit(req);
    // a replay the writer found: the stored answer, as it was
    if (written.status !== 201) return replayed(actor, written);
    const seen = written.door;
    const badge = seen && deps.declarations ? deps.declarations().badge(seen.status, day) : undefined;
    const person = seen?.person && doorPersonShown(seen.person.row, seen.person.shown);
    return { status: 201, body: { ...written.body, ...(badge ? { badge } : {}), ...(person ? { person } : {}) } };
  }

  /**
   * Checks one check-in (everything but idempotency and double scans, which the writer decides per batch). The steps
   * that write (spending a door code, registering a person) come last, after every check that can refuse — the
   * writer's own refusals asked beforehand (`refusalsBeforeWrites`).
   * `queued`: it comes from the door's offline queue (the batch endpoint).
   */
  async function validate(
    actor: Actor,
    input: CheckinInput,
    idem: Idempotency | undefined,
    queued: boolean,
    now: Date,
  ): Promise<{ req: WriteRequest; audit?: DoorAudit | undefined }> {
    let entry: CachedVenue;
    let at: Date;
    let citizen: { method: CheckinMethod } | undefined;
    if (input.venueQr || input.shortCode) {
      if (actor.kind !== 'citizen') throw new AppError('FORBIDDEN', 403);
      // a citizen's own check-in is made now: a past time is never theirs to send
      at = checkinTime(input.at, now, false);
      const found = await venueFromCitizenCode(input, at);
      entry = found.entry;
      citizen = { method: found.method };
    } else if (input.venueId) {
      // refused before any look-up of a person: an unverified venue learns nothing about who exists
      entry = await trustedDoor(actor, input.venueId);
      at = checkinTime(input.at, now, queued);
    } else {
      throw new AppError('CHECKIN_TARGET_REQUIRED', 400);
    }

    const v = entry.venue;
    if (!v.active) throw new AppError('VENUE_NOT_OPEN', 400);
    if (
      (v.starts_at && at.getTime() < v.starts_at.getTime() - EVENT_MARGIN_MS) ||
      (v.ends_at && at.getTime() > v.ends_at.getTime() + EVENT_MARGIN_MS)
    ) {
      throw new AppError('VENUE_NOT_OPEN', 400);
    }
    const zoneId = input.zoneId ?? null;
    if (zoneId && !entry.zoneIds.has(zoneId)) {
      const fresh = await venues.loadCached(v.id, true);
      if (!fresh?.zoneIds.has(zoneId)) throw new AppError('ZONE_NOT_FOUND', 400);
    }

    let personId: string;
    let method: CheckinMethod;
    let evidence: CheckinEvidence;
    let audit: DoorAudit | undefined;
    if (citizen) {
      personId = (actor as CitizenActor).personId;
      method = citizen.method;
      evidence = 'qr_self';
    } else {
      const person = await personAtDoor(actor, input, { venue: v, zoneId, at, enforce: !queued }, idem);
      personId = person.personId;
      method = queued && !input.personQr ? 'bulk' : person.method;
      evidence = person.evidence;
      // every door answer shows the person's badge (and a personal QR who they are: added in `checkin`), whoever
      // the door is — a staff account or a venue's citizen manager — so every one is audited
      if (actor.kind !== 'system') {
        audit = {
          show: evidence === 'qr_personal',
          entry: {
            actor,
            action: 'checkins.create',
            resourceType: 'person',
            resourceId: personId,
            unitCode: v.unit_code,
            details: { venueId: v.id, method, evidence },
          },
        };
      }
    }
    let impliedOut = new Date(at.getTime() + v.default_stay_minutes * 60_000);
    if (v.ends_at && v.ends_at > at && v.ends_at < impliedOut) impliedOut = v.ends_at;
    const req: WriteRequest = {
      row: {
        id: randomUUID(),
        venue_id: v.id,
        zone_id: zoneId,
        person_id: personId,
        checked_in_at: at,
        implied_out_at: impliedOut,
        method,
        actor_type: actor.kind,
        actor_id: actor.kind === 'staff' ? actor.userId : actor.kind === 'citizen' ? actor.personId : actor.name,
        unit_code: v.unit_code,
        evidence,
      },
      ...(idem ? { idempotency: idem } : {}),
    };
    return { req, audit };
  }

  /**
   * The batch endpoint is the door's: every item names the door's venue (`venueId`; 400 CHECKIN_BATCH_DOOR_ONLY for a
   * citizen's own code), and a staff role that never checks people in is refused as a whole (403 FORBIDDEN: the same
   * for every venue). A venue the actor may not act at (404 VENUE_NOT_FOUND, 403 VENUE_NOT_VERIFIED) is refused in
   * each of its items' own results, before any look-up of a person (`checkin` → `trustedDoor`): a door's offline
   * queue takes such an answer as final and drops the scan, where a refusal of the whole request would leave every
   * scan queued behind it unsent for good (a venue that lost its verification, an account moved elsewhere).
   */
  async function requireDoorActor(actor: Actor, items: BatchInput[]): Promise<void> {
    const index = items.findIndex((i) => !i.venueId || i.venueQr !== undefined || i.shortCode !== undefined);
    if (index >= 0) throw new AppError('CHECKIN_BATCH_DOOR_ONLY', 400, { index });
    const first = items[0]?.venueId;
    if (actor.kind === 'system' || !first) return;
    await trustedDoor(actor, first).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'FORBIDDEN') throw err;
    });
  }

  /**
   * The items of a batch that repeat an earlier one of it — the same idempotency key, or the same person (the same
   * personal QR's person, national ID or phone) at the same venue and zone within the double-scan window — each with
   * its 400 CHECKIN_BATCH_DUPLICATE_ITEM (`index`, `duplicateOf`, `reason`), answered in its own result and never
   * queued: the writer would defer each repeat to a batch of its own, and a request full of them would hold it.
   */
  function repeatsOf(items: BatchInput[], now: Date): Map<number, AppError> {
    const out = new Map<number, AppError>();
    const keys = new Map<string, number>();
    const places = new Map<string, Array<{ at: number; index: number }>>();
    const repeat = (index: number, duplicateOf: number, reason: string) =>
      out.set(
        index,
        new AppError('CHECKIN_BATCH_DUPLICATE_ITEM', 400, { index, duplicateOf, reason }, { index, duplicateOf }),
      );
    for (const [index, item] of items.entries()) {
      const earlier = keys.get(item.idempotencyKey);
      if (earlier !== undefined) {
        repeat(index, earlier, 'idempotencyKey');
        continue;
      }
      keys.set(item.idempotencyKey, index);
      const nationalId = item.nationalId?.trim();
      const who = item.personQr
        ? `p:${parsePersonQr(item.personQr)?.personId ?? item.personQr.trim()}`
        : nationalId
          ? `n:${nationalId}`
          : item.phone
            ? `t:${normalizePhone(item.phone) ?? item.phone.trim()}`
            : undefined;
      if (!who) continue;
      const place = `${who}\u0000${item.venueId}\u0000${item.zoneId ?? ''}`;
      const parsed = item.at ? Date.parse(item.at) : Number.NaN;
      const at = Number.isNaN(parsed) ? now.getTime() : parsed;
      const seen = places.get(place) ?? [];
      const same = seen.find((s) => Math.abs(s.at - at) <= DUPLICATE_WINDOW_MS);
      if (same) {
        repeat(index, same.index, 'person');
        continue;
      }
      seen.push({ at, index });
      places.set(place, seen);
    }
    return out;
  }

  /**
   * A check-out time: between the check-in and now (2 minutes of clock skew), and never after the stay's longest end
   * — its implied end (the venue's default stay, or the event's end), at most MAX_STAY (24 h) after the check-in —,
   * so no one stretches a stay past what the venue's own rule gives it. The person's own check-out is now: a past
   * time would let them shrink a stay after the fact (400 CHECKOUT_BACKDATE_NOT_ALLOWED). Without `at`, a stay past
   * its longest end is closed at that end.
   */
  function checkoutTime(
    row: { checked_in_at: Date; implied_out_at: Date },
    raw: string | undefined,
    now: Date,
    own: boolean,
  ): Date {
    const at = raw ? new Date(raw) : now;
    if (at.getTime() > now.getTime() + CLOCK_SKEW_MS) throw new AppError('CHECKIN_TIME_IN_FUTURE', 400);
    if (at < row.checked_in_at)
      throw new AppError('VALIDATION_FAILED', 400, { field: 'at', reason: 'before the check-in' });
    if (own && raw && at.getTime() < now.getTime() - CLOCK_SKEW_MS)
      throw new AppError('CHECKOUT_BACKDATE_NOT_ALLOWED', 400, { field: 'at' });
    const latest = new Date(Math.min(row.implied_out_at.getTime(), row.checked_in_at.getTime() + MAX_STAY_MS));
    if (at <= latest) return at;
    if (raw) {
      throw new AppError(
        'CHECKOUT_AFTER_STAY_END',
        400,
        { field: 'at', latest: latest.toISOString() },
        { latest: localDateText(latest) },
      );
    }
    return latest;
  }

  return {
    checkin: (actor: Actor, input: CheckinInput, idempotencyKey: string | undefined) =>
      checkin(actor, input, idempotencyKey),

    /**
     * Up to MAX_BATCH check-ins at the door, each with its own key and its own result; one bad item does not stop the
     * rest. This is the door's offline queue: its items may carry their scan time (see `checkinTime`), and are
     * recorded whatever a venue's declaration rule says (the person was let in already) — except an item marked
     * `live` (the door scanner online, the person still outside), which is checked as a single check-in: 403
     * DECLARATION_REQUIRED. Refused as a whole: an item that is not a door's, a role that never checks people in
     * (`requireDoorActor`); an item repeating an earlier one of the batch is refused in its own result (`repeatsOf`).
     */
    async batch(actor: Actor, items: BatchInput[]) {
      if (items.length > MAX_BATCH)
        throw new AppError('BATCH_TOO_LARGE', 400, { max: MAX_BATCH, got: items.length }, { max: MAX_BATCH });
      await requireDoorActor(actor, items);
      const repeats = repeatsOf(items, new Date());
      const results = await Promise.all(
        items.map(async ({ idempotencyKey, live, ...input }, index) => {
          try {
            const repeat = repeats.get(index);
            if (repeat) throw repeat;
            // `live`: scanned just now, the person still at the door — checked as a single POST /checkins is (a
            // venue's declaration rule refuses it, no past time); `live` is left out of the request the key stands
            // for, so the same scan replayed from the queue is answered alike
            const r = await checkin(actor, input, idempotencyKey, live !== true);
            return { index, idempotencyKey, status: r.status, checkin: r.body };
          } catch (err) {
            if (!(err instanceof AppError)) throw err;
            return {
              index,
              idempotencyKey,
              status: err.status,
              error: errorBody(err.code, err.details, err.params).error,
            };
          }
        }),
      );
      const accepted = results.filter((r) => r.status < 300).length;
      return { results, accepted, rejected: results.length - accepted };
    },

    /**
     * The door has a one-time code sent to a person's phone (someone without a smartphone); the person reads it back
     * and the door records them with `{venueId, phone, otp}`. Only a door that may check people in (staff, a verified
     * venue's managers: 403 VENUE_NOT_VERIFIED otherwise), to a Vietnamese mobile number (400
     * DOOR_CODE_PHONE_NOT_VIETNAMESE). The same answer whoever owns the phone.
     */
    async sendDoorCode(actor: Actor, input: { venueId: string; phone: string }) {
      const entry = await trustedDoor(actor, input.venueId);
      const phone = normalizePhone(input.phone);
      if (!phone) throw new AppError('INVALID_PHONE', 400);
      if (!VIETNAMESE_MOBILE.test(phone)) throw new AppError('DOOR_CODE_PHONE_NOT_VIETNAMESE', 400);
      return codes.send(actor, entry.venue, phone);
    },

    /**
     * Closes a stay: the person it records, the venue's managers and its door staff (`checkins.checkout`). Anyone
     * else gets 404 whether or not the check-in exists; a role that never checks people out, 403. The time is bounded
     * (`checkoutTime`); closing someone else's stay is audited (`checkins.checkout`, with the person in `personIds`),
     * in the same transaction.
     */
    async checkout(actor: Actor, id: string, rawAt: string | undefined) {
      const row = await repo.findById(id);
      const entry = row && (await venues.loadCached(row.venue_id));
      authorize(
        checkinPolicy,
        actor,
        'checkins.checkout',
        row && entry && { personId: row.person_id, unitPath: entry.venue.unit_path, managerIds: entry.managerIds },
      );
      // authorize refused a missing check-in already: this only tells the type checker
      if (!row || !entry) throw new AppError('CHECKIN_NOT_FOUND', 404);
      const own = actor.kind === 'citizen' && actor.personId === row.person_id;
      const at = checkoutTime(row, rawAt, new Date(), own);
      let checkedOutAt = row.checked_out_at;
      if (!checkedOutAt) {
        const closed = await ctx.db.transaction().execute(async (trx) => {
          const done = await repo.checkout(trx, row.id, row.checked_in_at, at);
          if (done && !own && actor.kind !== 'system') {
            await ctx.audit.append(trx, {
              actor,
              action: 'checkins.checkout',
              resourceType: 'person',
              resourceId: row.person_id,
              unitCode: entry.venue.unit_code,
              details: {
                checkinId: row.id,
                venueId: row.venue_id,
                at: at.toISOString(),
                personIds: [row.person_id],
              },
            });
          }
          return done;
        });
        // closed meanwhile by someone else: their time stands
        checkedOutAt = closed ? at : ((await repo.findById(id))?.checked_out_at ?? at);
      }
      return {
        id: row.id,
        checkedInAt: row.checked_in_at.toISOString(),
        checkedOutAt: checkedOutAt.toISOString(),
      };
    },

    async mine(personId: string) {
      const since = new Date(Date.now() - ctx.config.checkinRetentionDays * 86_400_000);
      const rows = await repo.history(personId, since, 1000);
      const names = await venues.describe(
        [...new Set(rows.map((r) => r.venue_id))],
        [...new Set(rows.flatMap((r) => (r.zone_id ? [r.zone_id] : [])))],
      );
      return rows.flatMap((r) => {
        const venue = names.venues.get(r.venue_id);
        // venues are never deleted; a check-in without one is not shown, as the join this replaced did not
        if (!venue) return [];
        return [
          {
            id: r.id,
            venueId: r.venue_id,
            venueName: venue.name,
            venueCategory: venue.category,
            venueAddress: venue.address,
            zoneName: r.zone_id ? (names.zones.get(r.zone_id) ?? null) : null,
            checkedInAt: r.checked_in_at.toISOString(),
            checkedOutAt: r.checked_out_at?.toISOString() ?? null,
            impliedOutAt: r.implied_out_at.toISOString(),
            method: r.method,
          },
        ];
      });
    },

    /** Check-in counts for the venue pages (the venues module asks through this; see `VenueCheckinCounts`). */
    venueCounts: {
      presentByZone: async (venueId, at) =>
        (await repo.presentByZone(venueId, at)).map((r) => ({ zoneId: r.zone_id, present: r.n })),
      countBetween: (venueId, from, to) => repo.countBetween(venueId, from, to),
      perDay: async (scope, from) => (await repo.perDay(scope, from)).map((r) => ({ day: r.day, checkins: r.n })),
      busiest: async (scope, from, limit) =>
        (await repo.busiest(scope, from, limit)).map((r) => ({ venueId: r.venue_id, checkins: r.n })),
    } satisfies VenueCheckinCounts,
  };
}

export type CheckinsService = ReturnType<typeof checkinsService>;
