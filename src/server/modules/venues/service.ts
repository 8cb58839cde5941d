/**
 * The venue registry: registration (by a citizen who becomes its manager, or by staff on someone's behalf), zones,
 * trips of a vehicle, signed static or rotating QR codes, the printable poster, occupancy and compliance
 * statistics for inspection teams.
 *
 * Built once per app by `venuesModule`: the venue cache of the check-in hot path lives in this instance.
 */

import { randomInt } from 'node:crypto';
import type { Transaction } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { DB } from '../../db/types.ts';
import type { Actor } from '../../platform/access.ts';
import { type AccessScope, authorize, authorizeAt, narrowScope, scopeOf } from '../../platform/authorize.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { normalizePhone } from '../../platform/formats.ts';
import { decodeCursor, toPage } from '../../platform/paging.ts';
import type { AdminUnitsService } from '../admin-units/index.ts';
import type { PeopleService } from '../people/index.ts';
import { can, type VenueAction, type VenueResource, venuePolicy } from './policy.ts';
import { CATEGORY_LABELS_VI } from './poster.ts';
import type { PosterRenderer } from './poster-renderer.ts';
import {
  isVenueQrCurrent,
  makeRotatingQr,
  makeStaticQr,
  parseVenueQr,
  rotatingWindow,
  verifyVenueQrSignature,
} from './qr.ts';
import { type VenueWithUnit, venuesRepo } from './repo.ts';
import {
  type CreateVenueInput,
  TIME_BOUNDED,
  VENUE_REGISTRATIONS_PER_DAY,
  type VenueByQr,
  type VenueView,
} from './schemas.ts';

const SHORT_CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const CACHE_MS = 30_000;
const DAY_MS = 86_400_000;
/** how many venues the check-in path keeps loaded (entries are a few hundred bytes) */
const CACHE_MAX_VENUES = 100_000;

/** An 8-character code people can type (no 0/O/1/I), shown as XXXX-XXXX. */
function newShortCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += SHORT_CODE_ALPHABET[randomInt(SHORT_CODE_ALPHABET.length)];
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

