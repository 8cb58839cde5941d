/**
 * Green pass use cases: a citizen's passes (issued or re-issued from the records they rest on, when fetched and when
 * a record changes), the public trust list, revocation list and rules, server-side verification, revocation,
 * rules publishing, statistics.
 *
 * Issuance rests on other modules' records, read through their public services: negative tests (testing's
 * `myTests`), a recovered case (the `cases` table, a declared read) and doses (the vaccination module, when present).
 * Each certificate remembers which record it came from (`source_key`) and a hash of what it says (`source_hash`):
 * when the record is corrected the hash differs, the old certificate is revoked (its UVCI hash joins the revocation
 * list) and a new one is issued; when the record is gone (a negative test corrected, every dose voided) the
 * certificate is withdrawn — in one transaction under a per-person lock, each revocation audited.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { BusinessRule } from '../../../greenpass/certlogic.ts';
import { DEFAULT_RULES, DEFAULT_VALUE_SETS } from '../../../greenpass/default-rules.ts';
import { parseCertificate } from '../../../greenpass/der.ts';
import { decodeHcert, fromBase64, issueHcert, TrustStore, toBase64 } from '../../../greenpass/hcert.ts';
import { makeUvci, vietnameseDccName } from '../../../greenpass/names.ts';
import { nodeCrypto } from '../../../greenpass/node-crypto.ts';
import { checkPass, type PassCheck } from '../../../greenpass/verdict.ts';
import type { DB } from '../../db/types.ts';
import type { CitizenActor, StaffActor } from '../../platform/access.ts';
import { authorize, mayEver } from '../../platform/authorize.ts';
import { canonicalJson } from '../../platform/canonical-json.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { localDate, localDateText } from '../../platform/sms.ts';
import type { PeopleService } from '../people/index.ts';
import type { TestingService } from '../testing/index.ts';
import type { CertificateDose } from '../vaccination/index.ts';
import {
  GP_CODES,
  GP_COUNTRY,
  GP_ISSUER,
  GP_RECOVERY_FROM_DAYS,
  GP_RECOVERY_UNTIL_DAYS,
  GP_TEST_VALID_HOURS,
  GP_UVCI_ENTITY,
  GP_VACCINATION_VALID_DAYS,
  GP_VACCINATION_WAIT_DAYS,
  type GpStatus,
  type GpType,
} from './constants.ts';
import type { SignerKeyStore } from './keys.ts';
import type { PassPdfPool } from './pass-pdf-pool.ts';
import { greenpassPolicy } from './policy.ts';
import type { CertificateRow, GreenpassRepo } from './repo.ts';

const DAY = 86_400_000;
const crypto = nodeCrypto();
/** The rules and the signer key are national: only a grant of national scope reaches them (else 404, as out of scope). */
const NATIONAL = { unitPath: null };

/** What greenpass needs of the vaccination module (its public index), when that module is present. */
export interface VaccinationSource {
  dosesForCertificate(personId: string): Promise<CertificateDose[]>;
}

export interface GreenpassDeps {
  people: PeopleService;
  testing: TestingService;
  vaccination?: VaccinationSource;
}

export interface PassItem {
  type: GpType;
  qr: string;
  validFrom: string;
  validUntil: string;
  /** In words, Vietnamese ("Đã tiêm đủ 2/2 mũi", "Âm tính đến 07/12/2026 10:00"). */
  summary: string;
  status: GpStatus;
  certificateId: string;
  uvci: string;
}

interface Holder {
  id: string;
  name: string;
  birthYear: number | null;
  birthDate: string | null;
}

/** What one certificate would say: the DCC entry without its `ci`, and its validity. */
interface Draft {
  type: GpType;
  sourceKey: string;
  entry: Record<string, unknown>;
  validFrom: Date;
  validUntil: Date;
  status: GpStatus;
  summary: string;
}

function sha256b64(text: string): string {
  return createHash('sha256').update(text).digest('base64');
}

/**
 * True when a certificate states the record the draft would: its DCC entry, read back from its own QR, without the
 * UVCI. The holder's name and birth are not compared — a renamed holder is not a changed record. A certificate that
 * cannot be read back counts as the same (an officer's revocation holds rather than lapses).
 */
