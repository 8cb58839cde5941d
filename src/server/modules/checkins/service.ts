/**
 * Check-in: every mode ends in one `CheckIn` record (person, venue, zone?, in-time, out-time?, method, actor) that
 * says how it proves the person was there (`evidence`):
 *   citizen scans the venue QR (`venueQr`) or types its short code (`shortCode`)               → qr_self;
 *   the door scans the citizen's personal QR (`venueId` + `personQr`)                         → qr_personal;
 *   the door has a one-time code sent to the person's phone, who reads it back
 *   (`venueId` + `phone` + `otp`, for people without a smartphone)                             → otp;
 *   the door types a national ID / phone (+ name): staff accounts, and managers of a venue
 *   verified by the commune only                                                              → typed_staff;
 *   bulk: a conductor or a wedding host sends a list through the batch endpoint (the offline scanner uses it too).
 * A citizen-run venue the commune has not verified records people only with proof (their QR or a door code): a
 * typed identifier alone is refused (403 CHECKIN_PROOF_REQUIRED) — otherwise anyone could register a venue and place
 * anyone next to a confirmed case. A time in the past (`at`) is accepted only from the door's offline queue (the
 * batch endpoint) of a staff account or a verified venue's manager, and at most TRUYVET_CHECKIN_BACKDATE_HOURS back.
 * People typed in are found or registered through the people module, and known and unknown people get the same
 * answer (no way to learn whether a national ID exists).
 * Validation happens before anything is written; rows are then group-committed by the writer.
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
import { localDate } from '../../platform/sms.ts';
import type { Badge, DoorDeclarations } from '../declarations/schemas.ts';
import {
  doorPersonShown,
  doorReadReach,
  type PeopleService,
  parsePersonQr,
  verifyPersonQrSignature,
} from '../people/index.ts';
import type { DoorPerson } from '../people/schemas.ts';
import type { CachedVenue, VenueCheckinCounts, VenuesService } from '../venues/index.ts';
import { doorCodes } from './door-codes.ts';
import { checkinPolicy } from './policy.ts';
import { checkinsRepo } from './repo.ts';
import { type CheckinInput, type CheckinResult, MAX_BATCH } from './schemas.ts';
import type { CheckinWriter, WriteRequest, WriteResult } from './writer.ts';

const CLOCK_SKEW_MS = 2 * 60_000;
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
  /**
   * the badge of the day's status a check-in's statement read, and for a replayed check-in the door's look-up
   * (today's badge and who a personal QR is); without it, there is no badge and who the person is comes from
   * `people.atDoor`
   */
  declarations?: (() => DoorDeclarations) | undefined;
}

/** The audit row a door check-in gets, and whether the door is shown who it is (a personal QR). */
interface DoorAudit {
  show: boolean;
  entry: AuditEntry & { details: Record<string, unknown> };
}

const shownOf = (p: DoorPerson): string => (p.nameMasked ? 'masked' : p.name === null ? 'no-name' : 'full');

