/**
 * /api/v1/dev: what the fake notification adapters recorded, for national administrators only (it holds every
 * citizen's one-time codes: a district admin must not sign in as the province's citizens), and only while the fake
 * adapters are active (TRUYVET_NOTIFY=fake, the default outside production, refused in production). This is how
 * demos and tests read OTP codes.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { isFakeNotify } from '../../config.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { normalizePhone } from '../../platform/formats.ts';
import { errors, requireStaff } from '../../platform/http.ts';
import { decodeCursor, NEXT_CURSOR_HEADER, pagedHeaders, toPage } from '../../platform/paging.ts';
import { OutboxMessage, OutboxQuery } from './schemas.ts';

export function devRoutes(ctx: PlatformContext): FastifyPluginAsync {
  return async (plain) => {
    const app = plain.withTypeProvider<TypeBoxTypeProvider>();
    app.get(
      '/dev/outbox',
      {
        schema: {
          tags: ['dev'],
          description:
            'The newest messages the fake adapters recorded, `limit` at a time: when older ones follow, the answer ' +
            `carries \`${NEXT_CURSOR_HEADER}\`; pass it as \`after\` for the next page.`,
          querystring: OutboxQuery,
          response: { 200: Type.Array(OutboxMessage, pagedHeaders), ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        const actor = requireStaff(req);
        if (!actor.grants.some((g) => g.role === 'admin' && g.unitPath === '')) throw new AppError('FORBIDDEN', 403);
        if (!isFakeNotify(ctx.config)) throw new AppError('DEV_ONLY', 404);
        const limit = req.query.limit ?? 50;
        const before = req.query.after ? (decodeCursor(req.query.after, ['n'])[0] as number) : undefined;
        const { rows, next } = toPage(
          await ctx.notifier.fakeOutbox({
            to: req.query.to ? (normalizePhone(req.query.to) ?? req.query.to) : undefined,
            limit: limit + 1,
            before,
          }),
          limit,
          (r) => [r.id],
        );
        if (next) reply.header(NEXT_CURSOR_HEADER, next);
        await ctx.audit.record({ actor, action: 'dev.outbox.read', details: { results: rows.length } });
        return rows.map((r) => ({
          id: r.id,
          channel: r.channel,
          to: r.recipient,
          text: r.text,
          createdAt: r.createdAt.toISOString(),
        }));
      },
    );
  };
}