function sameSource(cert: CertificateRow, draft: Draft): boolean {
  try {
    const entries = (decodeHcert(cert.qr).claims.dcc as Record<string, unknown>)[draft.type];
    const entry = Array.isArray(entries) ? (entries[0] as unknown) : undefined;
    if (entry === null || typeof entry !== 'object') return true;
    const { ci: _ci, ...stated } = entry as Record<string, unknown>;
    return canonicalJson(stated) === canonicalJson(draft.entry);
  } catch {
    return true;
  }
}

export function greenpassService(
  ctx: PlatformContext,
  deps: GreenpassDeps & { repo: GreenpassRepo; keys: SignerKeyStore; pdfs: () => PassPdfPool },
) {
  const { repo, keys, people, testing, pdfs } = deps;

  function dccFor(holder: Holder, draft: Draft, uvci: string): Record<string, unknown> {
    return {
      ver: '1.3.0',
      nam: vietnameseDccName(holder.name),
      dob: holder.birthDate ?? (holder.birthYear ? String(holder.birthYear) : ''),
      [draft.type]: [{ ...draft.entry, ci: uvci }],
    };
  }

  function testDrafts(
    personId: string,
    tests: Awaited<ReturnType<TestingService['myTests']>>['items'],
    now: Date,
  ): Draft[] {
    const out: Draft[] = [];
    for (const t of tests) {
      if (t.personId !== personId || t.result !== 'negative') continue;
      const collected = new Date(t.collectedAt);
      const pcr = t.kind !== 'antigen';
      const until = new Date(collected.getTime() + GP_TEST_VALID_HOURS[pcr ? 'pcr' : 'antigen'] * 3600_000);
      if (until <= now) continue;
      out.push({
        type: 't',
        sourceKey: `t:${t.sampleId}`,
        entry: {
          tg: GP_CODES.disease,
          tt: pcr ? GP_CODES.testNaat : GP_CODES.testRat,
          ...(pcr ? { nm: 'RT-PCR' } : {}),
          sc: collected.toISOString().replace(/\.\d{3}Z$/, 'Z'),
          tr: GP_CODES.notDetected,
          tc: (t.labName ?? 'Truyvet').slice(0, 80),
          co: GP_COUNTRY,
          is: GP_ISSUER,
        },
        validFrom: collected,
        validUntil: until,
        status: 'test-negative',
        summary: `Âm tính đến ${localDateText(until)}`,
      });
    }
    // every negative test still valid: the newest two are the pass (a verifier takes either), older ones stand
    return out;
  }

  async function recoveryDraft(personId: string, now: Date): Promise<Draft | undefined> {
    const c = await repo.recoveredCase(personId);
    if (!c) return undefined;
    const fr = new Date(`${localDate(c.positiveAt)}T00:00:00Z`);
    const from = new Date(fr.getTime() + GP_RECOVERY_FROM_DAYS * DAY);
    const until = new Date(fr.getTime() + GP_RECOVERY_UNTIL_DAYS * DAY);
    if (now < from || now >= until) return undefined;
    return {
      type: 'r',
      sourceKey: `r:${c.id}`,
      entry: {
        tg: GP_CODES.disease,
        fr: localDate(fr),
        co: GP_COUNTRY,
        is: GP_ISSUER,
        df: localDate(from),
        du: localDate(until),
      },
      validFrom: from,
      validUntil: until,
      status: 'recovered',
      summary: `Đã khỏi bệnh, có giá trị đến ${localDateText(until, false)}`,
    };
  }

  async function vaccinationDraft(personId: string): Promise<Draft | undefined> {
    if (!deps.vaccination) return undefined;
    const doses = await deps.vaccination.dosesForCertificate(personId);
    if (doses.length === 0) return undefined;
    // the certificate states the latest dose (DCC: one entry, dose n of m)
    const last = [...doses].sort(
      (a, b) => new Date(a.givenAt).getTime() - new Date(b.givenAt).getTime() || a.doseNumber - b.doseNumber,
    )[doses.length - 1] as CertificateDose;
    const given = new Date(last.givenAt);
    const full = last.doseNumber >= last.dosesInPrimarySeries;
    const from = full ? new Date(given.getTime() + GP_VACCINATION_WAIT_DAYS * DAY) : given;
    return {
      type: 'v',
      sourceKey: 'v',
      entry: {
        tg: GP_CODES.disease,
        vp: last.euProphylaxisCode,
        mp: last.euProductCode,
        ma: last.euManufacturerCode,
        dn: last.doseNumber,
        sd: last.dosesInPrimarySeries,
        dt: localDate(given),
        co: (last.country || GP_COUNTRY).slice(0, 10),
        is: GP_ISSUER,
      },
      validFrom: from,
      validUntil: new Date(given.getTime() + GP_VACCINATION_VALID_DAYS * DAY),
      status: full ? 'vaccinated-full' : 'vaccinated-partial',
      summary: full
        ? `Đã tiêm đủ ${last.doseNumber}/${last.dosesInPrimarySeries} mũi`
        : `Đã tiêm ${last.doseNumber}/${last.dosesInPrimarySeries} mũi`,
    };
  }

  /** A revocation the system makes (a record changed or is gone), audited as `greenpass.revoke`, inside `trx`. */
  async function revokeAsSystem(
    trx: Transaction<DB>,
    personId: string,
    cert: CertificateRow,
    reason: 'superseded' | 'withdrawn',
  ): Promise<void> {
    if (!(await repo.revoke(trx, cert.id, reason))) return;
    await ctx.audit.append(trx, {
      actor: { kind: 'system', name: 'greenpass' },
      action: 'greenpass.revoke',
      resourceType: 'green_pass',
      resourceId: cert.id,
      details: { personIds: [personId], reason, type: cert.type },
    });
  }

  /**
   * Makes the person's current certificates say what their records say: issues what is missing, re-issues (revoking
   * the old) what changed, withdraws a certificate whose record no longer supports one, and leaves a certificate an
   * officer revoked revoked. Returns the certificates in force.
   *
   * `scope.types`: the types whose records were all read for `drafts` — a live certificate of those types whose
   * source is neither drafted nor in `scope.backed` (records that still hold but are not shown: an older negative
   * test) is withdrawn. Only certificates in `scope.seen` (read before the records were) are withdrawn, so a
   * certificate a concurrent call issued from newer records than ours is left to the next call. `scope.readAt`: when
   * the records were about to be read — a certificate withdrawn since then was withdrawn on newer records than ours
   * (a lab's correction committed while this call read the old result), so its source is not issued again here.
   */
  async function reconcile(
    holder: Holder,
    drafts: Draft[],
    now: Date,
    scope: { types: readonly GpType[]; backed?: readonly string[]; seen: ReadonlySet<string>; readAt?: Date },
  ): Promise<CertificateRow[]> {
    const signer = await keys.active();
    const kid = toBase64(signer.kid);
    return ctx.db.transaction().execute(async (trx) => {
      await repo.lockPerson(trx, holder.id);
      const existing = await repo.currentCertificates(holder.id, trx);
      const current: CertificateRow[] = [];
      // the record is gone (a negative test corrected to positive, every dose voided, a case reopened): withdrawn
      const sources = new Set([...drafts.map((d) => d.sourceKey), ...(scope.backed ?? [])]);
      for (const c of existing) {
        if (c.revoked_at !== null || !scope.types.includes(c.type) || sources.has(c.source_key)) continue;
        if (c.valid_until <= now || !scope.seen.has(c.id)) continue;
        await revokeAsSystem(trx, holder.id, c, 'withdrawn');
      }
      for (const draft of drafts) {
        const hash = sha256b64(JSON.stringify([holder.name, holder.birthYear, holder.birthDate, draft.entry]));
        const same = existing.filter((c) => c.source_key === draft.sourceKey);
        const readAt = scope.readAt;
        if (readAt && same.some((c) => c.revoke_reason === 'withdrawn' && c.revoked_at && c.revoked_at > readAt))
          continue;
        const live = same.find((c) => c.revoked_at === null);
        // revoked by an officer and the record has not changed since (the record alone: a new name is no change):
        // nothing is issued in its place, and whatever was issued after it goes too
        if (same.some((c) => c.revoke_reason === 'revoked' && sameSource(c, draft))) {
          if (live) await revokeAsSystem(trx, holder.id, live, 'superseded');
          continue;
        }
        if (live && live.source_hash === hash) {
          current.push(live);
          continue;
        }
        if (live) await revokeAsSystem(trx, holder.id, live, 'superseded');
        const uvci = makeUvci(GP_UVCI_ENTITY, randomBytes(13).toString('hex').toUpperCase());
        const dcc = dccFor(holder, draft, uvci);
        const expiresAt = draft.validUntil;
        const qr = await issueHcert({
          dcc,
          issuer: GP_COUNTRY,
          issuedAt: now,
          expiresAt,
          kid: signer.kid,
          alg: signer.alg,
          sign: signer.sign,
        });
        const row = await repo.insertCertificate(trx, {
          person_id: holder.id,
          type: draft.type,
          source_key: draft.sourceKey,
          source_hash: hash,
          uvci,
          uvci_hash: sha256b64(uvci),
          kid,
          qr,
          summary: { status: draft.status, text: draft.summary },
          valid_from: draft.validFrom,
          valid_until: draft.validUntil,
        });
        await ctx.audit.append(trx, {
          actor: { kind: 'system', name: 'greenpass' },
          action: 'greenpass.issue',
          resourceType: 'green_pass',
          resourceId: row.id,
          details: { personIds: [holder.id], type: draft.type },
        });
        current.push(row);
      }
      return current;
    });
  }

  function toItem(row: CertificateRow): PassItem {
    const s = (row.summary ?? {}) as { status?: GpStatus; text?: string };
    return {
      type: row.type,
      qr: row.qr,
      validFrom: row.valid_from.toISOString(),
      validUntil: row.valid_until.toISOString(),
      summary: s.text ?? '',
      status: s.status ?? 'test-negative',
      certificateId: row.id,
      uvci: row.uvci,
    };
  }

  /** The holder (the citizen or one of their dependants: 404 for anyone else) and their certificates in force. */
  async function passesOf(actor: CitizenActor, personId?: string): Promise<{ holder: Holder; rows: CertificateRow[] }> {
    let holder: Holder;
    if (!personId || personId === actor.personId) {
      const me = await people.myProfile(actor);
      holder = { id: me.id, name: me.name, birthYear: me.birthYear ?? null, birthDate: me.birthDate ?? null };
    } else {
      const dependant = (await people.myDependants(actor)).find((d) => d.id === personId);
      if (!dependant) throw new AppError('GREENPASS_NOT_FOUND', 404);
      holder = {
        id: dependant.id,
        name: dependant.name,
        birthYear: dependant.birthYear ?? null,
        birthDate: dependant.birthDate ?? null,
      };
    }
    // the certificates as they were before the records were read: only these may be withdrawn (see reconcile)
    const readAt = new Date();
    const before = await repo.currentCertificates(holder.id);
    const seen = new Set(before.map((c) => c.id));
    const now = new Date();
    const drafts: Draft[] = [];
    const v = await vaccinationDraft(holder.id);
    if (v) drafts.push(v);
    const tests = testDrafts(holder.id, (await testing.myTests(actor)).items, now);
    drafts.push(...tests.slice(0, 2));
    const r = await recoveryDraft(holder.id, now);
    if (r) drafts.push(r);
    // nothing to issue and nothing to withdraw: no transaction
    if (drafts.length === 0 && !before.some((c) => c.revoked_at === null)) return { holder, rows: [] };
    const rows = await reconcile(holder, drafts, now, {
      types: deps.vaccination ? ['v', 't', 'r'] : ['t', 'r'],
      backed: tests.map((t) => t.sourceKey),
      seen,
      readAt,
    });
    return { holder, rows };
  }

  async function rulesInForce(): Promise<{ rules: BusinessRule[]; valueSets: Record<string, string[]> }> {
    const [r, v] = await Promise.all([repo.latestRules('rules'), repo.latestRules('value-sets')]);
    return {
      rules: (r?.body as BusinessRule[] | undefined) ?? DEFAULT_RULES,
      valueSets: (v?.body as Record<string, string[]> | undefined) ?? DEFAULT_VALUE_SETS,
    };
  }

  async function trustStore(): Promise<TrustStore> {
    const trusted = await keys.trusted();
    return new TrustStore(
      trusted.map((t) => ({ kid: fromBase64(t.kid), certificate: parseCertificate(t.certificateDer) })),
    );
  }

  /**
   * Re-issues a person's vaccination certificate from their record, if they hold one (an event's handler); withdraws
   * it when no valid dose is left.
   */
  async function reissueVaccination(personId: string): Promise<void> {
    const readAt = new Date();
    const existing = await repo.currentCertificates(personId);
    if (!existing.some((c) => c.type === 'v' && c.revoked_at === null)) return;
    const person = await repo.holder(personId);
    if (!person || !deps.vaccination) return;
    const draft = await vaccinationDraft(personId);
    await reconcile(person, draft ? [draft] : [], new Date(), {
      types: ['v'],
      seen: new Set(existing.map((c) => c.id)),
      readAt,
    });
  }

  /**
   * Re-issues a person's test certificates from their tests, if they hold one (the handler of a corrected result):
   * one whose test is no longer a valid negative is withdrawn, audited, under the person's lock (`reconcile`).
   */
  async function reissueTests(personId: string): Promise<void> {
    const readAt = new Date();
    const existing = await repo.currentCertificates(personId);
    if (!existing.some((c) => c.type === 't' && c.revoked_at === null)) return;
    const person = await repo.holder(personId);
    if (!person) return;
    const now = new Date();
    const tests = testDrafts(personId, (await testing.testsForCertificate(personId)).items, now);
    await reconcile(person, tests.slice(0, 2), now, {
      types: ['t'],
      backed: tests.map((t) => t.sourceKey),
      seen: new Set(existing.map((c) => c.id)),
      readAt,
    });
  }

  return {
    /** The citizen's passes, or a dependant's (`personId`): 404 for anyone else (no existence oracle). */
    async myPasses(actor: CitizenActor, personId?: string): Promise<{ items: PassItem[] }> {
      const { holder, rows } = await passesOf(actor, personId);
      await ctx.audit.record({
        actor,
        action: 'greenpass.read',
        resourceType: 'person',
        resourceId: holder.id,
        details: { personIds: [holder.id], certificates: rows.length },
      });
      return { items: rows.map(toItem) };
    },

    /**
     * The printable pass (PDF): the same certificates as `myPasses`, a page each, with the holder's name and birth
     * date, the status in words and the validity. Audited as `greenpass.pdf` (a printed copy leaves the system).
     */
    async myPassPdf(actor: CitizenActor, personId?: string): Promise<{ pdf: Buffer; filename: string }> {
      const { holder, rows } = await passesOf(actor, personId);
      const now = new Date();
      const items = rows
        .filter((r) => r.valid_until > now)
        .map((r) => {
          const item = toItem(r);
          return {
            type: item.type,
            qr: item.qr,
            summary: item.summary,
            validFrom: r.valid_from,
            validUntil: r.valid_until,
            uvci: item.uvci,
          };
        });
      const pdf = await pdfs().render({
        name: holder.name,
        birth: holder.birthDate ?? (holder.birthYear ? String(holder.birthYear) : ''),
        items,
        now,
      });
      await ctx.audit.record({
        actor,
        action: 'greenpass.pdf',
        resourceType: 'person',
        resourceId: holder.id,
        details: { personIds: [holder.id], certificates: items.length },
      });
      return { pdf, filename: `the-xanh-${localDate(now)}.pdf` };
    },

    /**
     * Re-issues a person's vaccination certificate after their doses changed (the vaccination module's event):
     * only when one was issued before — a citizen who never fetched a pass gets one when they do.
     */
    /** Issues (or keeps) a person's vaccination certificate on the system's behalf: the demo seed. */
    async issueVaccination(personId: string): Promise<boolean> {
      const holder = await repo.holder(personId);
      const draft = holder ? await vaccinationDraft(personId) : undefined;
      if (!holder || !draft) return false;
      await reconcile(holder, [draft], new Date(), { types: ['v'], seen: new Set() });
      return true;
    },

    /**
     * `reissueVaccination` for the people of many events at once (the worker's batch): one look-up finds those who
     * hold a live vaccination certificate — most people whose record changed have none — and only they are re-issued.
     */
    async reissueVaccinations(personIds: string[]): Promise<void> {
      for (const personId of await repo.withLiveCertificate([...new Set(personIds)], 'v')) {
        await reissueVaccination(personId);
      }
    },

    reissueVaccination,

    /** `reissueTests` for the people of corrected results (the worker's batch of events), one after another. */
    async reissueTests(personIds: string[]): Promise<void> {
      for (const personId of personIds) await reissueTests(personId);
    },

    async trustList() {
      await keys.active(); // the first key exists before anyone can be handed a pass
      const trusted = await keys.trusted();
      return {
        certificates: trusted.map((t) => ({
          kid: t.kid,
          certificate: Buffer.from(t.certificateDer).toString('base64'),
          validFrom: t.validFrom.toISOString(),
          validUntil: t.validUntil.toISOString(),
        })),
      };
    },

    async revocations() {
      const r = await repo.revokedHashes(new Date());
      return { hashes: r.hashes, updatedAt: (r.updatedAt ?? new Date(0)).toISOString() };
    },

    async rules() {
      return rulesInForce();
    },

    /** Verifies a QR text as a checkpoint would; bad content is an answer (valid: false), never an error. */
    async verify(qr: string, lang = 'vi'): Promise<PassCheck> {
      const [trust, revoked, { rules, valueSets }] = await Promise.all([
        trustStore(),
        repo.revokedHashes(new Date()),
        rulesInForce(),
      ]);
      const result = await checkPass(qr, {
        trust,
        crypto,
        revoked: new Set(revoked.hashes),
        rules,
        valueSets,
        lang,
      });
      await repo.recordVerification(result.verdict, result.reason);
      return result;
    },

    /** Puts a certificate on the revocation list (health workers, admins); its record stays revoked. */
    async revoke(actor: StaffActor, uvci: string, reason?: string) {
      // the revocation list is national: the role decides, wherever the health worker works
      if (!mayEver(greenpassPolicy, actor, 'greenpass.revoke')) throw new AppError('FORBIDDEN', 403);
      const cert = await repo.findByUvci(uvci.trim());
      if (!cert) throw new AppError('GREENPASS_NOT_FOUND', 404);
      await ctx.db.transaction().execute(async (trx) => {
        const done = await repo.revoke(trx, cert.id, 'revoked');
        if (!done) throw new AppError('GREENPASS_ALREADY_REVOKED', 409);
        await ctx.audit.append(trx, {
          actor,
          action: 'greenpass.revoke',
          resourceType: 'green_pass',
          resourceId: cert.id,
          details: { personIds: [cert.person_id], reason: (reason ?? 'revoked').slice(0, 200), type: cert.type },
        });
      });
      return { uvci: cert.uvci, revokedAt: new Date().toISOString() };
    },

    /** Publishes rules and/or value sets: national administrators only (every verifier in the country applies them). */
    async publishRules(actor: StaffActor, input: { rules?: BusinessRule[]; valueSets?: Record<string, string[]> }) {
      authorize(greenpassPolicy, actor, 'greenpass.admin', NATIONAL);
      if (input.rules) await repo.publishRules('rules', input.rules, actor.userId);
      if (input.valueSets) await repo.publishRules('value-sets', input.valueSets, actor.userId);
      await ctx.audit.record({ actor, action: 'greenpass.rules.publish', resourceType: 'green_pass_rules' });
      return rulesInForce();
    },

    /** Rotates the national document-signer key: national administrators only. */
    async rotateKey(actor: StaffActor) {
      authorize(greenpassPolicy, actor, 'greenpass.admin', NATIONAL);
      const signer = await keys.rotate();
      await ctx.audit.record({ actor, action: 'greenpass.key.rotate', resourceType: 'green_pass_key' });
      return { kid: toBase64(signer.kid) };
    },

    async stats(actor: StaffActor, days: number) {
      if (!mayEver(greenpassPolicy, actor, 'greenpass.stats')) throw new AppError('FORBIDDEN', 403);
      const from = new Date(Date.now() - days * DAY);
      return { days: await repo.dailyStats(from) };
    },
  };
}

export type GreenpassService = ReturnType<typeof greenpassService>;
