/**
 * The venue registry: registration (by a citizen who becomes its manager, or by staff on someone's behalf), zones,
 * trips of a vehicle, signed static or rotating QR codes, the printable poster, occupancy and compliance
 * statistics for inspection teams.
 */
import { randomInt } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type Actor, hasRole, scopeFor } from '../../platform/access.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { normalizePhone } from '../../platform/formats.ts';
import { adminUnitsRepo } from '../admin-units/repo.ts';
import { can, type VenueAction, venueActions } from './policy.ts';
import { CATEGORY_LABELS_VI } from './poster.ts';
import { posterRendererFor } from './poster-renderer.ts';
import {
  isVenueQrCurrent,
  makeRotatingQr,
  makeStaticQr,
  parseVenueQr,
  rotatingWindow,
  verifyVenueQrSignature,
} from './qr.ts';
import { type VenueWithUnit, venuesRepo } from './repo.ts';
import { type CreateVenueInput, TIME_BOUNDED, type VenueByQr, type VenueView } from './schemas.ts';

const SHORT_CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const CACHE_MS = 30_000;

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

export interface CachedVenue {
  venue: VenueWithUnit;
  managerIds: string[];
  zoneIds: Set<string>;
  loadedAt: number;
}

// one cache per running app (context), shared by every service instance of that app
const caches = new WeakMap<
  PlatformContext,
  { entries: Map<string, CachedVenue>; loading: Map<string, Promise<CachedVenue | undefined>> }
>();

/**
 * Methods that answer with a venue QR code (or a poster) take `publicUrl`, the base URL the code links to
 * (`<publicUrl>/q/<payload>`, which a phone's own camera opens): the routes pass TRUYVET_PUBLIC_URL or, when it is not
 * set, the request's own origin (platform/origin.ts). Omitted: TRUYVET_PUBLIC_URL, and when that is unset the bare
 * payload (which the app's scanner reads, but a camera does not open).
 */