/** Normalizes what people type ("abcd 2345", "ABCD2345") to the stored form. */
export function normalizeShortCode(raw: string): string | null {
  const s = raw.toUpperCase().replace(/[\s-]/g, '');
  if (!/^[2-9A-HJ-NP-Z]{8}$/.test(s)) return null;
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

/** A venue as the cache holds it: the row, its managers and zones. It is the policy's resource (`unitPath`). */
export interface CachedVenue extends VenueResource {
  venue: VenueWithUnit;
  managerIds: string[];
  zoneIds: Set<string>;
  loadedAt: number;
}

/**
 * What the venue pages need to know of check-ins. The checkins module answers (it owns the table); since check-ins
 * depend on venues, venues names what it needs here and the composition root hands the answer over lazily.
 */
export interface VenueCheckinCounts {
  /** People present at `at` (stays started within a day before, not checked out, implied end after `at`), per zone. */
  presentByZone(venueId: string, at: Date): Promise<Array<{ zoneId: string | null; present: number }>>;
  /** Check-ins at the venue from `from` to `to` (both included). */
  countBetween(venueId: string, from: Date, to: Date): Promise<number>;
  /** Check-ins per local (Asia/Ho_Chi_Minh) day since `from`, at venues in scope (`YYYY-MM-DD`, ascending). */
  perDay(scope: AccessScope, from: Date): Promise<Array<{ day: string; checkins: number }>>;
  /** The venues in scope with the most check-ins since `from`, most first. */
  busiest(scope: AccessScope, from: Date, limit: number): Promise<Array<{ venueId: string; checkins: number }>>;
}

/** What the venues service is built with (once, by `venuesModule`). */
export interface VenuesServiceDeps {
  /** the unit tree: a venue's commune or hamlet, the unit a list or a statistic is asked for */
  adminUnits: Pick<AdminUnitsService, 'findByCode'>;
  /** the citizen behind a manager's phone */
  people: Pick<PeopleService, 'findOrRegisterByPhone'>;
  /** check-in counts, from the checkins module (a function: that module is built after this one) */
  checkins: () => VenueCheckinCounts;
  /** the poster renderer (worker threads, started with the first poster; the module closes it) */
  posters: () => PosterRenderer;
}

/**
 * Methods that answer with a venue QR code (or a poster) take `publicUrl`, the base URL the code links to
 * (`<publicUrl>/q/<payload>`, which a phone's own camera opens): the routes pass TRUYVET_PUBLIC_URL or, when it is not
 * set, the request's own origin (platform/origin.ts). Omitted: TRUYVET_PUBLIC_URL, and when that is unset the bare
 * payload (which the app's scanner reads, but a camera does not open).
 */
export function venuesService(ctx: PlatformContext, deps: VenuesServiceDeps) {
  const repo = venuesRepo(ctx.db);
  const units = deps.adminUnits;
  // least recently used venues leave first when a province's venues outgrow it (a full clear would send every busy
  // venue's check-ins to the database at once)
  const venueCache = new LRUCache<string, CachedVenue>({ max: CACHE_MAX_VENUES });
  const loading = new Map<string, Promise<CachedVenue | undefined>>();

  /**
   * The venue with its managers and zones, cached briefly for the check-in hot path. Concurrent misses of the same
   * venue share one load: a busy venue whose entry expires (or is first used) under load would otherwise send every
   * check-in in flight to the database at once. `fresh` callers always start a new load.
   */
  function loadCached(id: string, fresh = false): Promise<CachedVenue | undefined> {
    const hit = venueCache.get(id);
    if (!fresh && hit && Date.now() - hit.loadedAt < CACHE_MS) return Promise.resolve(hit);
    const pending = fresh ? undefined : loading.get(id);
    if (pending) return pending;
    // assigned before the async body below reads it (it reads it only after its first await)
    let load!: Promise<CachedVenue | undefined>;
    load = (async () => {
      try {
        const venue = await repo.findById(id);
        if (!venue) return undefined;
        const [managerIds, zones] = await Promise.all([repo.managerIds(id), repo.zones(id)]);
        const entry: CachedVenue = {
          venue,
          unitPath: venue.unit_path,
          managerIds,
          zoneIds: new Set(zones.map((z) => z.id)),
          loadedAt: Date.now(),
        };
        // a load overtaken by a newer one or by a change to the venue (forget) must not overwrite the cache
        if (loading.get(id) === load) {
          venueCache.set(id, entry);
        }
        return entry;
      } finally {
        if (loading.get(id) === load) loading.delete(id);
      }
    })();
    loading.set(id, load);
    return load;
  }

  /** Drops a changed venue from the cache, including a load that may have read it before the change. */
  function forget(id: string) {
    venueCache.delete(id);
    loading.delete(id);
  }

  /**
   * Loads a venue the actor may act on (`authorize`: 403 for a role that never may, else 404 whether missing or out of
   * reach). `fresh` (the default) reads the database; the check-in hot path takes the cached entry.
   */
  async function loadAuthorized(actor: Actor, id: string, action: VenueAction, fresh = true): Promise<CachedVenue> {
    return authorize<VenueAction, CachedVenue>(venuePolicy, actor, action, await loadCached(id, fresh));
  }

  /** The actor's reach for a statistic of `unitCode`'s subtree: 404 for an unknown unit, 403 outside their scope. */
  async function statsScope(actor: Actor, unitCode: string): Promise<{ unitCode: string; scope: AccessScope }> {
    const unit = await units.findByCode(unitCode);
    if (!unit) throw new AppError('UNIT_NOT_FOUND', 404);
    authorizeAt(venuePolicy, actor, 'venues.stats', { unitPath: unit.path, managerIds: [] });
    return { unitCode: unit.code, scope: narrowScope(scopeOf(venuePolicy, actor, 'venues.stats'), unit.path) };
  }

  /**
   * Names for lists of check-ins: each venue's name, category and address, and each zone's name (one query each,
   * whatever the number).
   */
  async function describe(venueIds: readonly string[], zoneIds: readonly string[]) {
    const [venues, zones] = await Promise.all([repo.summaries(venueIds), repo.zoneNames(zoneIds)]);
    return {
      venues: new Map(venues.map((v) => [v.id, { name: v.name, category: v.category, address: v.address }])),
      zones: new Map(zones.map((z) => [z.id, z.name])),
    };
  }

  /** The venue a scanned code names, when the code admits people at `at` (the service's `fromQr` says when). */
  async function fromQr(raw: string, at: Date): Promise<CachedVenue> {
    const parsed = parseVenueQr(raw);
    if (!parsed || !(await verifyVenueQrSignature(ctx.keys, parsed))) throw new AppError('VENUE_QR_INVALID', 400);
    const entry = await loadCached(parsed.venueId);
    if (!entry) throw new AppError('VENUE_QR_INVALID', 400);
    if (!isVenueQrCurrent(parsed, entry.venue, at)) throw new AppError('VENUE_QR_INVALID', 400, { reason: 'expired' });
    return entry;
  }

  async function staticQr(
    v: Pick<VenueWithUnit, 'id' | 'qr_version'>,
    publicUrl = ctx.config.publicUrl,
  ): Promise<string> {
    return makeStaticQr(ctx.keys, v.id, v.qr_version, publicUrl);
  }

  /** The venue as the API shows it; with its QR code (linking to `publicUrl`) for those who manage it. */
  async function toView(v: VenueWithUnit, withQr: boolean, publicUrl?: string): Promise<VenueView> {
    const zones = await repo.zones(v.id);
    return {
      id: v.id,
      shortCode: v.short_code,
      name: v.name,
      category: v.category,
      unitCode: v.unit_code,
      unitName: v.unit_name,
      address: v.address,
      lat: v.lat,
      lng: v.lng,
      defaultStayMinutes: v.default_stay_minutes,
      capacity: v.capacity,
      qrMode: v.qr_mode,
      rotatingMinutes: v.rotating_minutes,
      startsAt: v.starts_at?.toISOString() ?? null,
      endsAt: v.ends_at?.toISOString() ?? null,
      vehiclePlate: v.vehicle_plate,
      route: v.route,
      parentVenueId: v.parent_venue_id,
      active: v.active,
      verified: v.verified_at !== null,
      verifiedAt: v.verified_at?.toISOString() ?? null,
      zones,
      ...(withQr ? { qr: await staticQr(v, publicUrl) } : {}),
    };
  }

  /**
   * The person who will manage a venue registered for them by phone: the one who will hold that phone's citizen
   * account (the people module's rule, in this transaction), so they run it once they sign in. No account is made
   * here: naming a phone proves nothing about it.
   */
  async function managerFromPhone(trx: Transaction<DB>, rawPhone: string): Promise<string> {
    const phone = normalizePhone(rawPhone);
    if (!phone) throw new AppError('INVALID_PHONE', 400);
    return (await deps.people.findOrRegisterByPhone(trx, phone)).id;
  }

  /**
   * Registers a venue. Staff registrations are verified at once (the commune registers what it has checked); a
   * citizen's venue starts unverified; a vehicle's trip is verified when its vehicle is (`verifiedFrom`).
   */
  async function insertVenue(
    actor: Actor,
    input: CreateVenueInput & { parentVenueId?: string },
    trx: Transaction<DB>,
    verifiedFrom?: Pick<VenueWithUnit, 'verified_at'>,
  ) {
    const unit = await units.findByCode(input.unitCode, trx);
    if (!unit) throw new AppError('UNIT_NOT_FOUND', 400);
    authorizeAt(venuePolicy, actor, 'venues.create', { unitPath: unit.path, managerIds: [] });
    const startsAt = input.startsAt ? new Date(input.startsAt) : null;
    const endsAt = input.endsAt ? new Date(input.endsAt) : null;
    if (TIME_BOUNDED.includes(input.category) && (!startsAt || !endsAt))
      throw new AppError('VENUE_EVENT_WINDOW_REQUIRED', 400);
    if (startsAt && endsAt && endsAt <= startsAt)
      throw new AppError('VALIDATION_FAILED', 400, { field: 'endsAt', reason: 'must be after startsAt' });
    let shortCode = newShortCode();
    while (await repo.shortCodeTaken(shortCode, trx)) shortCode = newShortCode();
    const { id } = await repo.insert(trx, {
      short_code: shortCode,
      name: input.name.trim(),
      category: input.category,
      unit_code: unit.code,
      address: input.address.trim(),
      lat: input.lat ?? null,
      lng: input.lng ?? null,
      ...(input.defaultStayMinutes ? { default_stay_minutes: input.defaultStayMinutes } : {}),
      capacity: input.capacity ?? null,
      ...(input.qrMode ? { qr_mode: input.qrMode } : {}),
      ...(input.rotatingMinutes ? { rotating_minutes: input.rotatingMinutes } : {}),
      starts_at: startsAt,
      ends_at: endsAt,
      vehicle_plate: input.vehiclePlate ?? null,
      route: input.route ?? null,
      parent_venue_id: input.parentVenueId ?? null,
      qr_previous_version: null,
      qr_grace_until: null,
      ...(actor.kind === 'staff'
        ? { verified_at: new Date(), verified_by: actor.userId }
        : verifiedFrom?.verified_at
          ? { verified_at: verifiedFrom.verified_at }
          : {}),
    });
    await repo.addZones(trx, id, [...new Set((input.zones ?? []).map((z) => z.trim()).filter(Boolean))]);
    if (actor.kind === 'citizen') await repo.addManager(trx, id, actor.personId);
    if (input.managerPhone) await repo.addManager(trx, id, await managerFromPhone(trx, input.managerPhone));
    if (actor.kind === 'staff') {
      await ctx.audit.append(trx, {
        actor,
        action: 'venues.create',
        resourceType: 'venue',
        resourceId: id,
        unitCode: unit.code,
      });
    }
    return { id, shortCode };
  }

  return {
    loadCached,
    loadAuthorized,
    staticQr,
    /** The poster renderer (tests read its render count). */
    posters: deps.posters,

    /**
     * The venue a citizen scanned: the code is signed by us and admits people at `at` (its current version, or the
     * previous one within its grace period, of a static venue; the window on a rotating venue's screen or a
     * neighbouring one). Anything else is 400 VENUE_QR_INVALID (`reason: 'expired'` for a code no longer current).
     */
    fromQr,

    /** The venue whose printed short code someone typed (any spelling `normalizeShortCode` reads); 400 otherwise. */
    async fromShortCode(raw: string): Promise<CachedVenue> {
      const code = normalizeShortCode(raw);
      const venue = code ? await repo.findByShortCode(code) : undefined;
      // a rotating venue admits only the code on its screen
      if (!venue || venue.qr_mode === 'rotating') throw new AppError('VENUE_QR_INVALID', 400);
      const entry = await loadCached(venue.id);
      if (!entry) throw new AppError('VENUE_QR_INVALID', 400);
      return entry;
    },

    describe,

    /**
     * The scan page's preview of a scanned code: what the venue's poster shows (name, category, address, unit), for a
     * code that would check someone in now (`fromQr`). Anything else answers 400 VENUE_QR_INVALID, the same whatever
     * is wrong with it: the answer tells nothing that the holder of a valid code cannot read on the poster. Short
     * codes have no preview (typing them would be a way to list the venues).
     */
    async byQr(raw: string, at = new Date()): Promise<VenueByQr> {
      const v = (await fromQr(raw, at)).venue;
      return { name: v.name, category: v.category, address: v.address, unitName: v.unit_name };
    },

    /**
     * Registers a venue. `managerPhone` (someone else manages it) is for staff only: a citizen manages what they
     * register (403 VENUE_MANAGER_PHONE_STAFF_ONLY). A citizen account registers at most VENUE_REGISTRATIONS_PER_DAY
     * venues in 24 hours (429 VENUE_REGISTRATION_LIMIT, `retryAfter` in seconds): registering is free and instant, and
     * each venue may send SMS and hold a door.
     */
    async create(actor: Actor, input: CreateVenueInput, publicUrl = ctx.config.publicUrl) {
      if (input.managerPhone !== undefined && actor.kind === 'citizen')
        throw new AppError('VENUE_MANAGER_PHONE_STAFF_ONLY', 403, { field: 'managerPhone' });
      const created = await ctx.db.transaction().execute(async (trx) => {
        if (actor.kind === 'citizen') {
          const now = Date.now();
          const recent = await repo.registeredSince(trx, actor.personId, new Date(now - DAY_MS));
          if (recent.n >= VENUE_REGISTRATIONS_PER_DAY) {
            const freeAt = (recent.oldest?.getTime() ?? now) + DAY_MS;
            const retryAfter = Math.max(1, Math.ceil((freeAt - now) / 1000));
            throw new AppError(
              'VENUE_REGISTRATION_LIMIT',
              429,
              { max: VENUE_REGISTRATIONS_PER_DAY, retryAfter },
              { max: VENUE_REGISTRATIONS_PER_DAY },
            );
          }
        }
        return insertVenue(actor, input, trx);
      });
      return { ...created, qr: await makeStaticQr(ctx.keys, created.id, 1, publicUrl) };
    },

    /** A trip of a vehicle (bus, coach): a time-bounded venue of its own, with the vehicle as parent. */
    async createTrip(
      actor: Actor,
      vehicleId: string,
      input: { startsAt: string; endsAt: string; route?: string | undefined },
      publicUrl = ctx.config.publicUrl,
    ) {
      const vehicle = await loadAuthorized(actor, vehicleId, 'venues.manage');
      const { venue } = vehicle;
      if (venue.category !== 'public_transport')
        throw new AppError('VALIDATION_FAILED', 400, { reason: 'trips belong to public transport vehicles' });
      const created = await ctx.db.transaction().execute(async (trx) => {
        const trip = await insertVenue(
          actor,
          {
            name: `${venue.name} — ${input.route ?? venue.route ?? ''} ${new Date(input.startsAt).toISOString().slice(0, 16)}`.trim(),
            category: 'public_transport',
            unitCode: venue.unit_code,
            address: venue.address,
            defaultStayMinutes: Math.max(
              1,
              Math.min(1440, Math.round((Date.parse(input.endsAt) - Date.parse(input.startsAt)) / 60_000)),
            ),
            startsAt: input.startsAt,
            endsAt: input.endsAt,
            ...(venue.vehicle_plate ? { vehiclePlate: venue.vehicle_plate } : {}),
            ...((input.route ?? venue.route) ? { route: (input.route ?? venue.route) as string } : {}),
            parentVenueId: venue.id,
          },
          trx,
          venue,
        );
        // the managers as just loaded for the authorization: a second cache read could miss (the entry replaced
        // meanwhile) and refill on the outer db, inside this transaction (db/transaction-guard.ts)
        for (const m of vehicle.managerIds) await repo.addManager(trx, trip.id, m);
        return trip;
      });
      return { ...created, qr: await makeStaticQr(ctx.keys, created.id, 1, publicUrl) };
    },

    async get(actor: Actor, id: string, publicUrl?: string): Promise<VenueView> {
      const entry = await loadAuthorized(actor, id, 'venues.read');
      return toView(entry.venue, can(actor, 'venues.manage', entry), publicUrl);
    },

    /**
     * A citizen's own venues (all of them), or a page of the venues in a staff member's area in name order; `next` is
     * the cursor of the page after it (`after`), null on the last page.
     */
    async list(
      actor: Actor,
      opts: {
        unitCode?: string | undefined;
        category?: string | undefined;
        q?: string | undefined;
        limit?: number | undefined;
        after?: string | undefined;
      },
      publicUrl?: string,
    ): Promise<{ items: VenueView[]; next: string | null }> {
      if (actor.kind === 'citizen') {
        const rows = await repo.managedBy(actor.personId);
        return { items: await Promise.all(rows.map((v) => toView(v, true, publicUrl))), next: null };
      }
      let scope = scopeOf(venuePolicy, actor, 'venues.read');
      if (opts.unitCode) {
        const unit = await units.findByCode(opts.unitCode);
        if (!unit) throw new AppError('UNIT_NOT_FOUND', 400);
        scope = narrowScope(scope, unit.path);
      }
      const limit = opts.limit ?? 50;
      const after = opts.after ? (decodeCursor(opts.after, ['s', 's']) as [string, string]) : undefined;
      const { rows, next } = toPage(
        await repo.list(scope, { category: opts.category, q: opts.q, after, limit: limit + 1 }),
        limit,
        (v) => [v.name, v.id],
      );
      return { items: await Promise.all(rows.map((v) => toView(v, false))), next };
    },

    async addZone(actor: Actor, id: string, name: string) {
      await loadAuthorized(actor, id, 'venues.manage');
      const [zone] = await repo.addZones(ctx.db, id, [name.trim()]);
      forget(id);
      if (!zone) {
        const existing = (await repo.zones(id)).find((z) => z.name === name.trim());
        if (existing) return existing;
        throw new AppError('VALIDATION_FAILED', 400);
      }
      return zone;
    },

    /**
     * The commune confirms the venue exists and who runs it (a health worker of its jurisdiction, audited): from then
     * on its managers may record people by typed national ID / phone, and sync delayed scans. Idempotent: a verified
     * venue keeps its first verification.
     */
    async verify(actor: Actor, id: string): Promise<VenueView> {
      // a citizen never verifies, not even a venue they manage (the policy has no citizen rule for it: 403)
      const { venue } = await loadAuthorized(actor, id, 'venues.verify');
      await ctx.db.transaction().execute(async (trx) => {
        const changed = await repo.verify(trx, id, actor.kind === 'staff' ? actor.userId : null);
        if (Number(changed.numUpdatedRows) > 0) {
          await ctx.audit.append(trx, {
            actor,
            action: 'venues.verify',
            resourceType: 'venue',
            resourceId: id,
            unitCode: venue.unit_code,
          });
        }
      });
      forget(id);
      const entry = await loadAuthorized(actor, id, 'venues.read');
      return toView(entry.venue, false);
    },

    /**
     * Issues a new static QR — the previous one keeps working for the grace period — and a new short code: the
     * previous short code is refused at once (a venue rotates because its codes went where they should not; a short
     * code is typed, never scanned, and nothing would tell a stale one from the poster's).
     */
    async rotate(actor: Actor, id: string, publicUrl = ctx.config.publicUrl) {
      await loadAuthorized(actor, id, 'venues.manage');
      const graceUntil = new Date(Date.now() + ctx.config.qrGraceHours * 3600_000);
      const row = await ctx.db.transaction().execute(async (trx) => {
        let shortCode = newShortCode();
        while (await repo.shortCodeTaken(shortCode, trx)) shortCode = newShortCode();
        const r = await repo.rotate(trx, id, graceUntil, shortCode);
        if (actor.kind === 'staff')
          await ctx.audit.append(trx, { actor, action: 'venues.rotateQr', resourceType: 'venue', resourceId: id });
        return r;
      });
      forget(id);
      return {
        qr: await makeStaticQr(ctx.keys, id, row.qr_version, publicUrl),
        previousValidUntil: graceUntil.toISOString(),
        shortCode: row.short_code,
      };
    },

    /** The code for the screen at the door of a venue in rotating mode. */
    async rotatingQr(actor: Actor, id: string, publicUrl = ctx.config.publicUrl, now = new Date()) {
      const { venue } = await loadAuthorized(actor, id, 'venues.manage');
      if (venue.qr_mode !== 'rotating') throw new AppError('VENUE_NOT_ROTATING', 400);
      const window = rotatingWindow(now, venue.rotating_minutes);
      return {
        qr: await makeRotatingQr(ctx.keys, id, window, publicUrl),
        validUntil: new Date((window + 1) * venue.rotating_minutes * 60_000).toISOString(),
        rotatingMinutes: venue.rotating_minutes,
      };
    },

    /** The A4 poster of a venue its manager may print: rendered off the event loop, cached per content. */
    async poster(actor: Actor, id: string, publicUrl?: string): Promise<{ pdf: Buffer; filename: string }> {
      const { venue } = await loadAuthorized(actor, id, 'venues.manage');
      const pdf = await deps.posters().render({
        name: venue.name,
        address: venue.address,
        unitName: venue.unit_name,
        shortCode: venue.short_code,
        qr: await staticQr(venue, publicUrl),
        categoryLabel: CATEGORY_LABELS_VI[venue.category] ?? venue.category,
      });
      return { pdf, filename: `truyvet-${venue.short_code}.pdf` };
    },

    async occupancy(actor: Actor, id: string, at = new Date()) {
      const { venue } = await loadAuthorized(actor, id, 'venues.read');
      // local midnight in Asia/Ho_Chi_Minh (UTC+7, no daylight saving)
      const local = new Date(at.getTime() + 7 * 3600_000);
      const dayStart = new Date(
        Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - 7 * 3600_000,
      );
      const counts = deps.checkins();
      const [present, today, zones] = await Promise.all([
        counts.presentByZone(id, at),
        counts.countBetween(id, dayStart, at),
        repo.zones(id),
      ]);
      const zoneNames = new Map(zones.map((z) => [z.id, z.name]));
      return {
        venueId: id,
        at: at.toISOString(),
        present: present.reduce((n, r) => n + r.present, 0),
        capacity: venue.capacity,
        checkinsToday: today,
        byZone: present.map((r) => ({
          zoneId: r.zoneId,
          name: r.zoneId === null ? null : (zoneNames.get(r.zoneId) ?? null),
          present: r.present,
        })),
      };
    },

    async stats(actor: Actor, unitCode: string, days: number) {
      const { unitCode: code, scope } = await statsScope(actor, unitCode);
      const counts = deps.checkins();
      const now = Date.now();
      const [byCategory, perDay, busiest, inactive] = await Promise.all([
        repo.venuesByCategory(scope),
        counts.perDay(scope, new Date(now - days * 86_400_000)),
        counts.busiest(scope, new Date(now - 7 * 86_400_000), 10),
        repo.inactive(scope, new Date(now - 86_400_000), 100_000),
      ]);
      const { venues } = await describe(
        busiest.map((r) => r.venueId),
        [],
      );
      return {
        unitCode: code,
        venuesByCategory: byCategory.map((r) => ({ category: r.category, venues: r.n })),
        checkinsPerDay: perDay,
        venuesWithoutCheckins24h: inactive.length,
        topVenues: busiest.flatMap((r) => {
          const v = venues.get(r.venueId);
          return v ? [{ venueId: r.venueId, name: v.name, category: v.category, checkins: r.checkins }] : [];
        }),
      };
    },

    async inactive(actor: Actor, unitCode: string, limit: number) {
      const { scope } = await statsScope(actor, unitCode);
      const rows = await repo.inactive(scope, new Date(Date.now() - 86_400_000), limit);
      return rows.map((r) => ({
        venueId: r.id,
        name: r.name,
        category: r.category,
        unitCode: r.unit_code,
        unitName: r.unit_name,
        address: r.address,
        lastCheckinAt: r.last_at ? new Date(r.last_at).toISOString() : null,
      }));
    },
  };
}

export type VenuesService = ReturnType<typeof venuesService>;