export function checkinsService(ctx: PlatformContext, deps: CheckinsServiceDeps) {
  const { people, venues, writer: write } = deps;
  const codes = doorCodes(ctx);
  const repo = checkinsRepo(ctx.db);

  /** The answer stored under an idempotency key (422 when the key was used for another request), if any. */
  const storedAnswer = (idem: Idempotency): Promise<WriteResult | undefined> =>
    findStored<CheckinResult>(ctx.db, idem.scope, idem.key, idem.hash);

  /** A check-out time: not in the future, not older than the retention window. */
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
   * queue, sent by an account trusted to type people in — which may be up to TRUYVET_CHECKIN_BACKDATE_HOURS old.
   * Anyone else sending a past time could place a person next to a confirmed case after the fact.
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

  /**
   * The person the door scanned (personal QR), proved by a door code (phone + otp) or typed (national ID / phone +
   * name), found or registered through the people module. `trusted`: the actor may type people in (a staff account,
   * or the manager of a venue the commune verified); anyone else needs proof. Registration resolves the request's
   * idempotency key first, so a retry registers no one.
   */
  async function personAtDoor(
    actor: Actor,
    input: CheckinInput,
    venue: { id: string; unit_code: string },
    trusted: boolean,
    idem: Idempotency | undefined,
  ): Promise<{ personId: string; method: CheckinMethod; evidence: CheckinEvidence }> {
    if (input.personQr) {
      const qr = parsePersonQr(input.personQr);
      if (!qr || !(await verifyPersonQrSignature(ctx.keys, qr))) throw new AppError('PERSON_QR_INVALID', 400);
      return { personId: qr.personId, method: 'staff_scan', evidence: 'qr_personal' };
    }
    const otp = input.otp;
    // refused before any look-up: an unverified venue learns nothing about who exists
    if (otp === undefined && !trusted) throw new AppError('CHECKIN_PROOF_REQUIRED', 403);
    const nationalId = input.nationalId?.trim() || undefined;
    if (nationalId && !isNationalId(nationalId)) throw new AppError('INVALID_NATIONAL_ID', 400);
    const phone = input.phone ? normalizePhone(input.phone) : undefined;
    if (input.phone && !phone) throw new AppError('INVALID_PHONE', 400);
    if (otp !== undefined) {
      // the code proves the phone, nothing else: a national ID beside it would be an unproven claim
      if (!phone || nationalId)
        throw new AppError('VALIDATION_FAILED', 400, { field: 'otp', reason: 'goes with a phone, without nationalId' });
    } else if (!nationalId && !phone) throw new AppError('CHECKIN_TARGET_REQUIRED', 400);
    if (otp !== undefined) {
      // a retry of an accepted request gets its answer without touching the person's newer codes
      if (idem) {
        const stored = await storedAnswer(idem);
        if (stored) throw new StoredAnswer(stored);
      }
      await codes.consume(venue.id, phone as string, otp);
    }
    const person = await people.findOrRegister(
      actor,
      { nationalId, phone: phone ?? undefined, name: input.name },
      venue.unit_code,
      {
        via: 'checkin',
        beforeCreate: async () => {
          if (!idem) return;
          const stored = await storedAnswer(idem);
          if (stored) throw new StoredAnswer(stored);
        },
      },
    );
    return { personId: person.id, method: 'staff_manual', evidence: otp !== undefined ? 'otp' : 'typed_staff' };
  }

  /** The venue the door works at, when the actor may check people in there (403 / 404 otherwise), from the cache. */
  const doorVenue = (actor: Actor, venueId: string): Promise<CachedVenue> =>
    venues.loadAuthorized(actor, venueId, 'venues.checkin', false);

  /** A staff account, or the manager of a venue the commune verified: may type people in and sync delayed scans. */
  const trustedAtDoor = (actor: Actor, entry: CachedVenue) =>
    actor.kind === 'staff' || actor.kind === 'system' || entry.venue.verified_at !== null;

  /**
   * What the door is told with a replayed answer: the person's declaration badge of the day of `at` and, for a
   * personal QR (`withPerson`), who the person is as the actor may see them — one look-up, batched by the declarations
   * module with the other requests of the event-loop turn. A replay is never refused by a venue's declaration rule,
   * and a failed look-up shows no badge. (A new check-in's own statement reads the same: `checkins_ingest`.)
   */
  async function doorView(
    actor: Actor,
    venueId: string,
    personId: string,
    at: Date,
    withPerson: boolean,
  ): Promise<{ badge?: Badge | undefined; person?: DoorPerson | undefined }> {
    const alone = async () => ({ person: withPerson ? await people.atDoor(actor, personId) : undefined });
    if (!deps.declarations) return alone();
    return deps.declarations().check(actor, venueId, personId, at, { person: withPerson }).catch(alone);
  }

  /**
   * A replayed answer as a first answer carries it: the person's declaration badge now and, for a personal QR the
   * door scanned, who it was (the door sees them again: audited as the first answer was).
   */
  async function asFirstAnswer(actor: Actor, r: WriteResult, queued: boolean, now: Date): Promise<WriteResult> {
    const at = queued ? new Date(r.body.at) : now;
    const show = r.body.evidence === 'qr_personal' && actor.kind !== 'system';
    const { badge, person } = await doorView(actor, r.body.venueId, r.body.personId, at, show);
    if (person) {
      await ctx.audit.record({
        actor,
        action: 'checkins.create',
        resourceType: 'person',
        resourceId: r.body.personId,
        details: { venueId: r.body.venueId, checkinId: r.body.id, replay: true, shown: shownOf(person) },
      });
    }
    return { ...r, body: { ...r.body, ...(badge ? { badge } : {}), ...(person ? { person } : {}) } };
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
      // window has passed, a venue closed since) still gets its stored answer
      if (err instanceof StoredAnswer) return asFirstAnswer(actor, err.result, queued, now);
      if (idem && err instanceof AppError && err.code !== 'IDEMPOTENCY_KEY_REUSED') {
        const stored = await storedAnswer(idem);
        if (stored) return asFirstAnswer(actor, stored, queued, now);
      }
      throw err;
    }
    // the door shows the person's declaration badge (of the scan's day); a venue may require a declaration today
    // (not for scans from the door's offline queue: those people were let in already). A personal QR also tells the
    // door who it is (name, masked unless the account may read the person; birth year): that is audited whoever the
    // door is, a venue's citizen manager too. The check-in's own statement reads both (the writer's batch, no round
    // trip of its own): a refusal writes nothing, and the audit row says what was shown.
    const day = localDate(req.row.checked_in_at);
    req.door = {
      day,
      enforce: !queued,
      ...(audit?.show ? { person: { reach: doorReadReach(actor), auditUnshown: actor.kind === 'staff' } } : {}),
    };
    if (audit) req.audit = audit.entry;
    const written = await write.submit(req);
    // who was scanned is shown with the first answer only: a replay the writer found goes through asFirstAnswer
    if (written.status !== 201) return asFirstAnswer(actor, written, queued, now);
    const seen = written.door;
    const badge = seen && deps.declarations ? deps.declarations().badge(seen.status, day) : undefined;
    const person = seen?.person && doorPersonShown(seen.person.row, seen.person.shown);
    return { status: 201, body: { ...written.body, ...(badge ? { badge } : {}), ...(person ? { person } : {}) } };
  }

  /**
   * Checks one check-in (everything but idempotency and double scans, which the writer decides per batch). The steps
   * that write (spending a door code, registering a person) come last, after every check that can refuse.
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
    let trusted = false;
    let citizen: { method: CheckinMethod } | undefined;
    if (input.venueQr || input.shortCode) {
      if (actor.kind !== 'citizen') throw new AppError('FORBIDDEN', 403);
      // a citizen's own check-in is made now: a past time is never theirs to send
      at = checkinTime(input.at, now, false);
      const found = await venueFromCitizenCode(input, at);
      entry = found.entry;
      citizen = { method: found.method };
    } else if (input.venueId) {
      entry = await doorVenue(actor, input.venueId);
      trusted = trustedAtDoor(actor, entry);
      at = checkinTime(input.at, now, queued && trusted);
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
      const person = await personAtDoor(actor, input, v, trusted, idem);
      personId = person.personId;
      method = queued && !input.personQr ? 'bulk' : person.method;
      evidence = person.evidence;
      // staff door scans are audited; a personal QR scan by anyone (see `checkin`: what was shown is added there)
      const show = evidence === 'qr_personal' && actor.kind !== 'system';
      if (actor.kind === 'staff' || show) {
        audit = {
          show,
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

  return {
    checkin: (actor: Actor, input: CheckinInput, idempotencyKey: string | undefined) =>
      checkin(actor, input, idempotencyKey),

    /**
     * Up to MAX_BATCH check-ins, each with its own key and its own result; one bad item does not stop the rest. This
     * is the door's offline queue: its items may carry their scan time (see `checkinTime`), and are recorded whatever
     * a venue's declaration rule says (the person was let in already) — except an item marked `live` (the door
     * scanner online, the person still outside), which is checked as a single check-in: 403 DECLARATION_REQUIRED.
     */
    async batch(actor: Actor, items: Array<CheckinInput & { idempotencyKey: string; live?: boolean | undefined }>) {
      if (items.length > MAX_BATCH)
        throw new AppError('BATCH_TOO_LARGE', 400, { max: MAX_BATCH, got: items.length }, { max: MAX_BATCH });
      const results = await Promise.all(
        items.map(async ({ idempotencyKey, live, ...input }, index) => {
          try {
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
     * and the door records them with `{venueId, phone, otp}`. The same answer whoever owns the phone.
     */
    async sendDoorCode(actor: Actor, input: { venueId: string; phone: string }) {
      const entry = await doorVenue(actor, input.venueId);
      const phone = normalizePhone(input.phone);
      if (!phone) throw new AppError('INVALID_PHONE', 400);
      return codes.send(actor, entry.venue, phone);
    },

    /**
     * Closes a stay: the person it records, the venue's managers and its door staff (`checkins.checkout`). Anyone
     * else gets 404 whether or not the check-in exists; a role that never checks people out, 403.
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
      if (!row) throw new AppError('CHECKIN_NOT_FOUND', 404);
      const at = checkTime(rawAt, new Date());
      if (at < row.checked_in_at)
        throw new AppError('VALIDATION_FAILED', 400, { field: 'at', reason: 'before the check-in' });
      if (!row.checked_out_at) {
        await repo.checkout(row.id, row.checked_in_at, at);
        if (actor.kind === 'staff') {
          await ctx.audit.record({
            actor,
            action: 'checkins.checkout',
            resourceType: 'person',
            resourceId: row.person_id,
            details: { checkinId: row.id },
          });
        }
      }
      return {
        id: row.id,
        checkedInAt: row.checked_in_at.toISOString(),
        checkedOutAt: (row.checked_out_at ?? at).toISOString(),
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
