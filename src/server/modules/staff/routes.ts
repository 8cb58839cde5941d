/** /api/v1/staff: staff account management (admins, within their scope). */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { errors, requireStaff } from '../../platform/http.ts';
import {
  AddGrantBody,
  CreateStaffBody,
  GrantParams,
  PasswordResetBody,
  PasswordResetCode,
  SetDisabledBody,
  StaffIdParams,
  StaffListItem,
} from './schemas.ts';
import type { StaffService } from './service.ts';

export function staffRoutes(service: StaffService): FastifyPluginAsync {
  return async (plain) => {
    const app = plain.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['staff'];

    app.get(
      '/staff',
      { schema: { tags, response: { 200: Type.Array(StaffListItem), ...errors(401, 403) } } },
      async (req) => service.list(requireStaff(req)),
    );

    app.post(
      '/staff',
      {
        schema: {
          tags,
          body: CreateStaffBody,
          response: { 201: Type.Object({ id: Type.String({ format: 'uuid' }) }), ...errors(400, 401, 403, 409) },
        },
      },
      async (req, reply) => reply.status(201).send(await service.create(requireStaff(req), req.body)),
    );

    app.post(
      '/staff/:id/grants',
      {
        schema: {
          tags,
          params: StaffIdParams,
          body: AddGrantBody,
          response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        await service.addGrant(requireStaff(req), req.params.id, req.body);
        return reply.status(204).send(null);
      },
    );

    app.put(
      '/staff/:id/grants/:grantId',
      {
        schema: {
          tags,
          description:
            "Change one grant's role and/or place (the admin must reach the account and the new place; not their own).",
          params: GrantParams,
          body: AddGrantBody,
          response: { 204: Type.Null(), ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (req, reply) => {
        await service.changeGrant(requireStaff(req), req.params.id, req.params.grantId, req.body);
        return reply.status(204).send(null);
      },
    );

    app.delete(
      '/staff/:id/grants/:grantId',
      {
        schema: {
          tags,
          description: 'Remove one grant; 409 LAST_GRANT for the last one (change it or disable the account).',
          params: GrantParams,
          response: { 204: Type.Null(), ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (req, reply) => {
        await service.removeGrant(requireStaff(req), req.params.id, req.params.grantId);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/staff/:id/password-reset',
      {
        schema: {
          tags,
          description:
            'Replace the password with a one-time code (answered once; it only signs in to choose a new password, ' +
            'for 24 h) and end every session of the account. Two-factor sign-in is kept (the code then works only ' +
            'with the authenticator code too) unless `resetTwoFactor` removes it (a lost phone: the officer sets it ' +
            'up again). Not for your own account; audited, with what happened to two-factor.',
          params: StaffIdParams,
          body: Type.Optional(PasswordResetBody),
          response: { 201: PasswordResetCode, ...errors(400, 401, 403, 404) },
        },
        // the body is optional (clients from before the option send none): no body means `{}`
        preValidation: async (req) => {
          if (req.body === undefined || req.body === null) req.body = {};
        },
      },
      async (req, reply) =>
        reply
          .status(201)
          .send(await service.resetPassword(requireStaff(req), req.params.id, req.body?.resetTwoFactor === true)),
    );

    app.delete(
      '/staff/:id/sessions',
      {
        schema: {
          tags,
          description: 'Force logout: end every session of the account now. Not for your own account; audited.',
          params: StaffIdParams,
          response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        await service.revokeSessions(requireStaff(req), req.params.id);
        return reply.status(204).send(null);
      },
    );

    app.put(
      '/staff/:id/disabled',
      {
        schema: {
          tags,
          params: StaffIdParams,
          body: SetDisabledBody,
          response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        await service.setDisabled(requireStaff(req), req.params.id, req.body.disabled);
        return reply.status(204).send(null);
      },
    );
  };
}
