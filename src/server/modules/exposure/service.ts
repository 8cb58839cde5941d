/**
 * Bluetooth exposure notification, the server side of the GAEN protocol, tied to our cases:
 *   - `issueCode`: a tracer or health worker issues a one-time code for a confirmed case in their jurisdiction; the
 *     F0 gets it by SMS (outbox, same transaction).
 *   - `verify`: the F0's phone exchanges the code (once, before it expires, while the case is confirmed) for a signed
 *     upload token. Failed verifications by everyone together are limited per window (counted in the database).
 *   - `upload`: the token uploads the phone's Temporary Exposure Keys once, while the case is confirmed; all of them
 *     valid or none stored. A retry of the same upload gets the same answer.
 *   - `publish`: the hourly job (and `truyvet en export-now`) signs the keys whose validity ended 2 h ago into a
 *     batch, padded with random keys, and deletes keys and batches past 14 days.
 *   - `reportMatches`: a citizen whose phone matched keys, and who consents, tells which case they met (through the
 *     code the keys were uploaded with); the first report of a case and person becomes the case's one `ble` contact
 *     to confirm; `bleContacts` shows those reports to the case's tracers.
 */
import { createHash, randomInt } from 'node:crypto';
import { EN_INTERVAL_SECONDS, enIntervalNumber, fromBase64, randomBytes } from '../../../exposure/crypto.ts';
import type { DiagnosisKey } from '../../../exposure/export-file.ts';
import type { Actor, CitizenActor } from '../../platform/access.ts';
import { authorize, mayEver } from '../../platform/authorize.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { AdminUnitsService } from '../admin-units/index.ts';
import type { CasesService } from '../cases/index.ts';
import type { PeopleService } from '../people/index.ts';
import {
  EN_ATTEMPTS_PER_TOKEN,
  EN_CODE_DIGITS,
  EN_CODE_TTL_MINUTES,
  EN_EMBARGO_INTERVALS,
  EN_FAILED_VERIFY_LIMIT,
  EN_FAILED_VERIFY_WINDOW_MINUTES,
  EN_MAX_LIVE_CODES,
  EN_MIN_BATCH_KEYS,
  EN_REGION,
  EN_RETENTION_DAYS,
  EN_TOKEN_TTL_MINUTES,
} from './constants.ts';
import { buildSignedExport } from './export-builder.ts';
import { exposurePolicy } from './policy.ts';
import type { ExposureRepo } from './repo.ts';
import type { BleContact, UploadKey } from './schemas.ts';
import { createExportKeys } from './signing.ts';
import { issueUploadToken, readUploadToken } from './tokens.ts';
import { validateUpload } from './validate.ts';

/** The services of other modules this one uses. */
export interface ExposureDeps {
  cases: CasesService;
  people: PeopleService;
  adminUnits: AdminUnitsService;
}

const SYSTEM: Actor = { kind: 'system', name: 'exposure' };
const MINUTE = 60_000;
const DAY_SECONDS = 86_400;

/**
 * Verification codes are stored only as an HMAC under this purpose's key from the deployment's TRUYVET_OTP_SECRET
 * (platform/otp.ts), never as a plain hash: 8 digits are 10^8 candidates, which a copy of the database would give
 * back in seconds from an unkeyed SHA-256. The hash is deterministic (one fixed subject: a code names no phone), so
 * `verify` still finds a code by its hash. Codes issued under an earlier key (plain SHA-256 before this key, or
 * another secret) no longer match: a code lives an hour at most, so after an upgrade the tracer issues a new one.
 */
export const EN_CODE_KEY_PURPOSE = 'exposure-verification';
export const EN_CODE_SUBJECT = 'exposure';

/** Unkeyed, for what is no secret to guess: an upload token's rate-limit slot, an upload's body. */
function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Attempts per upload token within an hour, per process (like the other rate limits). */
function attemptCounter(limit: number, windowMs: number) {
  const counts = new Map<string, { n: number; until: number }>();
  return {
    /** Counts one attempt; false when the key is past its limit. */
    take(key: string, now: number): boolean {
      if (counts.size > 100_000) for (const [k, v] of counts) if (v.until <= now) counts.delete(k);
      const c = counts.get(key);
      if (!c || c.until <= now) {
        counts.set(key, { n: 1, until: now + windowMs });
        return true;
      }
      c.n++;
      return c.n <= limit;
    },
  };
}

