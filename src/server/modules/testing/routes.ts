/**
 * /api/v1 routes of the testing platform: labs (+ API keys), samples, results (single, corrections, CSV import),
 * shipments and intake, campaigns, statistics, tasks, settings, and the citizen's own results.
 *
 * Lab systems call the routes marked `labKey` with `X-Api-Key: tvlab_…` instead of a session: the key stands for its
 * lab only (a lab staff actor at the lab's unit, bound to that lab: another lab's id → 403 LAB_KEY_OTHER_LAB).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { PlatformContext } from '../../platform/context.ts';
import { acceptCsvBodies, toCsv } from '../../platform/csv.ts';
import { AppError } from '../../platform/errors.ts';
import { errors, requireCitizen, requireStaff, sendCsv } from '../../platform/http.ts';
import { parseIdempotencyKey } from '../../platform/idempotency.ts';
import type { CampaignsService } from './campaigns.ts';
import {
  CampaignList,
  CampaignView,
  CommuneStats,
  CommuneStatsQuery,
  CorrectionBody,
  CreateCampaignBody,
  CreatedLabKey,
  CreatedSample,
  CreatedShipment,
  CreateLabBody,
  CreateLabKeyBody,
  CreatePointBody,
  CreateSampleBody,
  CreateShipmentBody,
  IdParams,
  IdResponse,
  ImportResponse,
  IntakeBody,
  LabIdParams,
  LabKeyParams,
  LabKeyView,
  LabList,
  LabQueue,
  MyTests,
  ReserveBarcodesBody,
  ReservedBarcodes,
  ResultBody,
  SampleList,
  SampleListQuery,
  SampleView,
  SettingsBody,
  SettingsView,
  StatsQuery,
  StatsResponse,
  TargetBody,
  TargetParams,
  TaskList,
  TaskQuery,
} from './schemas.ts';
import type { LabKeyHolder, TestingService } from './service.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A lab system may call this route with its API key (`X-Api-Key`) instead of a session. */
    labKey?: boolean;
  }
}

const keyHolders = new WeakMap<FastifyRequest, LabKeyHolder>();

