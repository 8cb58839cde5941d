/**
 * Set-based tracing: the contacts of any number of cases found, stored and notified with a fixed number of
 * statements (two finder queries, a few lookups, one INSERT per table), however many cases and contacts there are.
 * One case re-traced after a late check-in and 1,000 cases opened in a burst take the same code path.
 *
 * For each case:
 *   degree 1: venue co-presence in the case's exposure window, household members, and the manual/BLE contacts
 *             already stored;
 *   degree 2: the same for each F1, from their first exposure until now (they are not isolated yet), minus the F0
 *             and the case's F1s;
 *   people found for the first time in that case get a message (F1: a quarantine order too); what they see in the app
 *   (the `exposure_notices` view) is read from their evidence.
 * Evidence resting only on a weak check-in (typed in with nothing proving presence, `typed_unverified`: the F0's stay
 * or the contact's) is stored `pending` — listed for the tracer "to confirm", no order, no message, not shown to the
 * citizen — until a tracer confirms it (`confirmContact`); strong evidence (a QR, a door code, staff typing) is
 * `confirmed` at once. A person is told once per case: when their first confirmed evidence arrives. F2 are traced
 * only from confirmed F1 (confirming an F1 re-traces the case).
 * Tracing is idempotent: evidence rows are unique, so a re-run stores only what is new and notifies only new people.
 */
import type { Transaction } from 'kysely';
import type { ContactVia, DB } from '../../db/types.ts';
import { AppError } from '../../platform/errors.ts';
import type { Notifier, OutgoingMessage } from '../../platform/notify.ts';
import { localDate, smsText } from '../../platform/sms.ts';
import { findVenueContacts, type IndexWindow } from '../checkins/index.ts';
import type { CaseRow, CasesRepo, EvidenceRow, NewQuarantineOrder, Rule } from './repo.ts';

const DAY = 86_400_000;

export interface TraceSummary {
  f1: number;
  f2: number;
  newF1: number;
  newF2: number;
}

export type { CaseRow, Rule } from './repo.ts';

/** A piece of evidence found (or named in an interview), before tracing decides its confirmation and follow-up. */
export interface Evidence {
  case_id: string;
  person_id: string;
  degree: 1 | 2;
  via_type: ContactVia;
  venue_id: string | null;
  zone_id: string | null;
  overlap_start: Date | null;
  overlap_end: Date | null;
  overlap_minutes: number | null;
  through_person_id: string | null;
  /** interview contacts: the tracer's note and who follows the contact up */
  note?: string | null;
  assigned_tracer_id?: string | null;
  /** found only through weak evidence: stored pending ("to confirm"), nobody told (absent = strong) */
  weak?: boolean;
}

/** The exposure window: N days before onset (or sample date, or confirmation) until isolation (or confirmation). */
export function exposureWindow(
  c: Pick<CaseRow, 'onset_at' | 'sample_at' | 'confirmed_at' | 'isolated_at' | 'created_at'>,
  lookbackDays: number,
) {
  const anchor = c.onset_at ?? c.sample_at ?? c.confirmed_at ?? c.created_at;
  const end = c.isolated_at ?? c.confirmed_at ?? new Date();
  return { from: new Date(anchor.getTime() - lookbackDays * DAY), to: end };
}

function ddmm(d: Date): string {
  const s = localDate(d);
  return `${s.slice(8, 10)}/${s.slice(5, 7)}`;
}

function groupBy<T, K>(items: T[], key: (t: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = out.get(k);
    if (list) list.push(it);
    else out.set(k, [it]);
  }
  return out;
}

/**
 * Cases the caller has just created in this transaction, with their rules: nothing to read back, and no contacts
 * can be stored for them yet (the opener saves three statements per batch this way).
 */
export interface NewCases {
  cases: CaseRow[];
  rules: Rule[];
}

