/**
 * /api/v1 routes of health declaration and the enterprise self-assessment: forms, declaring, today's badge, the
 * health station's tasks, venue rules, statistics (+ CSV), partners (API key + phone verification), enterprises.
 * Partner routes are reached without a session: the `X-Api-Key` header is their authority.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { acceptCsvBodies, toCsv } from '../../platform/csv.ts';
import { AppError } from '../../platform/errors.ts';
import { errors, perAccount, requireActor, requireCitizen, requireStaff, sendCsv } from '../../platform/http.ts';
import { parseIdempotencyKey } from '../../platform/idempotency.ts';
import { NEXT_CURSOR_HEADER, pagedHeaders } from '../../platform/paging.ts';
import { MEMBER_ADDS_PER_MINUTE, MEMBER_IMPORTS_PER_MINUTE, MEMBER_LOOKUP_MISSES_PER_DAY } from './constants.ts';
import type { EnterprisesService } from './enterprises.ts';
import type { OrganisationsService } from './organisations.ts';
import type { PartnersService } from './partners.ts';
import type { StatsQuery as StatsQueryType } from './schemas.ts';
import {
  AddedMember,
  AddMemberBody,
  AssessmentBody,
  AssessmentResult,
  CreatedPartner,
  CreateEnterpriseBody,
  CreateOrganisationBody,
  CreatePartnerBody,
  CriteriaView,
  DeclarationBody,
  DeclarationResult,
  EnterpriseDetail,
  EnterpriseList,
  EnterpriseListQuery,
  EnterpriseOwnerBody,
  EnterpriseParams,
  FormTypeParams,
  FormView,
  IdResponse,
  InspectionBody,
  LastQuery,
  LastResponse,
  MemberList,
  MemberListQuery,
  MembersImportResult,
  MyDeclarationList,
  OrganisationList,
  OrganisationListQuery,
  OrganisationMemberParams,
  OrganisationParams,
  OrganisationSummary,
  PartnerCodeSent,
  PartnerDeclarationBody,
  PartnerList,
  PartnerParams,
  PartnerPhoneBody,
  PartnerVerified,
  PartnerVerifyBody,
  PersonQuery,
  PublishCriteriaBody,
  PublishFormBody,
  StatsQuery,
  StatsResponse,
  TaskList,
  TaskParams,
  TaskQuery,
  TaskView,
  TodayResponse,
  UpdateOrganisationBody,
  UpdateTaskBody,
  VenueParams,
  VenueRuleBody,
  VenueRuleView,
} from './schemas.ts';
import type { DeclarationsService } from './service.ts';

const apiKeyOf = (req: FastifyRequest) => {
  const raw = req.headers['x-api-key'];
  return Array.isArray(raw) ? raw[0] : raw;
};

export function declarationsRoutes(
  service: DeclarationsService,
  enterprises: EnterprisesService,
  partners: PartnersService,
  organisations: OrganisationsService,
): FastifyPluginAsync {
  return async (plain) => {
    const app = plain.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['declarations'];

    // a member list comes as text/csv: its bytes must be UTF-8 (checked, never guessed)
    acceptCsvBodies(app);

    // ——— forms ———
    app.get(
      '/declaration-forms/:type',
      {
        config: { public: true },
        schema: {
          tags,
          description:
            'The current version of a declaration form (`domestic` daily, `entry` on entering the province).',
          params: FormTypeParams,
          response: { 200: FormView, ...errors(400, 404) },
        },
      },
      async (req) => service.currentForm(req.params.type),
    );

    app.post(
      '/declaration-forms/:type',
      {
        schema: {
          tags,
          description:
            'Publishes a new version of the form (admins): served at once; answers to the version it replaces are ' +
            'accepted for `graceHours` (default 48), then refused with DECLARATION_FORM_OUTDATED (older versions ' +
            'at once). Without `rules`, the new version keeps the current rules of the questions it still has.',
          params: FormTypeParams,
          body: PublishFormBody,
          response: { 201: FormView, ...errors(400, 401, 403, 409) },
        },
      },
      async (req, reply) =>
        reply.status(201).send(await service.publishForm(requireStaff(req), req.params.type, req.body)),
    );

    // ——— declaring ———
    app.post(
      '/declarations',
      {
        schema: {
          tags,
          description:
            'A health declaration: for oneself (`subject` omitted), a dependant (`{personId}`), or — staff — anyone in ' +
            'their area (`{personId}`, `{nationalId}`, `{phone}`). Flagged answers create a task for the commune ' +
            'health station. `Idempotency-Key`: the same key again answers 200 with the first answer.',
          body: DeclarationBody,
          response: { 200: DeclarationResult, 201: DeclarationResult, ...errors(400, 401, 403, 404, 422) },
        },
      },
      async (req, reply) => {
        const actor = requireActor(req);
        const key = parseIdempotencyKey(req.headers['idempotency-key']);
        const result = await service.declare(actor, req.body, key);
        if (result.replayed) reply.header('idempotent-replayed', 'true');
        return reply.status(result.replayed ? 200 : 201).send(result.body);
      },
    );

    app.get(
      '/me/declarations/today',
      {
        schema: {
          tags,
          description: "Whether the citizen (or a dependant: `personId`) declared today, and the day's badge.",
          querystring: PersonQuery,
          response: { 200: TodayResponse, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => service.today(requireCitizen(req), req.query.personId),
    );

    app.get(
      '/me/declarations/last',
      {
        schema: {
          tags,
          description: 'The last answers of the citizen (or a dependant) for a form type: the form is pre-filled.',
          querystring: LastQuery,
          response: { 200: LastResponse, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => service.last(requireCitizen(req), req.query.type, req.query.personId),
    );

    app.get(
      '/me/declarations',
      {
        schema: {
          tags,
          description: 'The latest declarations of the citizen (or a dependant).',
          querystring: PersonQuery,
          response: { 200: MyDeclarationList, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => service.history(requireCitizen(req), req.query.personId),
    );

    // ——— the health station's tasks ———
    app.get(
      '/health-tasks',
      {
        schema: {
          tags,
          description: 'Follow-up tasks of flagged declarations in the health worker’s area (default: open ones).',
          querystring: TaskQuery,
          response: { 200: TaskList, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => service.tasks(requireStaff(req), req.query),
    );

    app.patch(
      '/health-tasks/:id',
      {
        schema: {
          tags,
          description: 'Moves a task forward (new → called → tested → closed) with an optional note.',
          params: TaskParams,
          body: UpdateTaskBody,
          response: { 200: TaskView, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (req) => service.updateTask(requireStaff(req), req.params.id, req.body),
    );

    // ——— venues that require a declaration today ———
    app.get(
      '/declaration-venue-rules/:venueId',
      {
        schema: {
          tags,
          params: VenueParams,
          response: { 200: VenueRuleView, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => service.venueRule(requireActor(req), req.params.venueId),
    );

    app.put(
      '/declaration-venue-rules/:venueId',
      {
        schema: {
          tags,
          description: "Whether check-in at the venue requires a declaration today (the venue's managers).",
          params: VenueParams,
          body: VenueRuleBody,
          response: { 200: VenueRuleView, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => service.setVenueRule(requireActor(req), req.params.venueId, req.body.required),
    );

    // ——— statistics ———
    const stats = async (req: FastifyRequest<{ Querystring: StatsQueryType }>) => {
      const actor = requireStaff(req);
      const [s, e] = await Promise.all([service.stats(actor, req.query), enterprises.counts(actor).catch(() => null)]);
      return { ...s, enterprises: e ?? { total: 0, highRisk: 0, overdue: 0 } };
    };

    app.get(
      '/declaration-stats',
      {
        schema: {
          tags,
          description:
            'Declarations per day and commune, people declaring against residents, flagged by reason, open tasks by ' +
            'age and enterprises at risk (default: the last 14 days).',
          querystring: StatsQuery,
          response: { 200: StatsResponse, ...errors(400, 401, 403, 404) },
        },
      },
      stats,
    );

    app.get(
      '/declaration-stats.csv',
      {
        schema: {
          tags,
          description: 'The per-day, per-commune table as CSV (UTF-8 with BOM).',
          querystring: StatsQuery,
          response: { 200: Type.String(), ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        const s = await stats(req);
        const csv = toCsv(
          [
            'day',
            'commune_code',
            'commune_name',
            'declarations',
            'people',
            'residents',
            'flagged',
            'symptom',
            'exposure',
            'entry_area',
            'case_or_quarantine',
          ],
          s.rows.map((r) => [
            r.day,
            r.communeCode,
            r.communeName,
            r.declarations,
            r.people,
            r.residents,
            r.flagged,
            r.symptom,
            r.exposure,
            r.entryArea,
            r.caseOrQuarantine,
          ]),
        );
        return sendCsv(reply, `declarations-${s.from}-${s.to}.csv`, csv);
      },
    );

    // ——— partners ———
    app.post(
      '/declaration-partners',
      {
        schema: {
          tags,
          description: 'Registers a partner system (admins) and issues its API key, shown once.',
          body: CreatePartnerBody,
          response: { 201: CreatedPartner, ...errors(400, 401, 403) },
        },
      },
      async (req, reply) => reply.status(201).send(await partners.create(requireStaff(req), req.body)),
    );

    app.get(
      '/declaration-partners',
      {
        schema: {
          tags,
          description: 'The partner systems (admins): name, rate limit, active or revoked (never their keys).',
          response: { 200: PartnerList, ...errors(401, 403) },
        },
      },
      async (req) => partners.list(requireStaff(req)),
    );

    app.delete(
      '/declaration-partners/:id',
      {
        schema: {
          tags,
          description: "Revokes a partner's API key (admins): it answers 401 PARTNER_KEY_INVALID from then on.",
          params: PartnerParams,
          response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        await partners.revoke(requireStaff(req), req.params.id);
        return reply.status(204).send(null);
      },
    );

    const partnerRoute = { config: { public: true } };
    const partnerErrors = errors(400, 401, 403, 404, 422, 429);

    app.post(
      '/partner/phone-codes',
      {
        ...partnerRoute,
        schema: {
          tags,
          description: 'Partner (`X-Api-Key`): sends a one-time code to the phone, naming the partner.',
          body: PartnerPhoneBody,
          response: { 202: PartnerCodeSent, ...partnerErrors },
        },
      },
      async (req, reply) => {
        const partner = await partners.resolve(apiKeyOf(req));
        return reply.status(202).send(await partners.sendCode(partner, req.body.phone));
      },
    );

    app.post(
      '/partner/phone-codes/verify',
      {
        ...partnerRoute,
        schema: {
          tags,
          description: 'Partner: the code the person gave it; the partner may then declare for the phone (30 days).',
          body: PartnerVerifyBody,
          response: { 200: PartnerVerified, ...partnerErrors },
        },
      },
      async (req) => {
        const partner = await partners.resolve(apiKeyOf(req));
        return partners.verifyCode(partner, req.body.phone, req.body.code);
      },
    );

    app.post(
      '/partner/declarations',
      {
        ...partnerRoute,
        schema: {
          tags,
          description:
            'Partner: a declaration for a phone it verified (403 PARTNER_PHONE_NOT_VERIFIED otherwise); ' +
            '`Idempotency-Key` as for /declarations.',
          body: PartnerDeclarationBody,
          response: { 200: DeclarationResult, 201: DeclarationResult, ...partnerErrors },
        },
      },
      async (req, reply) => {
        const partner = await partners.resolve(apiKeyOf(req));
        const key = parseIdempotencyKey(req.headers['idempotency-key']);
        const result = await partners.declare(partner, req.body, key);
        if (result.replayed) reply.header('idempotent-replayed', 'true');
        return reply.status(result.replayed ? 200 : 201).send(result.body);
      },
    );

    // ——— enterprises ———
    app.get(
      '/enterprise-criteria',
      {
        // public like the declaration forms: the criteria an enterprise is assessed by, no one's data
        config: { public: true },
        schema: {
          tags,
          description: 'The current self-assessment criteria (the form shape), score bands and validity in days.',
          response: { 200: CriteriaView },
        },
      },
      async () => enterprises.currentCriteria(),
    );

    app.post(
      '/enterprise-criteria',
      {
        schema: {
          tags,
          description: 'Publishes a new criteria version (admins).',
          body: PublishCriteriaBody,
          response: { 201: CriteriaView, ...errors(400, 401, 403) },
        },
      },
      async (req, reply) => reply.status(201).send(await enterprises.publishCriteria(requireStaff(req), req.body)),
    );

    app.post(
      '/enterprises',
      {
        schema: {
          tags,
          description: 'Registers an enterprise: by its owner (a citizen) or by oversight staff of its area.',
          body: CreateEnterpriseBody,
          response: { 201: IdResponse, ...errors(400, 401, 403, 409) },
        },
      },
      async (req, reply) => reply.status(201).send(await enterprises.create(requireActor(req), req.body)),
    );

    app.get(
      '/enterprises',
      {
        schema: {
          tags,
          description: "A citizen's own enterprises; staff: their area's (`filter=high_risk|overdue|all`).",
          querystring: EnterpriseListQuery,
          response: { 200: EnterpriseList, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => enterprises.list(requireActor(req), req.query),
    );

    app.get(
      '/enterprises/:id',
      {
        schema: {
          tags,
          params: EnterpriseParams,
          response: { 200: EnterpriseDetail, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => enterprises.get(requireActor(req), req.params.id),
    );

    app.post(
      '/enterprises/:id/assessments',
      {
        schema: {
          tags,
          description: 'A self-assessment against the current criteria → score, level and validity.',
          params: EnterpriseParams,
          body: AssessmentBody,
          response: { 201: AssessmentResult, ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) =>
        reply.status(201).send(await enterprises.assess(requireActor(req), req.params.id, req.body)),
    );

    app.put(
      '/enterprises/:id/owner',
      {
        schema: {
          tags,
          description:
            'Oversight staff give the enterprise to the account holder of `phone` (a tax code claimed by someone else is given back), or take it from its owner (`phone: null`).',
          params: EnterpriseParams,
          body: EnterpriseOwnerBody,
          response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        await enterprises.setOwner(requireStaff(req), req.params.id, req.body);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/enterprises/:id/inspections',
      {
        schema: {
          tags,
          description: 'An inspection with findings; failing it (or `requireReassessment`) requires a new assessment.',
          params: EnterpriseParams,
          body: InspectionBody,
          response: { 201: IdResponse, ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) =>
        reply.status(201).send(await enterprises.inspect(requireStaff(req), req.params.id, req.body)),
    );

    // ——— organisations: the share of each organisation's members declaring ———
    app.post(
      '/organisations',
      {
        schema: {
          tags,
          description:
            'Registers a public agency (`kind: agency`, its members civil servants held to 100 %; staff of its area) ' +
            'or the member list of an enterprise registered here (`kind: enterprise`; its owner or the oversight staff; ' +
            'one per enterprise: 409 ORGANISATION_EXISTS with its `id`).',
          body: CreateOrganisationBody,
          response: { 201: IdResponse, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (req, reply) => reply.status(201).send(await organisations.create(requireActor(req), req.body)),
    );

    app.get(
      '/organisations',
      {
        schema: {
          tags,
          description:
            "Organisations with today's figures (members, declared, flagged, share), civil-service agencies first, " +
            'and the civil servants against the 100 % target. Staff: their area (`unitCode` narrows it); a citizen: ' +
            'their enterprises.',
          querystring: OrganisationListQuery,
          response: { 200: OrganisationList, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => organisations.list(requireActor(req), req.query),
    );

    app.get(
      '/organisations.csv',
      {
        schema: {
          tags,
          description: "The organisations' figures of today as CSV (UTF-8 with BOM).",
          querystring: OrganisationListQuery,
          response: { 200: Type.String(), ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        const list = await organisations.list(requireActor(req), req.query);
        const csv = toCsv(
          [
            'day',
            'organisation_id',
            'kind',
            'name',
            'unit_code',
            'unit_name',
            'civil_service',
            'members',
            'declared_today',
            'flagged_today',
            'not_declared_today',
            'share',
            'at_target',
          ],
          list.items.map((o) => [
            list.day,
            o.id,
            o.kind,
            o.name,
            o.unitCode,
            o.unitName,
            o.civilService ? 'yes' : 'no',
            o.members,
            o.declaredToday,
            o.flaggedToday,
            o.notDeclaredToday,
            o.share === null ? null : o.share.toFixed(4),
            o.atTarget === null ? null : o.atTarget ? 'yes' : 'no',
          ]),
        );
        return sendCsv(reply, `organisations-${list.day}.csv`, csv);
      },
    );

    app.get(
      '/organisations/:id',
      {
        schema: {
          tags,
          description: "One organisation's figures today.",
          params: OrganisationParams,
          response: { 200: OrganisationSummary, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => organisations.get(requireActor(req), req.params.id),
    );

    app.get(
      '/organisations/:id/members',
      {
        schema: {
          tags,
          description:
            "The members and today's badge (`filter=not_declared`: those who have not declared) — a masked name, " +
            "the birth year and the phone's last 3 digits, enough to remind them; audited. By name, `limit` at a " +
            `time (default 200): when more follow, the answer carries \`${NEXT_CURSOR_HEADER}\`; pass it as \`after\` ` +
            'for the next page (keyset paging).',
          params: OrganisationParams,
          querystring: MemberListQuery,
          response: { 200: Type.Object(MemberList.properties, pagedHeaders), ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        const { next, ...page } = await organisations.members(requireActor(req), req.params.id, req.query);
        if (next) reply.header(NEXT_CURSOR_HEADER, next);
        return page;
      },
    );

    app.patch(
      '/organisations/:id',
      {
        schema: {
          tags,
          description:
            "Renames an organisation (whoever keeps its list: the area's staff for an agency, the owner or the " +
            "oversight staff for an enterprise's); audited. Answers its figures.",
          params: OrganisationParams,
          body: UpdateOrganisationBody,
          response: { 200: OrganisationSummary, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => organisations.rename(requireActor(req), req.params.id, req.body),
    );

    app.delete(
      '/organisations/:id',
      {
        schema: {
          tags,
          description:
            'Deletes an organisation and its member list (the people stay), by whoever keeps the list; audited with ' +
            'the number of members.',
          params: OrganisationParams,
          response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        await organisations.remove(requireActor(req), req.params.id);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/organisations/:id/members',
      {
        // per account (after the app's auth hook, so the actor is known); requests without one count by address
        config: {
          rateLimit: {
            max: MEMBER_ADDS_PER_MINUTE,
            timeWindow: '1 minute',
            keyGenerator: perAccount('organisation-members'),
          },
        },
        schema: {
          tags,
          description:
            'Adds a member: by `personId` (staff, a person of their area) or by `nationalId` / `phone` (+ `name`), ' +
            "found or registered at the organisation's unit (staff), or matched with the full name on record (an " +
            "enterprise's owner: 404 ORGANISATION_MEMBER_NOT_MATCHED otherwise). 200 when already a member. An " +
            `owner's look-ups that match no one are bounded (${MEMBER_LOOKUP_MISSES_PER_DAY} in 24 hours: 429 ` +
            `RATE_LIMITED with retryAfter past it); at most ${MEMBER_ADDS_PER_MINUTE} requests a minute per account.`,
          params: OrganisationParams,
          body: AddMemberBody,
          response: { 200: AddedMember, 201: AddedMember, ...errors(400, 401, 403, 404, 429) },
        },
      },
      async (req, reply) => {
        const r = await organisations.addMember(requireActor(req), req.params.id, req.body);
        return reply.status(r.added ? 201 : 200).send(r);
      },
    );

    app.post(
      '/organisations/:id/members::import',
      {
        config: {
          rateLimit: {
            max: MEMBER_IMPORTS_PER_MINUTE,
            timeWindow: '1 minute',
            keyGenerator: perAccount('organisation-members-import'),
          },
        },
        schema: {
          tags,
          description:
            'Adds the people of a CSV file (`text/csv`, UTF-8, header `national_id,phone,full_name`, at most 2,000 ' +
            "lines): each is found or registered (staff) or matched (an enterprise's owner); refused lines come back " +
            "with their line number (header = 1) and code. An owner's look-ups that match no one are bounded " +
            `(${MEMBER_LOOKUP_MISSES_PER_DAY} in 24 hours): lines past the bound come back RATE_LIMITED, not looked ` +
            'up, and with none left the file is refused whole, 429 RATE_LIMITED with retryAfter, nothing looked up ' +
            `or written. At most ${MEMBER_IMPORTS_PER_MINUTE} requests a minute per account.`,
          params: OrganisationParams,
          response: { 200: MembersImportResult, ...errors(400, 401, 403, 404, 413, 415, 429) },
        },
      },
      async (req) => {
        const actor = requireActor(req);
        if (typeof req.body !== 'string') throw new AppError('UNSUPPORTED_MEDIA_TYPE', 415);
        return organisations.importMembers(actor, req.params.id, req.body);
      },
    );

    app.delete(
      '/organisations/:id/members/:personId',
      {
        schema: {
          tags,
          description: 'Removes a member (404 ORGANISATION_MEMBER_NOT_FOUND when they are not one).',
          params: OrganisationMemberParams,
          response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        await organisations.removeMember(requireActor(req), req.params.id, req.params.personId);
        return reply.status(204).send(null);
      },
    );
  };
}