export function venuesService(ctx: PlatformContext) {
  const repo = venuesRepo(ctx.db);
  const units = adminUnitsRepo(ctx.db);
  let cache = caches.get(ctx);
  if (!cache) {
    cache = { entries: new Map(), loading: new Map() };
    caches.set(ctx, cache);
  }
  const { entries: venueCache, loading } = cache;

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
        const entry = { venue, managerIds, zoneIds: new Set(zones.map((z) => z.id)), loadedAt: Date.now() };
        // a load overtaken by a newer one or by a change to the venue (forget) must not overwrite the cache
        if (loading.get(id) === load) {
          if (venueCache.size > 100_000) venueCache.clear();
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

  /** Loads a venue the actor may act on; anything else is "not found". */
  async function loadAuthorized(actor: Actor, id: string, action: VenueAction): Promise<CachedVenue> {
    const entry = await loadCached(id, true);
    if (!entry || !can(actor, action, { unitPath: entry.venue.unit_path, managerIds: entry.managerIds })) {
      if (entry && actor.kind === 'staff' && !hasRole(actor, venueActions[action])) {
        throw new AppError('FORBIDDEN', 403);
      }
      throw new AppError('VENUE_NOT_FOUND', 404);
    }
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

  /** Finds (or creates) the person who will manage a venue from their phone, so they can sign in and run it. */
  async function managerFromPhone(trx: Transaction<DB>, rawPhone: string): Promise<string> {
    const phone = normalizePhone(rawPhone);
    if (!phone) throw new AppError('INVALID_PHONE', 400);
    const account = await trx
      .selectFrom('citizen_accounts')
      .select('person_id')
      .where('phone', '=', phone)
      .executeTakeFirst();
    if (account) return account.person_id;
    const existing = await trx
      .selectFrom('people')
      .select('id')
      .where('phone', '=', phone)
      .orderBy('created_at')
      .limit(1)
      .executeTakeFirst();
    if (existing) return existing.id;
    return (await trx.insertInto('people').values({ phone }).returning('id').executeTakeFirstOrThrow()).id;
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
    if (!can(actor, 'venues.create', { unitPath: unit.path, managerIds: [] })) throw new AppError('FORBIDDEN', 403);
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
    /** The venue whose printed short code this is (normalized form `XXXX-XXXX`). */
    findByShortCode: (code: string) => repo.findByShortCode(code),

    /**
     * The scan page's preview of a scanned code: what the venue's poster shows (name, category, address, unit), for a
     * code that would check someone in now — signed by us, and current (its version or grace period, or its rotating
     * window). Anything else answers 400 VENUE_QR_INVALID, the same whatever is wrong with it: the answer tells nothing
     * that the holder of a valid code cannot read on the poster. Short codes have no preview (typing them would be
     * a way to list the venues).
     */
    async byQr(raw: string, at = new Date()): Promise<VenueByQr> {
      const parsed = parseVenueQr(raw);
      if (!parsed || !(await verifyVenueQrSignature(ctx.keys, parsed))) throw new AppError('VENUE_QR_INVALID', 400);
      const entry = await loadCached(parsed.venueId);
      if (!entry) throw new AppError('VENUE_QR_INVALID', 400);
      const v = entry.venue;
      if (!isVenueQrCurrent(parsed, v, at)) throw new AppError('VENUE_QR_INVALID', 400, { reason: 'expired' });
      return { name: v.name, category: v.category, address: v.address, unitName: v.unit_name };
    },

    async create(actor: Actor, input: CreateVenueInput, publicUrl = ctx.config.publicUrl) {
      const created = await ctx.db.transaction().execute((trx) => insertVenue(actor, input, trx));
      return { ...created, qr: await makeStaticQr(ctx.keys, created.id, 1, publicUrl) };
    },

    /** A trip of a vehicle (bus, coach): a time-bounded venue of its own, with the vehicle as parent. */
    async createTrip(
      actor: Actor,
      vehicleId: string,
      input: { startsAt: string; endsAt: string; route?: string | undefined },
      publicUrl = ctx.config.publicUrl,
    ) {
      const { venue } = await loadAuthorized(actor, vehicleId, 'venues.manage');
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
        for (const m of (await loadCached(vehicleId))?.managerIds ?? []) await repo.addManager(trx, trip.id, m);
        return trip;
      });
      return { ...created, qr: await makeStaticQr(ctx.keys, created.id, 1, publicUrl) };
    },

    async get(actor: Actor, id: string, publicUrl?: string): Promise<VenueView> {
      const entry = await loadAuthorized(actor, id, 'venues.read');
      const manages = can(actor, 'venues.manage', { unitPath: entry.venue.unit_path, managerIds: entry.managerIds });
      return toView(entry.venue, manages, publicUrl);
    },

    async list(
      actor: Actor,
      opts: {
        unitCode?: string | undefined;
        category?: string | undefined;
        q?: string | undefined;
        limit?: number | undefined;
      },
      publicUrl?: string,
    ) {
      if (actor.kind === 'citizen') {
        const rows = await repo.managedBy(actor.personId);
        return Promise.all(rows.map((v) => toView(v, true, publicUrl)));
      }
      const scope = scopeFor(actor, venueActions['venues.read']);
      let unitPath: string | undefined;
      if (opts.unitCode) {
        const unit = await units.findByCode(opts.unitCode);
        if (!unit) throw new AppError('UNIT_NOT_FOUND', 400);
        unitPath = unit.path;
      }
      const rows = await repo.list(scope, { unitPath, category: opts.category, q: opts.q, limit: opts.limit ?? 50 });
      return Promise.all(rows.map((v) => toView(v, false)));
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
      // a citizen never verifies, not even a venue they manage
      if (actor.kind === 'citizen') throw new AppError('FORBIDDEN', 403);
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

    /** Issues a new static QR; the previous one keeps working for the grace period. */
    async rotate(actor: Actor, id: string, publicUrl = ctx.config.publicUrl) {
      await loadAuthorized(actor, id, 'venues.manage');
      const graceUntil = new Date(Date.now() + ctx.config.qrGraceHours * 3600_000);
      const row = await ctx.db.transaction().execute(async (trx) => {
        const r = await repo.rotate(trx, id, graceUntil);
        if (actor.kind === 'staff')
          await ctx.audit.append(trx, { actor, action: 'venues.rotateQr', resourceType: 'venue', resourceId: id });
        return r;
      });
      forget(id);
      return {
        qr: await makeStaticQr(ctx.keys, id, row.qr_version, publicUrl),
        previousValidUntil: graceUntil.toISOString(),
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
      const pdf = await posterRendererFor(ctx).render({
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
      const { present, today } = await repo.occupancy(id, at, dayStart);
      return {
        venueId: id,
        at: at.toISOString(),
        present: present.reduce((n, r) => n + r.n, 0),
        capacity: venue.capacity,
        checkinsToday: today,
        byZone: present.map((r) => ({ zoneId: r.zone_id, name: r.name, present: r.n })),
      };
    },

    async stats(actor: Actor, unitCode: string, days: number) {
      const unit = await units.findByCode(unitCode);
      if (!unit) throw new AppError('UNIT_NOT_FOUND', 404);
      if (!can(actor, 'venues.stats', { unitPath: unit.path, managerIds: [] })) throw new AppError('FORBIDDEN', 403);
      const now = Date.now();
      const [byCategory, perDay, top, inactive] = await Promise.all([
        repo.venuesByCategory(unit.path),
        repo.checkinsPerDay(unit.path, new Date(now - days * 86_400_000)),
        repo.topVenues(unit.path, new Date(now - 7 * 86_400_000), 10),
        repo.inactive(unit.path, new Date(now - 86_400_000), 100_000),
      ]);
      return {
        unitCode: unit.code,
        venuesByCategory: byCategory.map((r) => ({ category: r.category, venues: r.n })),
        checkinsPerDay: perDay.map((r) => ({ day: r.day, checkins: r.n })),
        venuesWithoutCheckins24h: inactive.length,
        topVenues: top.map((r) => ({ venueId: r.id, name: r.name, category: r.category, checkins: r.n })),
      };
    },

    async inactive(actor: Actor, unitCode: string, limit: number) {
      const unit = await units.findByCode(unitCode);
      if (!unit) throw new AppError('UNIT_NOT_FOUND', 404);
      if (!can(actor, 'venues.stats', { unitPath: unit.path, managerIds: [] })) throw new AppError('FORBIDDEN', 403);
      const rows = await repo.inactive(unit.path, new Date(Date.now() - 86_400_000), limit);
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

/** CSV (RFC 4180, UTF-8 with BOM so spreadsheet programs read Vietnamese correctly). */
export function toCsv(header: string[], rows: Array<Array<string | number | null>>): string {
  const cell = (v: string | number | null) => {
    let s = v === null ? '' : String(v);
    // a leading = + - @ would be run as a formula by spreadsheet programs
    if (/^[=+\-@]/.test(s)) s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `\uFEFF${[header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

export type VenuesService = ReturnType<typeof venuesService>;
