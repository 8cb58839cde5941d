/**
 * The partner API: Zalo OA, SMS gateways and other apps declare for people who use them. Each partner has its own
 * API key (`tvdp_…`, shown once, stored as SHA-256) and its own rate limit (requests per minute, counted per
 * process, like the other limits). A partner may declare only for a phone it verified: it asks us to send a
 * one-time code to the phone (our SMS, naming the partner), the person gives the code to the partner, the partner
 * verifies it — then, for 30 days, it may declare for that phone. Another partner's verification does not count.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Actor } from '../../platform/access.ts';
import { scopeOf } from '../../platform/authorize.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { normalizePhone } from '../../platform/formats.ts';
import { newOneTimeCode } from '../../platform/otp.ts';
import { countRequest } from '../../platform/rate-limit-store.ts';
import { smsText } from '../../platform/sms.ts';
import type { PeopleService } from '../people/index.ts';
import { unitPolicy } from './policy.ts';
import type { DeclarationsRepo } from './repo.ts';
import type { PartnerDeclarationBody } from './schemas.ts';
import type { DeclarationsService } from './service.ts';

const PURPOSE = 'truyvet-partner-phone-otp';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** codes one phone may receive per hour, from all partners together */
export const PARTNER_CODES_PER_PHONE_PER_HOUR = 5;
/** how long a verified phone may be declared for by the partner that verified it */
export const PARTNER_VERIFICATION_DAYS = 30;
const DEFAULT_RATE = 600;

export interface Partner {
  id: string;
  name: string;
  ratePerMinute: number;
}

