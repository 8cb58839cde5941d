/**
 * /api/v1 routes of the vaccination platform (issue 13's integration contract): products and priority groups,
 * registrations, sites, lots, sessions, invitations, check-in, screening, doses (`Idempotency-Key`), AEFI,
 * corrections, doses given elsewhere, statistics (+ CSV) and /api/v1/me/vaccinations for citizens.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { toCsv } from '../../platform/csv.ts';
import { errors, requireActor, requireCitizen, requireStaff, sendCsv } from '../../platform/http.ts';
import { parseIdempotencyKey } from '../../platform/idempotency.ts';
import {
  AefiBody,
  AefiList,
  AefiQuery,
  CdcContactBody,
  CheckInBody,
  CheckInView,
  ChecklistView,
  CorrectionBody,
  CorrectionCreated,
  CorrectionList,
  CorrectionListQuery,
  CorrectionParams,
  CoverageResponse,
  CsvQuery,
  DecisionBody,
  DecisionResult,
  DeclaredDoseBody,
  DeclaredDoseList,
  DoseBody,
  DoseCreated,
  DoseParams,
  IdResponse,
  InvitationBody,
  InvitationResult,
  LotBody,
  LotCreated,
  LotList,
  PersonParams,
  PersonQuery,
  PriorityGroupBody,
  PriorityGroupList,
  ProductList,
  RegistrationBody,
  RegistrationList,
  RegistrationListQuery,
  ScreeningBody,
  ScreeningResult,
  SessionBody,
  SessionList,
  SessionQuery,
  SiteBody,
  SiteList,
  SiteQuery,
  StatsQuery,
  StatsResponse,
  VaccinationRecord,
  VoidBody,
} from './schemas.ts';
import type { VaccinationService } from './service.ts';

/** `photoBodyLimit`: how large a body carrying a photo (a data URL of at most 2 MiB, base64) may be. */
export function vaccinationRoutes(service: VaccinationService, photoBodyLimit: number): FastifyPluginAsync {
  return async (plain) => {
    const app = plain.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['vaccination'];

    // ——— products, groups, checklist ———
    app.get(
      '/vaccination/products',
      {
        // reference data, public (no one's data): other systems and the sign-up page read the rules without an account
        config: { public: true },
        schema: {
          tags,
          description: 'Vaccine products and their rules (intervals, mixes, boosters, ages) with EU DCC codes.',
          response: { 200: ProductList },
        },
      },
      async () => service.listProducts(),
    );

    app.get(
      '/vaccination/priority-groups',
      { config: { public: true }, schema: { tags, response: { 200: PriorityGroupList } } },
      async () => service.listPriorityGroups(),
    );

    app.post(
      '/vaccination/priority-groups',
      {
        schema: {
          tags,
          description: 'Adds or changes a priority group (national admins).',
          body: PriorityGroupBody,
          response: { 200: IdResponse, ...errors(400, 401, 403) },
        },
      },
      async (req) => service.setPriorityGroup(requireStaff(req), req.body),
    );

    app.post(
      '/vaccination/cdc-contacts',
      {
        schema: {
          tags,
          description: "Sets a district CDC's phone, told of serious AEFIs (admins of the district).",
          body: CdcContactBody,
          response: { 204: Type.Null(), ...errors(400, 401, 403) },
        },
      },
      async (req, reply) => {
        await service.setCdcContact(requireStaff(req), req.body);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/vaccination/checklist',
      {
        schema: {
          tags,
          description: 'The current pre-vaccination screening checklist.',
          response: { 200: ChecklistView, ...errors(401, 404) },
        },
      },
      async (req) => {
        requireStaff(req);
        return service.checklist();
      },
    );

    // ——— registration ———
    app.post(
      '/vaccination/registrations',
      {
        schema: {
          tags,
          description:
            'Registers a person to be vaccinated: a citizen for themself (no `subject`) or a dependant ({personId}); ' +
            'staff for anyone in their area (by id, or found/registered by national ID or phone). One open ' +
            'registration per person (409 VACCINATION_ALREADY_REGISTERED with its id). `subject.birthYear` / ' +
            '`birthDate` complete the person’s record where it has none (a dose needs the birth year; without one, ' +
            'the year a 12-digit national ID says is used).',
          body: RegistrationBody,
          response: { 201: IdResponse, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (req, reply) => reply.status(201).send(await service.register(requireActor(req), req.body)),
    );

    app.get(
      '/vaccination/registrations',
      {
        schema: {
          tags,
          description:
            'Registrations in the caller’s area by priority; `withoutPhone=true` is the commune’s call list.',
          querystring: RegistrationListQuery,
          response: { 200: RegistrationList, ...errors(400, 401, 403) },
        },
      },
      async (req) => service.listRegistrations(requireStaff(req), req.query),
    );

    // ——— planning ———
    app.post(
      '/vaccination/sites',
      { schema: { tags, body: SiteBody, response: { 201: IdResponse, ...errors(400, 401, 403) } } },
      async (req, reply) => reply.status(201).send(await service.createSite(requireStaff(req), req.body)),
    );
    app.get('/vaccination/sites', { schema: { tags, response: { 200: SiteList, ...errors(401, 403) } } }, async (req) =>
      service.listSites(requireStaff(req)),
    );

    app.post(
      '/vaccination/lots',
      {
        schema: {
          tags,
          description:
            'A lot delivered to a site (a dose names it by `lotNumber`: the ends trimmed, single inner spaces). A lot ' +
            'already past its expiry is recorded too, as expired (`expired: true`; the lists show it so): a dose ' +
            'from it → 422 VACCINATION_LOT_EXPIRED.',
          body: LotBody,
          response: { 201: LotCreated, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (req, reply) => reply.status(201).send(await service.createLot(requireStaff(req), req.body)),
    );
    app.get(
      '/vaccination/lots',
      { schema: { tags, querystring: SiteQuery, response: { 200: LotList, ...errors(400, 401, 403) } } },
      async (req) => service.listLots(requireStaff(req), req.query.siteId),
    );

    app.post(
      '/vaccination/sessions',
      { schema: { tags, body: SessionBody, response: { 201: IdResponse, ...errors(400, 401, 403, 404) } } },
      async (req, reply) => reply.status(201).send(await service.createSession(requireStaff(req), req.body)),
    );
    app.get(
      '/vaccination/sessions',
      { schema: { tags, querystring: SessionQuery, response: { 200: SessionList, ...errors(400, 401, 403) } } },
      async (req) => service.listSessions(requireStaff(req), req.query),
    );

    app.post(
      '/vaccination/invitations',
      {
        schema: {
          tags,
          description:
            'Invites waiting registrations to a session by priority, up to its capacity: SMS through the outbox; ' +
            'the invited without a phone are returned for the commune to call.',
          body: InvitationBody,
          response: { 200: InvitationResult, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => service.invite(requireStaff(req), req.body.sessionId),
    );

    // ——— at the site ———
    app.post(
      '/vaccination/check-in',
      {
        schema: {
          tags,
          description:
            'Finds a person at the site by personal QR or national ID: their record, missing data, screening.',
          body: CheckInBody,
          response: { 200: CheckInView, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => service.checkIn(requireStaff(req), req.body),
    );

    app.post(
      '/vaccination/screenings',
      {
        schema: {
          tags,
          description: 'Records the screening checklist’s answers; the outcome (proceed/defer/refer) is computed.',
          body: ScreeningBody,
          response: { 201: ScreeningResult, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (req, reply) => reply.status(201).send(await service.screen(requireStaff(req), req.body)),
    );

    app.post(
      '/vaccination/doses',
      {
        schema: {
          tags,
          description:
            'Records a dose (vaccinator in scope; `Idempotency-Key`). A rule violation → 422 with `error.code` ' +
            'VACCINATION_INTERVAL_TOO_SHORT, VACCINATION_MIX_NOT_ALLOWED, VACCINATION_LOT_EXPIRED, ' +
            'VACCINATION_DOSE_NUMBER_INVALID (also VACCINATION_AGE_NOT_ALLOWED, VACCINATION_SCREENING_NOT_PASSED, ' +
            'VACCINATION_LOT_WRONG_SITE, VACCINATION_LOT_PRODUCT_MISMATCH, VACCINATION_LOT_EMPTY, ' +
            'VACCINATION_PERSON_DATA_MISSING: a name, a unit, a birth year — recorded, or said by a 12-digit national ' +
            'ID). A doctor overrides interval, mix, age and screening with `override.reason`.',
          body: DoseBody,
          response: { 201: DoseCreated, 200: DoseCreated, ...errors(400, 401, 403, 404, 409, 422) },
        },
      },
      async (req, reply) => {
        const actor = requireStaff(req);
        const key = parseIdempotencyKey(req.headers['idempotency-key']);
        const result = await service.recordDose(actor, req.body, key);
        if (result.replayed) reply.header('idempotent-replayed', 'true');
        return reply.status(result.replayed ? 200 : 201).send(result.body);
      },
    );

    app.post(
      '/vaccination/doses/:id/void',
      {
        schema: {
          tags,
          description: 'Voids a dose recorded in error (doctors of the site’s area); it stays, marked.',
          params: DoseParams,
          body: VoidBody,
          response: { 200: DecisionResult, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (req) => service.voidDose(requireStaff(req), req.params.id, req.body.reason),
    );

    app.get(
      '/vaccination/people/:personId',
      {
        schema: { tags, params: PersonParams, response: { 200: VaccinationRecord, ...errors(400, 401, 403, 404) } },
      },
      async (req) => service.record(requireStaff(req), req.params.personId),
    );

    app.post(
      '/vaccination/aefi',
      {
        schema: {
          tags,
          description: 'Reports an adverse event after a dose; `serious` ones are sent to the district CDC.',
          body: AefiBody,
          response: { 201: IdResponse, ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => reply.status(201).send(await service.reportAefi(requireStaff(req), req.body)),
    );
    app.get(
      '/vaccination/aefi',
      { schema: { tags, querystring: AefiQuery, response: { 200: AefiList, ...errors(400, 401, 403) } } },
      async (req) => service.listAefi(requireStaff(req), req.query.severity),
    );

    // ——— corrections ———
    app.post(
      '/vaccination/corrections',
      {
        bodyLimit: photoBodyLimit,
        schema: {
          tags,
          description:
            'A citizen (the person or their guardian) asks to correct one field of a dose, with an optional photo ' +
            '(`evidence`: a data URL, JPEG/PNG/WebP ≤ 2 MiB).',
          body: CorrectionBody,
          response: { 201: CorrectionCreated, ...errors(400, 401, 403, 404, 409, 413) },
        },
      },
      async (req, reply) => reply.status(201).send(await service.requestCorrection(requireActor(req), req.body)),
    );
    app.get(
      '/vaccination/corrections',
      {
        schema: { tags, querystring: CorrectionListQuery, response: { 200: CorrectionList, ...errors(400, 401, 403) } },
      },
      async (req) => service.listCorrections(requireStaff(req), req.query.status),
    );
    app.get(
      '/vaccination/corrections/:id/evidence',
      {
        schema: {
          tags,
          description: 'The photo sent with a correction (its reviewers; the person or guardian who sent it).',
          params: CorrectionParams,
          response: { 200: Type.Unknown({ description: 'the image bytes' }), ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        const e = await service.correctionEvidence(requireActor(req), req.params.id);
        return reply.type(e.contentType).send(e.bytes);
      },
    );
    app.post(
      '/vaccination/corrections/:id/decision',
      {
        schema: {
          tags,
          description:
            'District staff of the dose’s site approve or reject with a reason (a code of the fixed list, else kept ' +
            'as `other` with its text); approval changes the dose (the old value stays on the request) and ' +
            're-issues what derives from it; a correction that would break the rules → 422 ' +
            'VACCINATION_CORRECTION_BREAKS_RULES.',
          params: CorrectionParams,
          body: DecisionBody,
          response: { 200: DecisionResult, ...errors(400, 401, 403, 404, 409, 422) },
        },
      },
      async (req) => service.decideCorrection(requireStaff(req), req.params.id, req.body),
    );

    // ——— doses given elsewhere ———
    app.post(
      '/vaccination/declared-doses',
      {
        bodyLimit: photoBodyLimit,
        schema: {
          tags,
          description:
            'A citizen declares a dose given elsewhere (another province, abroad) with proof; pending until verified.',
          body: DeclaredDoseBody,
          response: { 201: DecisionResult, ...errors(400, 401, 403, 404, 413) },
        },
      },
      async (req, reply) => reply.status(201).send(await service.declareDose(requireActor(req), req.body)),
    );
    app.get(
      '/vaccination/declared-doses',
      { schema: { tags, response: { 200: DeclaredDoseList, ...errors(401, 403) } } },
      async (req) => service.listDeclared(requireStaff(req)),
    );
    app.post(
      '/vaccination/declared-doses/:id/decision',
      {
        schema: {
          tags,
          params: DoseParams,
          body: DecisionBody,
          response: { 200: DecisionResult, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (req) => service.decideDeclared(requireStaff(req), req.params.id, req.body),
    );

    // ——— statistics ———
    app.get(
      '/vaccination/coverage',
      {
        schema: {
          tags,
          description:
            'Per-commune coverage for the risk map: share of people 50+ with the full primary series, share of ' +
            'adults with ≥ 1 dose (counters kept in the dose transaction; residents refreshed hourly).',
          querystring: Type.Object(
            { unitCode: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })) },
            { additionalProperties: false },
          ),
          response: { 200: CoverageResponse, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => service.coverage(requireStaff(req), req.query.unitCode),
    );

    app.get(
      '/vaccination/stats',
      {
        schema: {
          tags,
          description:
            'Coverage by commune / age band / priority group / dose, doses per day, lots and stock, AEFI counts, ' +
            'registrations waiting.',
          querystring: StatsQuery,
          response: { 200: StatsResponse, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => service.stats(requireStaff(req), req.query),
    );

    app.get(
      '/vaccination/stats.csv',
      {
        schema: {
          tags,
          description: 'One table of the statistics as CSV (UTF-8 with BOM).',
          querystring: CsvQuery,
          response: { 200: Type.String(), ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        const { table, ...q } = req.query;
        const s = await service.stats(requireStaff(req), q);
        const csv =
          table === 'communes'
            ? toCsv(
                [
                  'commune_code',
                  'commune',
                  'adults',
                  'adults_dose1',
                  'adults_dose1_share',
                  'over50',
                  'over50_full',
                  'over50_full_share',
                  'dose1',
                  'full',
                  'booster',
                  'doses',
                ],
                s.communes.map((c) => [
                  c.communeCode,
                  c.communeName,
                  c.adults,
                  c.adultsDose1,
                  c.adultsDose1Share,
                  c.over50,
                  c.over50Full,
                  c.over50FullShare,
                  c.dose1,
                  c.full,
                  c.booster,
                  c.doses,
                ]),
              )
            : table === 'age_bands' || table === 'priority_groups'
              ? toCsv(
                  [
                    table === 'age_bands' ? 'age_band' : 'priority_group',
                    'people',
                    'dose1',
                    'full',
                    'booster',
                    'doses',
                  ],
                  (table === 'age_bands' ? s.ageBands : s.priorityGroups).map((r) => [
                    r.key,
                    r.people,
                    r.dose1,
                    r.full,
                    r.booster,
                    r.doses,
                  ]),
                )
              : table === 'days'
                ? toCsv(
                    ['day', 'doses'],
                    s.days.map((d) => [d.day, d.doses]),
                  )
                : toCsv(
                    ['site', 'product', 'lot', 'expires_on', 'quantity', 'used', 'remaining'],
                    s.lots.map((l) => [
                      l.siteName,
                      l.product,
                      l.lotNumber,
                      l.expiresOn,
                      l.quantity,
                      l.used,
                      l.remaining,
                    ]),
                  );
        return sendCsv(reply, `vaccination-${table}-${s.from}-${s.to}.csv`, csv);
      },
    );

    // ——— citizens ———
    app.get(
      '/me/vaccinations',
      {
        schema: {
          tags: ['me'],
          description: 'The citizen’s doses (or a dependant’s: `personId`), next due dose, registration, corrections.',
          querystring: PersonQuery,
          response: { 200: VaccinationRecord, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => service.myRecord(requireCitizen(req), req.query.personId),
    );
  };
}
