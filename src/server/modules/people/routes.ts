/** /api/v1/people, /api/v1/households (staff) and /api/v1/me/* (citizens: profile, dependants, QR). */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { PlatformContext } from '../../platform/context.ts';
import { errors, requireActor, requireCitizen, requireStaff } from '../../platform/http.ts';
import { parseIdempotencyKey, requestHash, runIdempotent } from '../../platform/idempotency.ts';
import { NEXT_CURSOR_HEADER, pagedHeaders } from '../../platform/paging.ts';
import {
  AddMemberBody,
  CreateHouseholdBody,
  CreatePersonBody,
  DependantBody,
  DependantView,
  HouseholdView,
  NationalIdClaimsQuery,
  NationalIdClaimView,
  PeopleSearchQuery,
  PersonIdParams,
  PersonView,
  ProfileBody,
  QrResponse,
  UpdatePersonBody,
} from './schemas.ts';
import type { PeopleService } from './service.ts';

const IdResponse = Type.Object({ id: Type.String({ format: 'uuid' }) });
const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String()) });

export function peopleRoutes(ctx: PlatformContext, service: PeopleService): FastifyPluginAsync {
  return async (plain) => {
    const app = plain.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['people'];

    app.post(
      '/people',
      {
        schema: {
          tags,
          headers: IdempotencyHeaders,
          body: CreatePersonBody,
          response: { 201: IdResponse, 200: IdResponse, ...errors(400, 401, 403, 404, 409, 422) },
        },
      },
      async (req, reply) => {
        const actor = requireStaff(req);
        const key = parseIdempotencyKey(req.headers['idempotency-key']);
        const result = await runIdempotent(
          ctx.db,
          `staff:${actor.userId}`,
          key,
          requestHash('POST /people', req.body),
          async (trx) => ({
            status: 201,
            body: await service.create(actor, req.body, trx),
          }),
        );
        if (result.replayed) reply.header('idempotent-replayed', 'true');
        return reply.status(result.status as 201).send(result.body);
      },
    );

    app.get(
      '/people',
      {
        schema: {
          tags,
          querystring: PeopleSearchQuery,
          response: { 200: Type.Array(PersonView), ...errors(400, 401, 403) },
        },
      },
      async (req) => service.search(requireStaff(req), req.query.q, req.query.limit ?? 20),
    );

    app.get(
      '/people/national-id-claims',
      {
        schema: {
          tags,
          description:
            "The work list of national IDs to verify: the people of the caller's area (or of `unitCode` within it) " +
            'whose national ID is only what a citizen typed (`nationalIdVerified` false), oldest record first, ' +
            `\`limit\` at a time (default 50): when more follow, the answer carries \`${NEXT_CURSOR_HEADER}\`; pass it ` +
            'as `after` for the next page (keyset paging). `contested`: another record holds the number verified ' +
            '(verifying answers 409 `PERSON_EXISTS`). For those who may verify (`people.update`); a unit unknown or ' +
            'out of reach is 404 `UNIT_NOT_FOUND`.',
          querystring: NationalIdClaimsQuery,
          response: { 200: Type.Array(NationalIdClaimView, pagedHeaders), ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        const page = await service.listNationalIdClaims(requireStaff(req), req.query);
        if (page.next) reply.header(NEXT_CURSOR_HEADER, page.next);
        return page.items;
      },
    );

    app.get(
      '/people/:id',
      { schema: { tags, params: PersonIdParams, response: { 200: PersonView, ...errors(400, 401, 403, 404) } } },
      async (req) => service.get(requireActor(req), req.params.id),
    );

    app.patch(
      '/people/:id',
      {
        schema: {
          tags,
          params: PersonIdParams,
          body: UpdatePersonBody,
          response: { 200: PersonView, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (req) => service.update(requireActor(req), req.params.id, req.body),
    );

    app.post(
      '/people/:id/national-id::verify',
      {
        schema: {
          tags,
          description:
            'Staff who checked the ID card verify the national ID a citizen typed for this person (a claim until ' +
            'then: `nationalIdVerified` false). 409 `NATIONAL_ID_NOT_CLAIMED` when there is none; 409 `PERSON_EXISTS` ' +
            '(`details.existingId`) when another record holds the number verified.',
          params: PersonIdParams,
          response: { 200: PersonView, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (req) => service.verifyNationalId(requireStaff(req), req.params.id),
    );

    app.post(
      '/households',
      { schema: { tags, body: CreateHouseholdBody, response: { 201: IdResponse, ...errors(400, 401, 403, 404) } } },
      async (req, reply) => reply.status(201).send(await service.createHousehold(requireStaff(req), req.body)),
    );

    app.get(
      '/households/:id',
      { schema: { tags, params: PersonIdParams, response: { 200: HouseholdView, ...errors(400, 401, 403, 404) } } },
      async (req) => service.getHousehold(requireStaff(req), req.params.id),
    );

    app.post(
      '/households/:id/members',
      {
        schema: {
          tags,
          params: PersonIdParams,
          body: AddMemberBody,
          response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        await service.addHouseholdMember(requireStaff(req), req.params.id, req.body.personId);
        return reply.status(204).send(null);
      },
    );

    const me = ['me'];
    app.get('/me/profile', { schema: { tags: me, response: { 200: PersonView, ...errors(401, 403) } } }, async (req) =>
      service.myProfile(requireCitizen(req)),
    );

    app.put(
      '/me/profile',
      { schema: { tags: me, body: ProfileBody, response: { 200: PersonView, ...errors(400, 401, 403, 409) } } },
      async (req) => service.updateMyProfile(requireCitizen(req), req.body),
    );

    app.get(
      '/me/dependants',
      { schema: { tags: me, response: { 200: Type.Array(DependantView), ...errors(401, 403) } } },
      async (req) => service.myDependants(requireCitizen(req)),
    );

    app.post(
      '/me/dependants',
      { schema: { tags: me, body: DependantBody, response: { 201: IdResponse, ...errors(400, 401, 403, 409) } } },
      async (req, reply) => reply.status(201).send(await service.addDependant(requireCitizen(req), req.body)),
    );

    app.get(
      '/me/qr',
      {
        schema: {
          tags: me,
          querystring: Type.Object(
            { personId: Type.Optional(Type.String({ format: 'uuid' })) },
            { additionalProperties: false },
          ),
          response: { 200: QrResponse, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => service.personQr(requireCitizen(req), req.query.personId),
    );
  };
}
