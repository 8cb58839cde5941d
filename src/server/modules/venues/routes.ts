/** /api/v1/venues: registry, QR codes, poster, occupancy, compliance statistics. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { PlatformContext } from '../../platform/context.ts';
import { toCsv } from '../../platform/csv.ts';
import { errors, perAccount, requireActor, sendCsv } from '../../platform/http.ts';
import { publicBaseUrl } from '../../platform/origin.ts';
import { NEXT_CURSOR_HEADER, pagedHeaders } from '../../platform/paging.ts';
import {
  AddZoneBody,
  CreatedVenue,
  CreateTripBody,
  CreateVenueBody,
  InactiveQuery,
  InactiveVenue,
  OccupancyResponse,
  RotatedQr,
  RotatingQrResponse,
  StatsQuery,
  StatsResponse,
  VENUE_REGISTRATIONS_PER_DAY,
  VenueByQr,
  VenueByQrQuery,
  VenueIdParams,
  VenueListQuery,
  VenueView,
  ZoneView,
} from './schemas.ts';
import type { VenuesService } from './service.ts';

export function venuesRoutes(ctx: PlatformContext, service: VenuesService): FastifyPluginAsync {
  return async (plain) => {
    const app = plain.withTypeProvider<TypeBoxTypeProvider>();
    // what venue QR codes and posters in an answer link to: TRUYVET_PUBLIC_URL, else the address this request used
    const link = (req: FastifyRequest) => publicBaseUrl(ctx.config.publicUrl, req);
    const tags = ['venues'];

    app.post(
      '/venues',
      {
        schema: {
          tags,
          description:
            'A citizen registers a venue they manage (unverified until the commune verifies it; at most ' +
            `${VENUE_REGISTRATIONS_PER_DAY} in 24 hours per account: 429 VENUE_REGISTRATION_LIMIT); staff register ` +
            "on someone's behalf with `managerPhone` (staff only: 403 VENUE_MANAGER_PHONE_STAFF_ONLY).",
          body: CreateVenueBody,
          response: { 201: CreatedVenue, ...errors(400, 401, 403, 429) },
        },
      },
      async (req, reply) => reply.status(201).send(await service.create(requireActor(req), req.body, link(req))),
    );

    app.get(
      '/venues',
      {
        schema: {
          tags,
          description:
            "A citizen's own venues; for staff, the venues of their area in name order, `limit` at a time (default " +
            `50): when more follow, the answer carries \`${NEXT_CURSOR_HEADER}\`; pass it as \`after\` for the next page.`,
          querystring: VenueListQuery,
          response: { 200: Type.Array(VenueView, pagedHeaders), ...errors(400, 401, 403) },
        },
      },
      async (req, reply) => {
        const page = await service.list(requireActor(req), req.query, link(req));
        if (page.next) reply.header(NEXT_CURSOR_HEADER, page.next);
        return page.items;
      },
    );

    app.get(
      '/venues/stats',
      { schema: { tags, querystring: StatsQuery, response: { 200: StatsResponse, ...errors(400, 401, 403, 404) } } },
      async (req) => service.stats(requireActor(req), req.query.unitCode, req.query.days ?? 14),
    );

    app.get(
      '/venues/inactive',
      {
        schema: {
          tags,
          description:
            'Venues with no check-in in the last 24 h (for inspection teams); `format=csv` for a spreadsheet.',
          querystring: InactiveQuery,
          response: { 200: Type.Union([Type.Array(InactiveVenue), Type.String()]), ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        const rows = await service.inactive(requireActor(req), req.query.unitCode, req.query.limit ?? 1000);
        if (req.query.format !== 'csv') return rows;
        const csv = toCsv(
          ['venue_id', 'name', 'category', 'unit_code', 'unit_name', 'address', 'last_checkin_at'],
          rows.map((r) => [r.venueId, r.name, r.category, r.unitCode, r.unitName, r.address, r.lastCheckinAt]),
        );
        return sendCsv(reply, `venues-inactive-${req.query.unitCode}.csv`, csv);
      },
    );

    app.get(
      '/venues/by-qr',
      {
        schema: {
          tags,
          description:
            'What the poster shows beside a venue QR (name, category, address, unit), for any signed-in user holding ' +
            'a code that would check them in now; 400 VENUE_QR_INVALID for anything else. The scan page names the ' +
            'venue with it before "Ghi nhận".',
          querystring: VenueByQrQuery,
          response: { 200: VenueByQr, ...errors(400, 401) },
        },
      },
      async (req) => {
        requireActor(req);
        return service.byQr(req.query.qr);
      },
    );

    app.get(
      '/venues/:id',
      { schema: { tags, params: VenueIdParams, response: { 200: VenueView, ...errors(400, 401, 403, 404) } } },
      async (req) => service.get(requireActor(req), req.params.id, link(req)),
    );

    app.post(
      '/venues/:id/verify',
      {
        schema: {
          tags,
          description:
            'The commune verifies a citizen-run venue (health worker in its jurisdiction, audited): its managers may ' +
            'then type people in by national ID / phone. Venues registered by staff are verified at registration.',
          params: VenueIdParams,
          response: { 200: VenueView, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => service.verify(requireActor(req), req.params.id),
    );

    app.post(
      '/venues/:id/zones',
      {
        schema: {
          tags,
          params: VenueIdParams,
          body: AddZoneBody,
          response: { 201: ZoneView, ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) =>
        reply.status(201).send(await service.addZone(requireActor(req), req.params.id, req.body.name)),
    );

    app.post(
      '/venues/:id/trips',
      {
        schema: {
          tags,
          params: VenueIdParams,
          body: CreateTripBody,
          response: { 201: CreatedVenue, ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) =>
        reply.status(201).send(await service.createTrip(requireActor(req), req.params.id, req.body, link(req))),
    );

    app.post(
      '/venues/:id/qr/rotate',
      {
        schema: {
          tags,
          description:
            'A new static QR (the previous one is accepted until `previousValidUntil`) and a new short code (the ' +
            'previous short code is refused at once).',
          params: VenueIdParams,
          response: { 200: RotatedQr, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => service.rotate(requireActor(req), req.params.id, link(req)),
    );

    app.get(
      '/venues/:id/rotating-qr',
      { schema: { tags, params: VenueIdParams, response: { 200: RotatingQrResponse, ...errors(400, 401, 403, 404) } } },
      async (req) => service.rotatingQr(requireActor(req), req.params.id, link(req)),
    );

    // posters render in worker threads (poster-renderer.ts), which the module stops when the app closes
    app.get(
      '/venues/:id/poster.pdf',
      {
        schema: {
          tags,
          description:
            'A4 poster (PDF). At most TRUYVET_POSTER_RATE_LIMIT_PER_MINUTE per account (429); 503 POSTER_BUSY with ' +
            'Retry-After while too many posters are being rendered.',
          params: VenueIdParams,
          produces: ['application/pdf'],
          response: { 200: Type.Any({ description: 'A4 PDF poster' }), ...errors(400, 401, 403, 404, 429, 503) },
        },
        // per account, not per IP: staff of a district share one office address, and a citizen account is free.
        // Runs after the app's auth hook, so the actor is known; requests without one count by address.
        config: {
          rateLimit: {
            max: ctx.config.posterRateLimitPerMinute,
            timeWindow: '1 minute',
            keyGenerator: perAccount('venue-poster'),
          },
        },
      },
      async (req, reply) => {
        const { pdf, filename } = await service.poster(requireActor(req), req.params.id, link(req));
        return reply.type('application/pdf').header('content-disposition', `inline; filename="${filename}"`).send(pdf);
      },
    );

    app.get(
      '/venues/:id/occupancy',
      { schema: { tags, params: VenueIdParams, response: { 200: OccupancyResponse, ...errors(400, 401, 403, 404) } } },
      async (req) => service.occupancy(requireActor(req), req.params.id),
    );
  };
}