/** The unit path of a unit, from the admin-units service (`75.731.25993.`), or null. */
async function unitPathOf(adminUnits: AdminUnitsService, unitCode: string | null): Promise<string | null> {
  if (!unitCode) return null;
  const unit = await adminUnits.get(unitCode);
  return `${[...unit.ancestors.map((a) => a.code), unit.code].join('.')}.`;
}

/** Plausible random keys that make a batch's size say nothing about how many people uploaded. */
function paddingKeys(count: number, nowSeconds: number): DiagnosisKey[] {
  const today = Math.floor(enIntervalNumber(nowSeconds) / 144) * 144;
  return Array.from({ length: count }, () => ({
    keyData: randomBytes(16),
    rollingStartIntervalNumber: today - (1 + randomInt(EN_RETENTION_DAYS - 1)) * 144,
    rollingPeriod: 144,
    transmissionRiskLevel: randomInt(9),
    reportType: 1,
  }));
}

export function exposureService(ctx: PlatformContext, repo: ExposureRepo, deps: ExposureDeps) {
  const exportKeys = createExportKeys(repo, ctx.config.greenpassKeySecret);
  const tokenAttempts = attemptCounter(EN_ATTEMPTS_PER_TOKEN, 60 * MINUTE);
  const failureWindowMs = EN_FAILED_VERIFY_WINDOW_MINUTES * MINUTE;
  let lockWarnedAt = 0;

  /**
   * Takes a place among the verifications of the window, for all callers together: the attempt is recorded (and
   * committed) first, then the window counted with it, so however many arrive at once, at most
   * EN_FAILED_VERIFY_LIMIT of them get a code looked up. Past the limit, 429 EN_VERIFY_LOCKED with the seconds
   * until the window has room again. The caller keeps the row when the attempt failed and deletes it otherwise.
   */
  async function takeVerifyAttempt(now: number): Promise<string> {
    const id = await repo.insertVerifyAttempt(new Date(now));
    const since = new Date(now - failureWindowMs);
    if (!(await repo.nthVerifyAttemptSince(since, EN_FAILED_VERIFY_LIMIT + 1))) return id;
    await repo.deleteVerifyAttempt(id);
    // the window has room again when the limit-th newest failure leaves it
    const blocking = await repo.nthVerifyAttemptSince(since, EN_FAILED_VERIFY_LIMIT);
    const retryAfter = Math.max(1, Math.ceil(((blocking?.getTime() ?? now) + failureWindowMs - now) / 1000));
    if (now - lockWarnedAt > MINUTE) {
      lockWarnedAt = now;
      ctx.log.warn(
        { limit: EN_FAILED_VERIFY_LIMIT, windowMinutes: EN_FAILED_VERIFY_WINDOW_MINUTES, retryAfter },
        'exposure: too many failed verifications, verification paused for everyone (codes being guessed?)',
      );
    }
    throw new AppError('EN_VERIFY_LOCKED', 429, { retryAfter }, { minutes: Math.ceil(retryAfter / 60) });
  }

  /** 409 EN_CASE_NO_LONGER_CONFIRMED when the case went back to suspected (the cases module reads it; audited there). */
  async function requireConfirmed(caseId: string): Promise<void> {
    const found = await deps.cases.get(SYSTEM, caseId);
    if (found.status === 'suspected') throw new AppError('EN_CASE_NO_LONGER_CONFIRMED', 409);
  }

  /**
   * Keys waiting to be published whose case went back to suspected (the diagnosis withdrawn after the upload) are
   * deleted, never published, each case's withdrawal audited: phones would otherwise warn their owners of a meeting
   * with someone who, as far as anyone knows now, was not infected. Asked of the cases module before the export's
   * transaction (a case read inside it would wait on the export's own connection on PGlite).
   */
  async function withdrawKeysOfUnconfirmedCases(): Promise<void> {
    const waiting = await repo.casesWithUnpublishedKeys();
    const withdrawn: string[] = [];
    for (const caseId of waiting) {
      // a case gone (404) or set back to suspected; any other failure stops the export (the job runs it again)
      const found = await deps.cases.get(SYSTEM, caseId).catch((err: unknown) => {
        if (err instanceof AppError && err.status === 404) return undefined;
        throw err;
      });
      if (!found || found.status === 'suspected') withdrawn.push(caseId);
    }
    if (withdrawn.length === 0) return;
    await ctx.db.transaction().execute(async (trx) => {
      const dropped = await repo.dropUnpublishedKeys(trx, withdrawn);
      for (const [caseId, keys] of dropped) {
        await ctx.audit.append(trx, {
          actor: SYSTEM,
          action: 'exposure.keys.withdraw',
          resourceType: 'case',
          resourceId: caseId,
          details: { keys, reason: 'case_not_confirmed' },
        });
      }
    });
  }

  /**
   * Publishes the keys whose validity ended at least 2 hours ago as one signed batch (padded with random keys up
   * to EN_MIN_BATCH_KEYS), then deletes keys and batches past retention. With no key waiting, publishes nothing
   * unless `force`.
   */
  async function publish(
    options: { force?: boolean; now?: number } = {},
  ): Promise<{ path: string | null; keys: number; padding: number; held: number; heldUntil: string | null }> {
    const now = options.now ?? Date.now();
    const nowSeconds = Math.floor(now / 1000);
    await withdrawKeysOfUnconfirmedCases();
    const signer = await exportKeys.get();
    const published = await ctx.db.transaction().execute(async (trx) => {
      await repo.lockPublishing(trx);
      const id = await repo.nextBatchId(trx);
      const rows = await repo.claimKeysForBatch(trx, id, enIntervalNumber(nowSeconds) - EN_EMBARGO_INTERVALS);
      // what stays back: keys still valid, or ended less than the embargo ago (GAEN: a key goes out only once no
      // phone broadcasts its identifiers any more), and when the first of them may go
      const held = await repo.heldKeys(trx);
      const heldUntil =
        held.firstEnd === null
          ? null
          : new Date((held.firstEnd + EN_EMBARGO_INTERVALS) * EN_INTERVAL_SECONDS * 1000).toISOString();
      if (rows.length === 0 && !options.force) return { path: null, keys: 0, padding: 0, held: held.count, heldUntil };
      const keys: DiagnosisKey[] = rows.map((r) => ({
        keyData: new Uint8Array(r.key_data),
        rollingStartIntervalNumber: r.rolling_start_interval,
        rollingPeriod: r.rolling_period,
        transmissionRiskLevel: r.transmission_risk,
        reportType: r.report_type,
        ...(r.days_since_onset === null ? {} : { daysSinceOnsetOfSymptoms: r.days_since_onset }),
      }));
      const padding = Math.max(0, EN_MIN_BATCH_KEYS - keys.length);
      const all = [...keys, ...paddingKeys(padding, nowSeconds)];
      // random order: nothing in a batch groups one person's keys or follows their arrival
      for (let i = all.length - 1; i > 0; i--) {
        const j = randomInt(i + 1);
        [all[i], all[j]] = [all[j] as DiagnosisKey, all[i] as DiagnosisKey];
      }
      // the arrival window: every key in it arrived (rounded down to its hour) before the end of this hour
      const end = Math.ceil(nowSeconds / 3600) * 3600;
      const previous = await repo.lastBatchEnd(trx);
      const start = Math.min(end - 3600, previous ? Math.floor(previous.getTime() / 1000) : end - 3600);
      const zip = buildSignedExport(all, { region: EN_REGION, startTimestamp: start, endTimestamp: end, signer });
      const path = `${start}-${end}-${String(id).padStart(5, '0')}.zip`;
      await repo.insertBatch(trx, {
        id,
        path,
        region: EN_REGION,
        start: new Date(start * 1000),
        end: new Date(end * 1000),
        keyCount: keys.length,
        paddingCount: padding,
        zip,
      });
      return { path, keys: keys.length, padding, held: held.count, heldUntil };
    });
    await ctx.db
      .transaction()
      .execute((trx) =>
        repo.deleteExpired(
          trx,
          enIntervalNumber(nowSeconds) - EN_RETENTION_DAYS * 144,
          new Date(now - EN_RETENTION_DAYS * DAY_SECONDS * 1000),
          new Date(now - failureWindowMs),
        ),
      );
    return published;
  }

  return {
    /** A one-time code for a confirmed case, also sent to the F0 by SMS. */
    async issueCode(actor: Actor, caseId: string): Promise<{ code: string; expiresAt: string }> {
      if (!mayEver(exposurePolicy, actor, 'exposure.issueCode')) throw new AppError('FORBIDDEN', 403);
      // the cases module decides whether the actor may see the case at all (404 out of reach; audited)
      const found = await deps.cases.get(actor, caseId);
      authorize(exposurePolicy, actor, 'exposure.issueCode', {
        unitPath: await unitPathOf(deps.adminUnits, found.unitCode),
      });
      if (found.status === 'suspected') throw new AppError('EN_CASE_NOT_CONFIRMED', 409);
      // the global limit on failed verifications is sized for at most this many codes waiting at once
      if ((await repo.countLiveCodes(new Date())) >= EN_MAX_LIVE_CODES)
        throw new AppError('EN_TOO_MANY_LIVE_CODES', 429, { max: EN_MAX_LIVE_CODES });
      const person = await deps.people.get(SYSTEM, found.personId);
      const expiresAt = new Date(Date.now() + EN_CODE_TTL_MINUTES * MINUTE);
      const code = String(randomInt(10 ** EN_CODE_DIGITS)).padStart(EN_CODE_DIGITS, '0');
      // taken before the transaction: without a configured secret the first call reads the generated one
      const key = await ctx.otp.key(EN_CODE_KEY_PURPOSE);
      await ctx.db.transaction().execute(async (trx) => {
        const row = await repo.insertCode(trx, {
          codeHash: key.hash(EN_CODE_SUBJECT, code),
          caseId,
          personId: found.personId,
          unitCode: found.unitCode,
          issuedBy: actor.kind === 'staff' ? actor.userId : null,
          expiresAt,
        });
        if (person.phone) {
          await ctx.notifier.enqueue(trx, {
            channel: 'sms',
            to: person.phone,
            text:
              `Truyvet: ma xac nhan ${code} de gui khoa phoi nhiem Bluetooth tu dien thoai cua ban ` +
              `(hieu luc ${EN_CODE_TTL_MINUTES / 60} gio). Nhap ma trong ung dung de bao cho nguoi da o gan ban.`,
          });
        }
        await ctx.audit.append(trx, {
          actor,
          action: 'exposure.issueCode',
          resourceType: 'case',
          resourceId: caseId,
          unitCode: found.unitCode,
          details: { verificationId: row.id, sms: person.phone !== null },
        });
      });
      ctx.jobs.wake();
      return { code, expiresAt: expiresAt.toISOString() };
    },

    /**
     * Exchanges a code for an upload token: once, before the code expires, while the case is confirmed. A wrong, used
     * or expired code is a failure and counts in the global window (`takeVerifyAttempt`); a right code does not.
     */
    async verify(code: string): Promise<{ token: string; expiresAt: string }> {
      const now = Date.now();
      const key = await ctx.otp.key(EN_CODE_KEY_PURPOSE);
      const codeHash = key.hash(EN_CODE_SUBJECT, code.trim());
      const attempt = await takeVerifyAttempt(now);
      let failed = false;
      const fail = (error: AppError) => {
        failed = true;
        return error;
      };
      try {
        const row = await repo.findCode(codeHash);
        if (!row) throw fail(new AppError('EN_CODE_INVALID', 400));
        if (row.verified_at) throw fail(new AppError('EN_CODE_USED', 409));
        if (row.expires_at.getTime() <= now) throw fail(new AppError('EN_CODE_EXPIRED', 400));
        await requireConfirmed(row.case_id);
        const tokenExpiresAt = new Date(now + EN_TOKEN_TTL_MINUTES * MINUTE);
        // parallel verifications of one code: one marks it, the others find it spent
        if (!(await repo.markVerified(row.id, tokenExpiresAt))) throw fail(new AppError('EN_CODE_USED', 409));
        return {
          token: await issueUploadToken(ctx.keys, row.id, tokenExpiresAt),
          expiresAt: tokenExpiresAt.toISOString(),
        };
      } finally {
        if (!failed) {
          await repo.deleteVerifyAttempt(attempt).catch((err: unknown) => {
            ctx.log.warn({ err }, 'exposure: could not forget a verification attempt');
          });
        }
      }
    },

    /** Stores the phone's keys: all valid or none; one upload per token (its exact retry answers the same). */
    async upload(token: string, keys: readonly UploadKey[]): Promise<{ inserted: number }> {
      const now = Date.now();
      const tokenHash = sha256(token);
      if (!tokenAttempts.take(tokenHash, now)) throw new AppError('EN_TOO_MANY_ATTEMPTS', 429);
      const check = await readUploadToken(ctx.keys, token, now);
      if (!check.ok) throw new AppError(check.reason === 'expired' ? 'EN_TOKEN_EXPIRED' : 'EN_TOKEN_INVALID', 403);
      const valid = validateUpload(keys, Math.floor(now / 1000));
      const verification = await repo.caseOfVerification(check.verificationId);
      if (!verification) throw new AppError('EN_TOKEN_INVALID', 403);
      await requireConfirmed(verification.case_id);
      const bodyHash = sha256(JSON.stringify(keys));
      const result = await ctx.db.transaction().execute(async (trx) => {
        const v = await repo.findVerificationForUpdate(trx, check.verificationId);
        if (!v?.verified_at) return { error: new AppError('EN_TOKEN_INVALID', 403) };
        if (v.uploaded_at) {
          if (v.upload_hash === bodyHash) return { inserted: v.upload_inserted ?? 0 };
          return { error: new AppError('EN_TOKEN_USED', 409) };
        }
        const inserted = await repo.insertKeys(
          trx,
          v.id,
          EN_REGION,
          valid.map((k) => ({
            keyData: k.keyData,
            rollingStart: k.rollingStartIntervalNumber,
            rollingPeriod: k.rollingPeriod,
            transmissionRisk: k.transmissionRiskLevel,
            reportType: k.reportType,
            daysSinceOnset: k.daysSinceOnsetOfSymptoms ?? null,
          })),
        );
        await repo.markUploaded(trx, v.id, bodyHash, inserted);
        await ctx.audit.append(trx, {
          actor: null,
          action: 'exposure.upload',
          resourceType: 'case',
          resourceId: v.case_id,
          details: { keys: valid.length, inserted },
        });
        return { inserted };
      });
      if ('error' in result) throw result.error;
      return result;
    },

    publish,

    /** `publish({ force: true })` for a national admin (the API's "publish now"); audited. */
    async publishNow(actor: Actor) {
      authorize(exposurePolicy, actor, 'exposure.publish', { unitPath: null });
      const result = await publish({ force: true });
      await ctx.audit.record({
        actor,
        action: 'exposure.publish',
        resourceType: 'export_batch',
        details: { path: result.path, keys: result.keys },
      });
      return result;
    },

    /** index.txt: one batch path per line, oldest first (the last 14 days). */
    async index(): Promise<string> {
      const rows = await repo.listBatchPaths(new Date(Date.now() - EN_RETENTION_DAYS * DAY_SECONDS * 1000));
      return rows.map((r) => `${r.path}\n`).join('');
    },

    async exportFile(file: string): Promise<Uint8Array> {
      const row = await repo.findBatchZip(file);
      if (!row) throw new AppError('EN_EXPORT_NOT_FOUND', 404);
      return row.zip;
    },

    /** The key exports are signed with, SPKI PEM (created on first use). */
    async publicKey(): Promise<string> {
      return (await exportKeys.get()).publicKeyPem;
    },

    /**
     * A citizen reports, with consent, the keys their phone matched: each key names the case whose code it was
     * uploaded with; one report per case (the widest window, the highest risk). Keys of no case are ignored. The
     * answer counts the matches received, whatever they named: a count of cases would tell anyone holding published
     * keys which of them are one F0's (undoing the export's shuffling) and which are padding.
     */
    async reportMatches(
      actor: CitizenActor,
      matches: readonly {
        key: string;
        firstSeenAt: string;
        lastSeenAt: string;
        minutes: number;
        risk: number;
        minAttenuation?: number | undefined;
      }[],
    ): Promise<{ reported: number }> {
      const decoded = matches.map((m, i) => {
        try {
          const key = fromBase64(m.key);
          if (key.length === 16) return { ...m, keyData: key };
        } catch {}
        throw new AppError(
          'EN_KEY_INVALID',
          400,
          { index: i, reason: 'key is not 16 bytes of base64' },
          { index: i + 1 },
        );
      });
      const owners = await repo.casesOfKeys(decoded.map((m) => m.keyData));
      const byKey = new Map(owners.map((o) => [Buffer.from(o.key_data).toString('base64'), o]));
      const byCase = new Map<
        string,
        { verificationId: string; first: Date; last: Date; minutes: number; risk: number; att: number | null }
      >();
      for (const m of decoded) {
        const owner = byKey.get(Buffer.from(m.keyData).toString('base64'));
        // one's own keys, uploaded from one's own phone, are no contact
        if (!owner || owner.person_id === actor.personId) continue;
        const first = new Date(m.firstSeenAt);
        const last = new Date(m.lastSeenAt);
        const cur = byCase.get(owner.case_id);
        if (!cur) {
          byCase.set(owner.case_id, {
            verificationId: owner.verification_id,
            first,
            last,
            minutes: m.minutes,
            risk: m.risk,
            att: m.minAttenuation ?? null,
          });
        } else {
          cur.first = first < cur.first ? first : cur.first;
          cur.last = last > cur.last ? last : cur.last;
          cur.minutes += m.minutes;
          cur.risk += m.risk;
          if (m.minAttenuation !== undefined) cur.att = Math.min(cur.att ?? m.minAttenuation, m.minAttenuation);
        }
      }
      if (byCase.size > 0) {
        await ctx.db.transaction().execute(async (trx) => {
          const firstReports: Parameters<CasesService['recordBleContacts']>[2][number][] = [];
          for (const [caseId, r] of byCase) {
            const first = await repo.upsertReport(trx, {
              caseId,
              personId: actor.personId,
              verificationId: r.verificationId,
              firstSeenAt: r.first,
              lastSeenAt: r.last,
              minutes: Math.round(r.minutes * 10) / 10,
              risk: Math.round(r.risk * 10) / 10,
              minAttenuation: r.att,
            });
            if (first) {
              firstReports.push({
                caseId,
                personId: actor.personId,
                firstSeenAt: r.first,
                lastSeenAt: r.last,
                minutes: r.minutes,
              });
            }
            await ctx.audit.append(trx, {
              actor,
              action: 'exposure.reportMatch',
              resourceType: 'case',
              resourceId: caseId,
              details: { personIds: [actor.personId] },
            });
          }
          // the first report of a case and person becomes the case's Bluetooth contact, to confirm: no order and no
          // message until a tracer does. Only the first: the contact's evidence is keyed on its start, which the
          // citizen's phone supplies, so each later report would add another contact row (and bring back one a
          // tracer dismissed); later reports widen the report (above), which the case's tracers see beside it
          await deps.cases.recordBleContacts(trx, SYSTEM, firstReports);
        });
      }
      return { reported: decoded.length };
    },

    /** The Bluetooth contacts citizens reported for a case, with their evidence (tracers in the case's scope). */
    async bleContacts(actor: Actor, caseId: string): Promise<BleContact[]> {
      if (!mayEver(exposurePolicy, actor, 'exposure.readReports')) throw new AppError('FORBIDDEN', 403);
      const found = await deps.cases.get(actor, caseId);
      authorize(exposurePolicy, actor, 'exposure.readReports', {
        unitPath: await unitPathOf(deps.adminUnits, found.unitCode),
      });
      const rows = await repo.reportsForCase(caseId);
      const contacts: BleContact[] = [];
      for (const r of rows) {
        // names and phones only of people the reader may see (the people module decides; audited there)
        const person = await deps.people.get(actor, r.person_id).catch((err: unknown) => {
          if (err instanceof AppError && (err.status === 404 || err.status === 403)) return null;
          throw err;
        });
        contacts.push({
          personId: r.person_id,
          name: person?.name ?? null,
          phone: person?.phone ?? null,
          firstSeenAt: r.first_seen_at.toISOString(),
          lastSeenAt: r.last_seen_at.toISOString(),
          minutes: r.minutes,
          risk: r.risk,
          minAttenuation: r.min_attenuation,
          reportedAt: r.updated_at.toISOString(),
        });
      }
      return contacts;
    },

    /** The next whole hour (the export job runs on the hour). */
    nextHour(now = Date.now()): Date {
      return new Date((Math.floor(now / 3_600_000) + 1) * 3_600_000);
    },
  };
}

export type ExposureService = ReturnType<typeof exposureService>;