const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export function partnersService(
  ctx: PlatformContext,
  deps: { repo: DeclarationsRepo; people: PeopleService; declarations: DeclarationsService },
) {
  const { repo, people, declarations } = deps;

  const subjectOf = (partner: Partner, phone: string) => `${partner.id}:${phone}`;

  function phoneOrThrow(raw: string): string {
    const phone = normalizePhone(raw);
    if (!phone) throw new AppError('INVALID_PHONE', 400);
    return phone;
  }

  return {
    /** Issues a partner and its API key (admins); the key is shown once. */
    async create(actor: Actor, body: { name: string; ratePerMinute?: number | undefined }) {
      scopeOf(unitPolicy, actor, 'declarations.configure');
      const apiKey = `tvdp_${randomBytes(24).toString('base64url')}`;
      const row = await repo.insertPartner({
        name: body.name.trim(),
        key_hash: hashKey(apiKey),
        rate_per_minute: body.ratePerMinute ?? DEFAULT_RATE,
        created_by: actor.kind === 'staff' ? actor.userId : 'system',
      });
      await ctx.audit.record({
        actor: actor.kind === 'system' ? null : actor,
        action: 'declarations.createPartner',
        resourceType: 'declaration_partner',
        resourceId: row.id,
      });
      return { id: row.id, apiKey };
    },

    /** The partners (admins): name, rate limit, active or revoked; never a key. */
    async list(actor: Actor) {
      scopeOf(unitPolicy, actor, 'declarations.configure');
      const rows = await repo.listPartners();
      return {
        items: rows.map((r) => ({
          id: r.id,
          name: r.name,
          ratePerMinute: r.rate_per_minute,
          active: r.active,
          createdAt: r.created_at.toISOString(),
        })),
      };
    },

    /**
     * Revokes a partner's API key (admins): every request with it answers 401 PARTNER_KEY_INVALID from then on
     * (the key is looked up on each request, never cached). 404 PARTNER_NOT_FOUND for an unknown id; revoking
     * twice is not an error.
     */
    async revoke(actor: Actor, id: string) {
      scopeOf(unitPolicy, actor, 'declarations.configure');
      if (!(await repo.partnerExists(id))) throw new AppError('PARTNER_NOT_FOUND', 404);
      const revoked = await repo.revokePartner(id);
      await ctx.audit.record({
        actor: actor.kind === 'system' ? null : actor,
        action: 'declarations.revokePartner',
        resourceType: 'declaration_partner',
        resourceId: id,
        details: { revoked },
      });
    },

    /**
     * The partner a key stands for, counted against its rate limit: 401 PARTNER_KEY_INVALID for an unknown or
     * revoked key, 429 RATE_LIMITED past its requests per minute.
     */
    async resolve(key: string | undefined): Promise<Partner> {
      const row = key && key.length <= 200 ? await repo.partnerByKeyHash(hashKey(key)) : undefined;
      if (!row) throw new AppError('PARTNER_KEY_INVALID', 401);
      // counted in the database like the routes' limits: every API process holds the partner to one limit
      const counted = await countRequest(ctx.db, `declaration-partner|${row.id}`, MINUTE);
      if (counted.current > row.rate_per_minute)
        throw new AppError('RATE_LIMITED', 429, {
          limit: row.rate_per_minute,
          retryAfter: Math.max(1, Math.ceil(counted.ttl / 1000)),
        });
      return { id: row.id, name: row.name, ratePerMinute: row.rate_per_minute };
    },

    /** Sends a one-time code to the phone, naming the partner; the same answer whoever owns the phone. */
    async sendCode(partner: Partner, rawPhone: string) {
      const phone = phoneOrThrow(rawPhone);
      const code = newOneTimeCode();
      const key = await ctx.otp.key(PURPOSE);
      const ttl = ctx.config.otpTtlSeconds;
      const now = new Date();
      await ctx.db.transaction().execute(async (trx) => {
        await repo.lockPhoneCodes(trx, phone);
        if ((await repo.codesSentSince(trx, phone, new Date(now.getTime() - HOUR))) >= PARTNER_CODES_PER_PHONE_PER_HOUR)
          throw new AppError('PARTNER_TOO_MANY_CODES', 429);
        await repo.insertPhoneCode(trx, {
          partner_id: partner.id,
          phone,
          code_hash: key.hash(subjectOf(partner, phone), code),
          expires_at: new Date(now.getTime() + ttl * 1000),
        });
        await ctx.notifier.enqueue(trx, {
          channel: 'sms',
          to: phone,
          text: smsText(
            `Truyvet: ma xac minh de ${partner.name} khai bao y te cho so nay: ${code}. Chi dua ma cho ${partner.name}. Het han sau ${Math.round(ttl / 60)} phut.`,
          ),
        });
      });
      ctx.jobs.wake();
      return { expiresInSeconds: ttl };
    },

    /** Checks the code the person gave the partner; the partner may then declare for the phone. */
    async verifyCode(partner: Partner, rawPhone: string, code: string) {
      const phone = phoneOrThrow(rawPhone);
      const key = await ctx.otp.key(PURPOSE);
      const now = new Date();
      const max = ctx.config.otpMaxAttempts;
      const problem = await ctx.db.transaction().execute(async (trx) => {
        const row = await repo.latestPhoneCode(trx, partner.id, phone);
        if (!row) return new AppError('PARTNER_CODE_INVALID', 400, { attemptsLeft: 0 }, { attemptsLeft: 0 });
        if (row.expires_at <= now) {
          await repo.updatePhoneCode(trx, row.id, { spent_at: now });
          return new AppError('PARTNER_CODE_EXPIRED', 400);
        }
        if (!key.matches(row.code_hash, subjectOf(partner, phone), code)) {
          const attempts = row.attempts + 1;
          await repo.updatePhoneCode(trx, row.id, { attempts, ...(attempts >= max ? { spent_at: now } : {}) });
          const left = Math.max(0, max - attempts);
          return new AppError('PARTNER_CODE_INVALID', 400, { attemptsLeft: left }, { attemptsLeft: left });
        }
        await repo.updatePhoneCode(trx, row.id, { spent_at: now });
        await repo.markVerified(trx, partner.id, phone);
        return undefined;
      });
      if (problem) throw problem;
      return { verified: true };
    },

    /** Declares for a phone the partner verified (403 PARTNER_PHONE_NOT_VERIFIED otherwise); idempotent. */
    async declare(partner: Partner, body: PartnerDeclarationBody, idempotencyKey: string | undefined) {
      const phone = phoneOrThrow(body.phone);
      const verified = await repo.verifiedSince(partner.id, phone);
      if (!verified || verified.verified_at.getTime() < Date.now() - PARTNER_VERIFICATION_DAYS * 24 * HOUR)
        throw new AppError('PARTNER_PHONE_NOT_VERIFIED', 403);
      const actor: Actor = { kind: 'system', name: `partner:${partner.id}` };
      const { phone: _raw, name, unitCode, ...rest } = body;
      return declarations.declare(actor, rest, idempotencyKey, {
        partnerId: partner.id,
        phone,
        subject: async () => {
          // the phone's account holder first (who proved it to the app): a household's shared phone may also be on
          // an older record, a dependant's, and the holder's declarations must not land there; else the first record
          // of the phone that is not a claim (a phone a citizen typed for a dependant: people/README.md)
          const known = (await people.accountHolder(phone)) ?? (await people.findKnown({ phone }));
          let id = known;
          if (!id) {
            if (!unitCode) throw new AppError('UNIT_NOT_FOUND', 400, { field: 'unitCode' });
            const unit = await repo.unitByCode(unitCode);
            if (!unit) throw new AppError('UNIT_NOT_FOUND', 400, { field: 'unitCode' });
            id = (await people.findOrRegister(actor, { phone, name }, unit.code, { via: 'declaration_partner' })).id;
          }
          // who they are, where they live and whether they are held: read by the writing statement (404 if gone)
          return { id };
        },
      });
    },
  };
}

export type PartnersService = ReturnType<typeof partnersService>;