/** The identity of a piece of evidence (the columns of `contacts_evidence_uniq`). */
const evidenceKey = (e: Evidence) =>
  [
    e.case_id,
    e.person_id,
    e.degree,
    e.via_type,
    e.venue_id ?? '',
    e.overlap_start?.toISOString() ?? '',
    e.through_person_id ?? '',
  ].join('|');

/** The evidence a person is told about: their strongest (F1 before F2, then the earliest exposure). */
const stronger = (e: Evidence, cur: Evidence | undefined) =>
  !cur ||
  e.degree < cur.degree ||
  (e.degree === cur.degree && (e.overlap_start?.getTime() ?? 0) < (cur.overlap_start?.getTime() ?? 0));

type Reach = Map<string, { phone: string | null; unit_code: string | null }>;

/**
 * Tracing over the module's repository and the check-ins finder, built once per app. Every function runs in the
 * caller's transaction.
 */
export function createTracing(repo: CasesRepo, notifier: Notifier) {
  /**
   * Traces the given cases inside the caller's transaction; returns each case's summary. Marks them traced unless
   * `created` is given (the opener sets `traced_at` with the display code).
   */
  async function traceCases(
    trx: Transaction<DB>,
    caseIds: string[],
    created?: NewCases,
  ): Promise<Map<string, TraceSummary>> {
    const summaries = new Map<string, TraceSummary>();
    if (caseIds.length === 0) return summaries;
    const now = new Date();
    const cases: CaseRow[] = created?.cases ?? (await repo.findForTracing(caseIds, trx));
    const rules = new Map<number, Rule>(
      (created?.rules ?? (await repo.findRules([...new Set(cases.map((c) => c.rule_version))], trx))).map((r) => [
        r.version,
        r,
      ]),
    );
    const ruleFor = (c: CaseRow) => rules.get(c.rule_version) as Rule;
    const windows = new Map(cases.map((c) => [c.id, exposureWindow(c, ruleFor(c).lookback_days)]));
    const caseById = new Map(cases.map((c) => [c.id, c]));

    // what the cases have already: earlier tracing, manual and BLE contacts
    const existing = created ? [] : await repo.findEvidence(caseIds, trx);
    // who was told already: people with confirmed evidence (pending and dismissed ones were not)
    const before = new Set(
      existing.filter((r) => r.confirmation === 'confirmed').map((r) => `${r.case_id}|${r.person_id}`),
    );

    // degree 1: one finder query per rule version (there is usually one), and households
    const found: Evidence[] = [];
    for (const [version, group] of groupBy(cases, (c) => c.rule_version)) {
      const rule = rules.get(version) as Rule;
      const venue1 = await findVenueContacts(
        trx,
        group.map((c) => ({ personId: c.person_id, ...(windows.get(c.id) as { from: Date; to: Date }), tag: c.id })),
        rule.min_overlap_minutes,
      );
      for (const e of venue1) {
        found.push({
          case_id: e.tag as string,
          person_id: e.personId,
          degree: 1,
          via_type: 'venue',
          venue_id: e.venueId,
          zone_id: e.zoneId,
          overlap_start: e.overlapStart,
          overlap_end: e.overlapEnd,
          overlap_minutes: e.overlapMinutes,
          through_person_id: null,
          weak: e.weak,
        });
      }
    }
    const casesByPerson = groupBy(cases, (c) => c.person_id);
    for (const h of await repo.findHouseholdMembers([...casesByPerson.keys()], trx)) {
      for (const c of casesByPerson.get(h.indexPersonId) ?? []) {
        found.push({
          case_id: c.id,
          person_id: h.personId,
          degree: 1,
          via_type: 'household',
          venue_id: null,
          zone_id: null,
          overlap_start: null,
          overlap_end: null,
          overlap_minutes: null,
          through_person_id: null,
        });
      }
    }

    // each case's F1s (found now or stored before, whatever their confirmation: none of them is also an F2), and its
    // confirmed F1s with when each was first exposed (only they are traced further: an F1 "to confirm" may never have
    // been there)
    const f1 = new Map<string, Set<string>>(cases.map((c) => [c.id, new Set()]));
    const confirmedF1 = new Map<string, Map<string, number>>(cases.map((c) => [c.id, new Map()]));
    const firstExposure = (caseId: string, personId: string, start: Date | null, confirmed: boolean) => {
      const c = caseById.get(caseId) as CaseRow;
      (f1.get(caseId) as Set<string>).add(personId);
      if (!confirmed) return;
      const t = (start ?? (windows.get(c.id) as { from: Date }).from).getTime();
      const m = confirmedF1.get(caseId) as Map<string, number>;
      m.set(personId, Math.min(m.get(personId) ?? t, t));
    };
    for (const r of existing)
      if (r.degree === 1) firstExposure(r.case_id, r.person_id, r.overlap_start, r.confirmation === 'confirmed');
    for (const r of found) firstExposure(r.case_id, r.person_id, r.overlap_start, !r.weak);

    // degree 2: every F1 of every case in one finder query per rule version (tagged with the case), and households
    for (const [version, group] of groupBy(
      cases.filter((c) => ruleFor(c).include_f2),
      (c) => c.rule_version,
    )) {
      const rule = rules.get(version) as Rule;
      const indexes: IndexWindow[] = [];
      for (const c of group)
        for (const [personId, t] of confirmedF1.get(c.id) as Map<string, number>)
          indexes.push({ personId, from: new Date(t), to: now, tag: c.id });
      const venue2 = await findVenueContacts(trx, indexes, rule.min_overlap_minutes);
      for (const e of venue2) {
        const caseId = e.tag as string;
        const c = caseById.get(caseId) as CaseRow;
        if (e.personId === c.person_id || (f1.get(caseId) as Set<string>).has(e.personId)) continue;
        found.push({
          case_id: caseId,
          person_id: e.personId,
          degree: 2,
          via_type: 'venue',
          venue_id: e.venueId,
          zone_id: e.zoneId,
          overlap_start: e.overlapStart,
          overlap_end: e.overlapEnd,
          overlap_minutes: e.overlapMinutes,
          through_person_id: e.indexPersonId,
          weak: e.weak,
        });
      }
      const f1People = [...new Set(indexes.map((i) => i.personId))];
      const households = groupBy(await repo.findHouseholdMembers(f1People, trx), (h) => h.indexPersonId);
      for (const c of group) {
        const mine = f1.get(c.id) as Set<string>;
        for (const f of (confirmedF1.get(c.id) as Map<string, number>).keys()) {
          for (const h of households.get(f) ?? []) {
            if (h.personId === c.person_id || mine.has(h.personId)) continue;
            found.push({
              case_id: c.id,
              person_id: h.personId,
              degree: 2,
              via_type: 'household',
              venue_id: null,
              zone_id: null,
              overlap_start: null,
              overlap_end: null,
              overlap_minutes: null,
              through_person_id: f,
            });
          }
        }
      }
    }

    const fresh = await storeContacts(trx, found, before, (caseId) => ruleFor(caseById.get(caseId) as CaseRow));
    if (!created) await repo.markTraced(caseIds, now, trx);

    for (const c of cases) {
      const d1 = new Set<string>();
      const d2 = new Set<string>();
      for (const r of [...existing, ...found]) {
        // a contact a tracer dismissed is no contact
        if (r.case_id !== c.id || ('confirmation' in r && r.confirmation === 'dismissed')) continue;
        (r.degree === 1 ? d1 : d2).add(r.person_id);
      }
      summaries.set(c.id, { f1: d1.size, f2: d2.size, newF1: 0, newF2: 0 });
    }
    for (const e of fresh) {
      const s = summaries.get(e.case_id) as TraceSummary;
      if (e.degree === 1) s.newF1++;
      else s.newF2++;
    }
    return summaries;
  }

  /**
   * Stores contact evidence and gives people their quarantine order (F1) and message the first time they have
   * confirmed evidence in a case. `before` holds `caseId|personId` of everyone the cases have told already (people
   * with confirmed evidence). Weak evidence is stored pending and tells no one. Evidence already stored is skipped,
   * except that strong evidence confirms the same evidence stored pending. Returns, per newly told (case, person),
   * the evidence they were told about.
   */
  async function storeContacts(
    trx: Transaction<DB>,
    found: Evidence[],
    before: Set<string>,
    ruleOf: (caseId: string) => Rule,
  ): Promise<Evidence[]> {
    if (found.length === 0) return [];
    // one row per piece of evidence, strong over weak: an INSERT … ON CONFLICT DO UPDATE may touch a row only once
    const unique = new Map<string, Evidence>();
    for (const e of found) {
      const k = evidenceKey(e);
      const cur = unique.get(k);
      if (!cur || (cur.weak && !e.weak)) unique.set(k, e);
    }
    const rows = [...unique.values()];
    const people = await repo.findReach(
      rows.map((f) => f.person_id),
      trx,
    );
    const fresh = new Map<string, Evidence>();
    for (const e of rows) {
      const key = `${e.case_id}|${e.person_id}`;
      if (e.weak || before.has(key)) continue;
      if (stronger(e, fresh.get(key))) fresh.set(key, e);
    }
    const reachable = (personId: string) => !!people.get(personId)?.phone;
    const told = (e: Evidence) => !e.weak && !before.has(`${e.case_id}|${e.person_id}`) && reachable(e.person_id);

    await repo.insertEvidence(
      rows.map(
        (e): EvidenceRow => ({
          case_id: e.case_id,
          person_id: e.person_id,
          degree: e.degree,
          via_type: e.via_type,
          venue_id: e.venue_id,
          zone_id: e.zone_id,
          overlap_start: e.overlap_start,
          overlap_end: e.overlap_end,
          overlap_minutes: e.overlap_minutes,
          through_person_id: e.through_person_id,
          rule_version: ruleOf(e.case_id).version,
          unit_code: people.get(e.person_id)?.unit_code ?? null,
          follow_up: told(e) ? 'notified' : 'identified',
          note: e.note ?? null,
          assigned_tracer_id: e.assigned_tracer_id ?? null,
          confirmation: e.weak ? 'pending' : 'confirmed',
        }),
      ),
      trx,
    );
    const list = [...fresh.values()];
    await notifyNew(trx, list, people, ruleOf);
    return list;
  }

  /**
   * A tracer confirms a contact "to confirm": the person's pending (or dismissed) evidence in the case becomes
   * confirmed and, if the case had not told them yet, they get their quarantine order (F1) and message now — exactly
   * once (the person's evidence rows are locked, and a person with confirmed evidence was told already). Returns the
   * degree at which they are now a contact and whether they were told now. 404 CONTACT_NOT_FOUND when the case has
   * no evidence on the person.
   */
  async function confirmContact(
    trx: Transaction<DB>,
    caseId: string,
    personId: string,
    rule: Rule,
  ): Promise<{ degree: number; notified: boolean }> {
    const rows = await lockEvidence(trx, caseId, personId);
    const wasTold = rows.some((r) => r.confirmation === 'confirmed');
    const changed = rows.filter((r) => r.confirmation !== 'confirmed');
    const degree = Math.min(...rows.map((r) => r.degree));
    if (changed.length === 0) return { degree, notified: false };
    const people = await repo.findReach([personId], trx);
    const notify = !wasTold;
    const reached = notify && !!people.get(personId)?.phone;
    await repo.confirmEvidence(
      caseId,
      changed.map((r) => r.id),
      trx,
    );
    if (reached) await repo.markNotified(caseId, personId, trx);
    if (notify) {
      let best: Evidence | undefined;
      for (const r of changed) {
        const e: Evidence = { ...r, degree: r.degree as 1 | 2, case_id: caseId, person_id: personId };
        if (stronger(e, best)) best = e;
      }
      await notifyNew(trx, [best as Evidence], people, () => rule);
    }
    return { degree, notified: notify };
  }

  /**
   * A tracer dismisses a contact "to confirm" (the check-in behind it was false): its pending evidence becomes
   * dismissed — no order, no message, not counted. 409 CONTACT_ALREADY_CONFIRMED when the person was told already
   * (release them through the follow-up instead); 404 CONTACT_NOT_FOUND when the case has no evidence on them.
   */
  async function dismissContact(trx: Transaction<DB>, caseId: string, personId: string): Promise<void> {
    const rows = await lockEvidence(trx, caseId, personId);
    if (rows.some((r) => r.confirmation === 'confirmed')) throw new AppError('CONTACT_ALREADY_CONFIRMED', 409);
    await repo.dismissPending(caseId, personId, trx);
  }

  /** The case's evidence on one person, locked until the end of the transaction (404 when there is none). */
  async function lockEvidence(trx: Transaction<DB>, caseId: string, personId: string) {
    const rows = await repo.lockEvidenceOn(caseId, personId, trx);
    if (rows.length === 0) throw new AppError('CONTACT_NOT_FOUND', 404);
    return rows;
  }

  /** Quarantine orders (F1) and messages (through the outbox) for people new to a case. */
  async function notifyNew(trx: Transaction<DB>, fresh: Evidence[], people: Reach, ruleOf: (caseId: string) => Rule) {
    if (fresh.length === 0) return;
    const venueNames = await repo.findVenueNames(
      [...new Set(fresh.map((f) => f.venue_id).filter((v): v is string => !!v))],
      trx,
    );
    const today = new Date();
    const orders: NewQuarantineOrder[] = [];
    const messages: OutgoingMessage[] = [];
    for (const f of fresh) {
      const rule = ruleOf(f.case_id);
      const phone = people.get(f.person_id)?.phone ?? null;
      const venue = f.venue_id ? venueNames.get(f.venue_id) : undefined;
      const when = f.overlap_start ? ` ngay ${ddmm(f.overlap_start)}` : '';
      const where = venue ? ` tai ${smsText(venue)}` : f.via_type === 'household' ? ' trong gia dinh' : '';
      if (f.degree === 1) {
        const lastExposure = f.overlap_end ?? today;
        const endsOn = localDate(new Date(lastExposure.getTime() + rule.f1_quarantine_days * DAY));
        orders.push({
          person_id: f.person_id,
          case_id: f.case_id,
          kind: rule.f1_quarantine_kind,
          ends_on: endsOn,
          unit_code: people.get(f.person_id)?.unit_code ?? null,
        });
        if (phone) {
          messages.push({
            channel: 'sms',
            to: phone,
            text: smsText(
              `Truyvet: Ban da tiep xuc gan voi ca benh (F1)${when}${where}. Vui long cach ly ${rule.f1_quarantine_kind === 'home' ? 'tai nha' : 'tap trung'} den het ngay ${endsOn.slice(8, 10)}/${endsOn.slice(5, 7)}, do than nhiet hang ngay, lien he tram y te xa/phuong. Xem chi tiet trong ung dung Truyvet.`,
            ),
          });
        }
      } else if (phone) {
        messages.push({
          channel: 'sms',
          to: phone,
          text: `Truyvet: Ban co the da tiep xuc voi nguoi tiep xuc gan ca benh (F2)${when}. Hay tu theo doi suc khoe 14 ngay, han che tiep xuc, khai bao y te neu co trieu chung.`,
        });
      }
    }
    await notifier.enqueueMany(trx, messages);
    await repo.insertQuarantineOrders(orders, localDate(today), trx);
  }

  /** Finds, stores and notifies the contacts of one case, in the caller's transaction. */
  async function traceCase(trx: Transaction<DB>, caseId: string): Promise<TraceSummary> {
    const summary = (await traceCases(trx, [caseId])).get(caseId);
    if (!summary) throw new AppError('CASE_NOT_FOUND', 404);
    return summary;
  }

  return { traceCases, traceCase, storeContacts, confirmContact, dismissContact };
}

export type Tracing = ReturnType<typeof createTracing>;