export function testingRoutes(
  ctx: PlatformContext,
  service: TestingService,
  campaigns: CampaignsService,
): FastifyPluginAsync {
  return async (plain) => {
    const app = plain.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['testing'];
    const limit = ctx.config.labImportMaxBytes;

    // a results file comes as text/csv: its bytes must be UTF-8 (checked, never guessed); the parser keeps the
    // server's body limit, so only the import route (its own `bodyLimit`) takes TRUYVET_LAB_IMPORT_MAX_BYTES
    acceptCsvBodies(app);

    // before the API's sign-in check: a lab system's key stands for a lab-staff actor on the routes that allow it
    app.addHook('onRequest', async (req) => {
      const raw = req.headers['x-api-key'];
      if (raw === undefined || !req.routeOptions.config.labKey) return;
      const key = Array.isArray(raw) ? raw[0] : raw;
      const holder = key ? await service.resolveLabKey(key) : undefined;
      if (!holder) throw new AppError('LAB_KEY_INVALID', 401);
      keyHolders.set(req, holder);
      req.actor = {
        kind: 'staff',
        userId: `lab-key:${holder.keyId}`,
        username: `lab-key:${holder.labName}`,
        displayName: holder.labName,
        grants: [{ role: 'lab', unitCode: holder.unitCode, unitPath: holder.unitPath }],
        sessionId: `lab-key:${holder.keyId}`,
      };
      req.authProblem = undefined;
    });
    const keyOf = (req: FastifyRequest) => keyHolders.get(req);
    const labKey = { labKey: true };

    // ——— labs ———
    app.post(
      '/labs',
      {
        schema: {
          tags,
          description: 'Registers a laboratory (admins).',
          body: CreateLabBody,
          response: { 201: IdResponse, ...errors(400, 401, 403) },
        },
      },
      async (req, reply) => reply.status(201).send(await service.createLab(requireStaff(req), req.body)),
    );

    app.get('/labs', { schema: { tags, response: { 200: LabList, ...errors(401, 403) } } }, async (req) =>
      service.listLabs(requireStaff(req)),
    );

    app.post(
      '/labs/:labId/keys',
      {
        schema: {
          tags,
          description: "Issues an API key for the lab's own system (admins); the key is shown once.",
          params: LabIdParams,
          body: CreateLabKeyBody,
          response: { 201: CreatedLabKey, ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) =>
        reply.status(201).send(await service.createLabKey(requireStaff(req), req.params.labId, req.body.label)),
    );

    app.get(
      '/labs/:labId/keys',
      {
        schema: { tags, params: LabIdParams, response: { 200: Type.Array(LabKeyView), ...errors(400, 401, 403, 404) } },
      },
      async (req) => service.listLabKeys(requireStaff(req), req.params.labId),
    );

    app.delete(
      '/labs/:labId/keys/:keyId',
      { schema: { tags, params: LabKeyParams, response: { 204: Type.Null(), ...errors(400, 401, 403, 404) } } },
      async (req, reply) => {
        await service.revokeLabKey(requireStaff(req), req.params.labId, req.params.keyId);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/labs/:labId/queue',
      {
        config: labKey,
        schema: {
          tags,
          description: "The lab's intake queue: tubes shipped to it and not scanned in, tubes waiting for a result.",
          params: LabIdParams,
          response: { 200: LabQueue, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => service.labQueue(requireStaff(req), req.params.labId, keyOf(req)),
    );

    app.post(
      '/labs/:labId/intake',
      {
        config: labKey,
        schema: {
          tags,
          description:
            'The lab scans a tube in: `accept`, or `reject` with a reason (leaked, unlabelled, too_old, insufficient, ' +
            'other) — its people are asked back and get a task at their commune.',
          params: LabIdParams,
          body: IntakeBody,
          response: { 200: SampleView, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (req) => service.intake(requireStaff(req), req.params.labId, req.body, keyOf(req)),
    );

    app.post(
      '/labs/:labId/results::import',
      {
        config: labKey,
        bodyLimit: limit,
        schema: {
          tags,
          description:
            'A results file (`text/csv`, UTF-8 with or without BOM, CRLF or LF; header `barcode,result,ct,tested_at`): ' +
            'valid rows are recorded, refused rows are listed with their line number in the file (header = 1) and ' +
            'reason (the first 1,000; `rejectedCount` counts all); no row is ever half-written. At most 200,000 ' +
            'lines after the header (400 CSV_TOO_MANY_LINES); 413 above TRUYVET_LAB_IMPORT_MAX_BYTES.',
          params: LabIdParams,
          response: { 200: ImportResponse, ...errors(400, 401, 403, 404, 413, 415) },
        },
      },
      async (req) => {
        const actor = requireStaff(req);
        if (typeof req.body !== 'string') throw new AppError('UNSUPPORTED_MEDIA_TYPE', 415);
        return service.importResults(actor, req.params.labId, req.body, keyOf(req));
      },
    );

    // ——— samples ———
    app.post(
      '/samples',
      {
        schema: {
          tags,
          description:
            'Collects one tube (`Idempotency-Key` for offline queues: a retry answers 200 with the first answer). ' +
            'Unknown people (national ID / phone) are registered. A person twice, more people than the pool maximum, ' +
            'or several people in an individual tube → 400.',
          body: CreateSampleBody,
          response: { 201: CreatedSample, 200: CreatedSample, ...errors(400, 401, 403, 404, 409, 422) },
        },
      },
      async (req, reply) => {
        const actor = requireStaff(req);
        const key = parseIdempotencyKey(req.headers['idempotency-key']);
        const result = await service.collect(actor, req.body, key);
        if (result.replayed) reply.header('idempotent-replayed', 'true');
        return reply.status(result.status === 201 ? 201 : 200).send(result.body);
      },
    );

    app.get(
      '/samples',
      { schema: { tags, querystring: SampleListQuery, response: { 200: SampleList, ...errors(400, 401, 403, 404) } } },
      async (req) => service.listSamples(requireStaff(req), req.query),
    );

    app.post(
      '/samples/barcodes',
      {
        schema: {
          tags,
          description: 'Reserves barcodes: labels printed ahead on A4 sheets, or kept for collecting offline.',
          body: ReserveBarcodesBody,
          response: { 201: ReservedBarcodes, ...errors(400, 401, 403) },
        },
      },
      async (req, reply) => reply.status(201).send(await service.reserveBarcodes(requireStaff(req), req.body.count)),
    );

    app.get(
      '/samples/:id',
      {
        config: labKey,
        schema: { tags, params: IdParams, response: { 200: SampleView, ...errors(400, 401, 403, 404) } },
      },
      async (req) => service.readSample(requireStaff(req), req.params.id, keyOf(req)),
    );

    app.post(
      '/samples/:id/result',
      {
        config: labKey,
        schema: {
          tags,
          description:
            'Records the result (lab staff, or the lab system with its key). The same result again → 200, nothing ' +
            'changes; a different one → 409 RESULT_CONFLICT (change it only by a correction).',
          params: IdParams,
          body: ResultBody,
          response: { 200: SampleView, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (req) => service.recordResult(requireStaff(req), req.params.id, req.body, keyOf(req)),
    );

    app.post(
      '/samples/:id/corrections',
      {
        config: labKey,
        schema: {
          tags,
          description: 'Replaces a recorded result, with a reason (audited).',
          params: IdParams,
          body: CorrectionBody,
          response: { 200: SampleView, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (req) => service.correctResult(requireStaff(req), req.params.id, req.body, keyOf(req)),
    );

    app.post(
      '/shipments',
      {
        schema: {
          tags,
          description: 'Packs collected tubes (by barcode) into a shipment to a lab.',
          body: CreateShipmentBody,
          response: { 201: CreatedShipment, ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => reply.status(201).send(await service.ship(requireStaff(req), req.body)),
    );

    // ——— campaigns ———
    app.post(
      '/campaigns',
      {
        schema: {
          tags,
          description:
            'A testing round for an area and dates; target population per commune from the people registered there.',
          body: CreateCampaignBody,
          response: { 201: IdResponse, ...errors(400, 401, 403) },
        },
      },
      async (req, reply) => reply.status(201).send(await campaigns.createCampaign(requireStaff(req), req.body)),
    );

    app.get('/campaigns', { schema: { tags, response: { 200: CampaignList, ...errors(401, 403) } } }, async (req) =>
      campaigns.listCampaigns(requireStaff(req)),
    );

    app.get(
      '/campaigns/:id',
      {
        schema: {
          tags,
          description: 'Coverage per commune (live), test points, pool-size advice, tests saved by pooling.',
          params: IdParams,
          response: { 200: CampaignView, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => campaigns.getCampaign(requireStaff(req), req.params.id),
    );

    app.put(
      '/campaigns/:id/targets/:unitCode',
      {
        schema: {
          tags,
          params: TargetParams,
          body: TargetBody,
          response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        await campaigns.setTarget(requireStaff(req), req.params.id, req.params.unitCode, req.body.target);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/campaigns/:id/points',
      {
        schema: {
          tags,
          params: IdParams,
          body: CreatePointBody,
          response: { 201: IdResponse, ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) =>
        reply.status(201).send(await campaigns.addPoint(requireStaff(req), req.params.id, req.body)),
    );

    // ——— statistics, tasks, settings ———
    app.get(
      '/testing/stats',
      {
        schema: {
          tags,
          description:
            'People and tubes tested per day and commune, positivity, pooled vs individual, turnaround p50/p90, lab ' +
            'backlog; `format=csv` for the per-day table.',
          querystring: StatsQuery,
          response: { 200: Type.Union([StatsResponse, Type.String()]), ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        const stats = await campaigns.stats(requireStaff(req), req.query);
        if (req.query.format !== 'csv') return stats;
        const csv = toCsv(
          [
            'day',
            'unit_code',
            'unit_name',
            'kind',
            'tubes',
            'people',
            'positive_tubes',
            'positive_people',
            'invalid_tubes',
          ],
          stats.days.map((d) => [
            d.day,
            d.unitCode,
            d.unitName,
            d.kind,
            d.tubes,
            d.people,
            d.positiveTubes,
            d.positivePeople,
            d.invalidTubes,
          ]),
        );
        return sendCsv(reply, `testing-${stats.from}-${stats.to}.csv`, csv);
      },
    );

    app.get(
      '/testing/stats/communes',
      {
        schema: {
          tags,
          description:
            'Positivity by commune over recent days (for the map) and the pool size minimising tests per person ' +
            '(Dorfman two-stage pooling, capped by the pool maximum; 1 = test individually).',
          querystring: CommuneStatsQuery,
          response: { 200: CommuneStats, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => campaigns.communeStats(requireStaff(req), req.query),
    );

    app.get(
      '/testing/tasks',
      {
        schema: {
          tags,
          description: 'People to test: positive pools to re-test individually, tubes to collect again, F1 test days.',
          querystring: TaskQuery,
          response: { 200: TaskList, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => campaigns.tasks(requireStaff(req), req.query),
    );

    app.get(
      '/testing/settings',
      { schema: { tags, response: { 200: SettingsView, ...errors(401, 403) } } },
      async (req) => campaigns.settings(requireStaff(req)),
    );

    app.put(
      '/testing/settings',
      { schema: { tags, body: SettingsBody, response: { 200: SettingsView, ...errors(400, 401, 403) } } },
      async (req) => campaigns.updateSettings(requireStaff(req), req.body),
    );

    // ——— citizens ———
    app.get(
      '/me/tests',
      {
        schema: {
          tags,
          description: "The citizen's own test results and their dependants', with time and lab.",
          response: { 200: MyTests, ...errors(401, 403) },
        },
      },
      async (req) => service.myTests(requireCitizen(req)),
    );
  };
}
