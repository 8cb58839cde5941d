/**
 * /api/v1/auth: citizen OTP, staff login, logout, who am I, TOTP enrolment, staff password change, the first sign-in
 * after an administrator's password reset.
 */

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { PlatformContext } from '../../platform/context.ts';
import { errors, requireActor, requireStaff, SESSION_COOKIE } from '../../platform/http.ts';
import {
  CitizenLoginResponse,
  MeResponse,
  OtpRequestBody,
  OtpRequestResponse,
  OtpVerifyBody,
  PasswordChangeBody,
  StaffLoginBody,
  StaffLoginResponse,
  StaffPasswordResetBody,
  TotpEnableBody,
  TotpSetupResponse,
} from './schemas.ts';
import type { AuthService } from './service.ts';

export function authRoutes(ctx: PlatformContext, service: AuthService): FastifyPluginAsync {
  return async (plain) => {
    const app = plain.withTypeProvider<TypeBoxTypeProvider>();
    const rateLimit = { max: ctx.config.authRateLimitPerMinute, timeWindow: '1 minute' };
    const tags = ['auth'];

    const setCookie = (reply: FastifyReply, token: string, expiresAt: Date) =>
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        secure: ctx.config.cookieSecure,
        sameSite: 'lax',
        path: '/',
        expires: expiresAt,
      });

    app.post(
      '/auth/citizen/otp',
      {
        config: { rateLimit, public: true },
        schema: { tags, body: OtpRequestBody, response: { 202: OtpRequestResponse, ...errors(400, 429) } },
      },
      async (req, reply) => reply.status(202).send(await service.requestOtp(req.body.phone)),
    );

    app.post(
      '/auth/citizen/verify',
      {
        config: { rateLimit, public: true },
        schema: { tags, body: OtpVerifyBody, response: { 200: CitizenLoginResponse, ...errors(400, 401, 429) } },
      },
      async (req, reply) => {
        const result = await service.verifyOtp(req.body.phone, req.body.code);
        setCookie(reply, result.token, result.expiresAt);
        return { token: result.token, person: result.person };
      },
    );

    app.post(
      '/auth/staff/login',
      {
        config: { rateLimit, public: true },
        schema: {
          tags,
          description:
            "Staff sign-in. 403 PASSWORD_CHANGE_REQUIRED: the password is an administrator's one-time reset code " +
            '(right, but it signs in only through POST /auth/staff/password/reset, choosing a new password).',
          body: StaffLoginBody,
          response: { 200: StaffLoginResponse, ...errors(400, 401, 403, 429) },
        },
      },
      async (req, reply) => {
        const result = await service.staffLogin(req.body);
        setCookie(reply, result.token, result.expiresAt);
        return { token: result.token, user: result.user };
      },
    );

    app.post(
      '/auth/staff/password/reset',
      {
        config: { rateLimit, public: true },
        schema: {
          tags,
          description:
            "The first sign-in after an administrator's reset: username, the one-time code (and TOTP when on) and a " +
            'new password (≥ 12 characters), which replaces the code; signs in. Counted like any sign-in.',
          body: StaffPasswordResetBody,
          response: { 200: StaffLoginResponse, ...errors(400, 401, 429) },
        },
      },
      async (req, reply) => {
        const result = await service.resetPassword(req.body);
        setCookie(reply, result.token, result.expiresAt);
        return { token: result.token, user: result.user };
      },
    );

    // public: signing out with an expired or unknown token still clears the cookie
    app.post(
      '/auth/logout',
      { config: { public: true }, schema: { tags, response: { 204: Type.Null() } } },
      async (req, reply) => {
        const header = req.headers.authorization;
        const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : req.cookies[SESSION_COOKIE];
        const actor = req.actor && req.actor.kind !== 'system' ? req.actor : undefined;
        await service.logout(token, actor);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.status(204).send(null);
      },
    );

    app.get('/auth/me', { schema: { tags, response: { 200: MeResponse, ...errors(401) } } }, async (req) => {
      const actor = requireActor(req);
      if (actor.kind === 'staff') return { kind: 'staff' as const, user: await service.staffView(actor.userId) };
      return { kind: 'citizen' as const, person: await service.citizenView(actor.personId, actor.phone) };
    });

    app.post(
      '/auth/staff/totp/setup',
      { schema: { tags, response: { 200: TotpSetupResponse, ...errors(401, 403, 409) } } },
      async (req) => service.totpSetup(requireStaff(req)),
    );

    app.post(
      '/auth/staff/totp/enable',
      { schema: { tags, body: TotpEnableBody, response: { 204: Type.Null(), ...errors(400, 401, 403, 409, 429) } } },
      async (req, reply) => {
        await service.totpEnable(requireStaff(req), req.body.code, req.body.currentPassword);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/auth/staff/password',
      {
        config: { rateLimit },
        schema: { tags, body: PasswordChangeBody, response: { 204: Type.Null(), ...errors(400, 401, 403, 429) } },
      },
      async (req, reply) => {
        await service.changePassword(requireStaff(req), req.body);
        return reply.status(204).send(null);
      },
    );
  };
}
