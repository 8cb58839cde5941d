/**
 * The demo province's ongoing outbreak: cases opened over the last days the way a tracer opens them — through the
 * cases module's public service, so tracing runs for real on the demo check-ins and households: F1 and F2 contacts,
 * quarantine orders, exposure notices and SMS (queued for the notifier) — and chained: most cases are F1 of an
 * earlier case, confirmed a few days after their exposure to it (`sourceCaseId`), so the transmission graph has
 * clusters. When every chain has reached the present (the children of the latest cases would be confirmed after the
 * seeding), earlier cases get more of their F1 ill, before any new cluster starts — otherwise, at some times of day,
 * the cases still to open were all lone clusters confirmed at the last moment, without a source. Everyone at the
 * longest venue stay of the earliest case that met others at a venue gets a venue alert for that day; the F1 of older
 * cases have been reached, tested or quarantined, and older cases are being treated or have recovered. Deterministic
 * for a given time of day: every choice comes from the seeded PRNG over lists in a fixed order, and times are counted
 * from the seeding day's local midnight, like the demo check-ins (which stop at the moment of seeding).
 */
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import type { Actor } from '../platform/access.ts';
import type { Random } from './random.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ACTOR: Actor = { kind: 'system', name: 'seed-demo' };

export interface OutbreakOptions {
  /** cases to open */
  cases: number;
  log?: (line: string) => void;
}

export interface OutbreakResult {
  cases: number;
  /** people traced as F1 / F2 of any case */
  f1: number;
  f2: number;
  quarantineOrders: number;
  /** a demo citizen under an active quarantine order, reachable by phone (the sign-in to show it), if any */
  quarantinedPhone: string | null;
}

/**
 * The number of cases with contacts the demo opens for a province of `people`: none for a toy one, ≥ 10 from 300,
 * ~1 per 60.
 */
export function outbreakSize(people: number): number {
  if (people < 100) return 0;
  return Math.max(10, Math.min(120, Math.round(people / 60)));
}

/** Local (Asia/Ho_Chi_Minh, UTC+7) midnight of the day `at` falls on. */
function localDay(at: number): number {
  return Math.floor((at + 7 * HOUR) / DAY) * DAY - 7 * HOUR;
}

interface Opened {
  id: string;
  displayCode: string;
  personId: string;
  confirmedAt: number;
}

export async function seedOutbreak(ctx: AppContext, rnd: Random, options: OutbreakOptions): Promise<OutbreakResult> {
  const log = options.log ?? (() => {});
  const cases = ctx.services.cases;
  const already = await ctx.db.selectFrom('cases').select('id').limit(1).execute();
  if (options.cases <= 0 || already.length > 0) return summary(ctx, 0);

  const now = Date.now();
  // local (UTC+7) midnight of the seeding day: the demo check-ins are laid out on the same days
  const today = localDay(now);
  const latest = now - 2 * HOUR;

  // people who could start a cluster: out and about in the days before (six check-ins or more)
  const pool = (
    await ctx.db
      .selectFrom('checkins')
      .select('person_id')
      .where('checked_in_at', '>=', new Date(today - 12 * DAY))
      .where('checked_in_at', '<', new Date(today - 2 * DAY))
      .groupBy('person_id')
      .having(sql<number>`count(*)`, '>=', 6)
      .orderBy('person_id')
      .execute()
  ).map((r) => r.person_id);
  const isCase = new Set<string>();
  const opened: Opened[] = [];
  /** the opened cases that found F1 contacts */
  let traced = 0;
  let started = 0;
  /**
   * The cases to open, earliest confirmation first (display codes follow the dates, except for the F1 an earlier
   * case gets ill once every chain has reached the present: confirmed after their exposure, they may precede cases
   * opened already, as a late-entered case would): the clusters' first cases, planned up front (a person from the
   * pool is chosen when it opens), and F1 of opened cases who fall ill.
   */
  const pending: Array<{
    personId?: string;
    onsetAt: number;
    confirmedAt: number;
    parent?: Opened;
    venue?: string | undefined;
  }> = [];
  const at = (dayAgo: number) => today - dayAgo * DAY + rnd.int(7 * 60, 19 * 60) * 60_000;
  // the first cluster began nine days ago, the others since (about one per dozen cases)
  const clusters = Math.max(1, Math.round(options.cases / 12));
  for (let i = 0; i < clusters; i++) {
    const confirmedAt = Math.min(latest, at(i === 0 ? 9 : rnd.int(3, 8)));
    pending.push({ onsetAt: confirmedAt - rnd.int(24, 60) * HOUR, confirmedAt });
  }

  async function open(next: (typeof pending)[number]): Promise<void> {
    const candidates = next.personId ? [next.personId] : pool.filter((p) => !isCase.has(p));
    if (candidates.length === 0) return;
    const personId = rnd.pick(candidates);
    isCase.add(personId);
    const { parent, confirmedAt, onsetAt } = next;
    try {
      const created = await cases.create(ACTOR, {
        person: { personId },
        confirmedAt: new Date(confirmedAt).toISOString(),
        onsetAt: new Date(onsetAt).toISOString(),
        sampleAt: new Date(Math.max(onsetAt, confirmedAt - rnd.int(8, 30) * HOUR)).toISOString(),
        ...(parent
          ? {
              sourceCaseId: parent.id,
              sourceNote: next.venue
                ? `F1 của ${parent.displayCode} tại ${next.venue}`
                : `F1 của ${parent.displayCode}`,
            }
          : {}),
      });
      const c = { id: created.id, displayCode: created.displayCode, personId, confirmedAt };
      opened.push(c);
      if (created.contacts.f1 > 0) traced++;
      if (!parent) started++;
      await planChildren(c);
    } catch (err) {
      // someone out of reach or with a case already: another person is chosen
      log(`outbreak: skipped one person (${err instanceof Error ? err.message : String(err)})`);
    }
  }

  /** One to three of the case's F1 fall ill 2–4 days after they met it, and test positive after it was confirmed. */
  async function planChildren(parent: Opened): Promise<void> {
    const f1 = (await cases.contacts(ACTOR, parent.id, { degree: 1 }))
      .filter((c) => c.confirmation === 'confirmed' && !isCase.has(c.personId))
      .sort((a, b) => (a.personId < b.personId ? -1 : 1));
    const children = rnd.int(1, 3);
    for (let k = 0; k < children && f1.length > 0; k++) {
      const contact = f1.splice(rnd.int(0, f1.length - 1), 1)[0];
      if (!contact) break;
      // infected when they met (a household contact: the day before the case's confirmation)
      const exposedAt = contact.via.overlapStart ? Date.parse(contact.via.overlapStart) : parent.confirmedAt - DAY;
      const onsetAt = exposedAt + rnd.int(48, 96) * HOUR;
      const confirmedAt = Math.max(onsetAt + rnd.int(6, 36) * HOUR, parent.confirmedAt + rnd.int(6, 30) * HOUR);
      if (confirmedAt > latest) continue;
      pending.push({ personId: contact.personId, onsetAt, confirmedAt, parent, venue: contact.via.venueName });
    }
  }

  let lastConfirmed = 0;
  const replanned = new Set<string>();
  // `options.cases` cases with contacts: whether a case met anyone depends on the time of day the demo is seeded (the
  // seeding day's check-ins stop then), so a case that traced no one does not count towards them
  for (let attempts = 0; traced < options.cases && attempts < options.cases * 10; attempts++) {
    if (pending.length === 0) {
      // every chain has died out (each case's children fell ill too late to be confirmed by now, or met no one —
      // how far the chains got depends on the time of day the demo is seeded): an earlier case, earliest first, gets
      // more of its F1 ill, once each, so the outbreak keeps growing from its cases and most cases keep a source
      for (const c of opened) {
        if (replanned.has(c.id)) continue;
        replanned.add(c.id);
        await planChildren(c);
        if (pending.length > 0) break;
      }
    }
    pending.sort((a, b) => a.confirmedAt - b.confirmedAt || ((a.personId ?? '') < (b.personId ?? '') ? -1 : 1));
    const next = pending.shift();
    if (!next) {
      // nothing left to grow from: one more cluster, after the last case so far
      const confirmedAt = Math.min(latest, Math.max(lastConfirmed + rnd.int(2, 20) * HOUR, at(rnd.int(2, 6))));
      pending.push({ onsetAt: confirmedAt - rnd.int(24, 60) * HOUR, confirmedAt });
      continue;
    }
    if (next.personId && isCase.has(next.personId)) continue;
    await open(next);
    lastConfirmed = next.confirmedAt;
  }
  log(`${opened.length} cases in ${started} clusters`);

  // the earliest case that met others at a venue (a market, a workplace) was there for a long while: everyone there
  // that day is alerted. Not only the first case: whether it met anyone at a venue depends on the time of day the demo
  // is seeded (the check-ins of the seeding day stop at that moment), and the demo always shows one venue alert.
  for (const c of opened) {
    const stay = (await cases.contacts(ACTOR, c.id, { degree: 1 }))
      .filter((k) => k.via.type === 'venue' && k.via.venueId && k.via.overlapStart && k.via.overlapEnd)
      .sort(
        (a, b) => (b.via.overlapMinutes ?? 0) - (a.via.overlapMinutes ?? 0) || (a.personId < b.personId ? -1 : 1),
      )[0];
    if (!stay?.via.venueId || !stay.via.overlapStart || !stay.via.overlapEnd) continue;
    const alert = await cases.venueAlert(
      ACTOR,
      stay.via.venueId,
      {
        caseId: c.id,
        // that day's opening hours (local time): whoever was there, even briefly, is told
        from: new Date(localDay(Date.parse(stay.via.overlapStart)) + 6 * HOUR).toISOString(),
        to: new Date(localDay(Date.parse(stay.via.overlapStart)) + 22 * HOUR).toISOString(),
      },
      true,
    );
    log(`venue alert at ${stay.via.venueName ?? stay.via.venueId}: ${alert.people} people, ${alert.notified} new F1`);
    break;
  }

  // tracers have worked the older cases: their F1 reached, tested or in quarantine; the patients in treatment
  for (const c of opened) {
    const age = (now - c.confirmedAt) / DAY;
    if (age < 2) continue;
    const f1 = (await cases.contacts(ACTOR, c.id, { degree: 1 }))
      .filter((k) => k.confirmation === 'confirmed' && (k.followUp === 'identified' || k.followUp === 'notified'))
      .map((k) => k.personId)
      .sort();
    const byStatus = { quarantined: [] as string[], reached: [] as string[], tested: [] as string[] };
    for (const personId of f1) {
      const r = rnd.next();
      if (r < 0.55) byStatus.quarantined.push(personId);
      else if (r < 0.8) byStatus.reached.push(personId);
      else if (r < 0.9) byStatus.tested.push(personId);
    }
    for (const [followUp, personIds] of Object.entries(byStatus) as Array<[keyof typeof byStatus, string[]]>) {
      if (personIds.length > 0) await cases.bulkUpdateContacts(ACTOR, c.id, { personIds, followUp });
    }
    const status =
      age >= 7 && rnd.chance(0.3)
        ? 'recovered'
        : rnd.pick(['isolating', 'treated_home', 'treated_field_hospital'] as const);
    await cases.update(ACTOR, c.id, { status });
  }
  return summary(ctx, opened.length);
}

async function summary(ctx: AppContext, opened: number): Promise<OutbreakResult> {
  const degrees = await ctx.db
    .selectFrom('contacts')
    .select(['degree', sql<number>`count(distinct person_id)::int`.as('n')])
    .where('confirmation', '=', 'confirmed')
    .groupBy('degree')
    .execute();
  const orders = await ctx.db
    .selectFrom('quarantine_orders')
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow();
  // an F1 at home under an active order, who is not a case: the citizen whose home screen shows the order
  const quarantined = await ctx.db
    .selectFrom('quarantine_orders as o')
    .innerJoin('people as p', 'p.id', 'o.person_id')
    .select('p.phone')
    .where('o.status', '=', 'active')
    .where('o.ends_on', '>', sql<string>`current_date`)
    .where('p.phone', 'is not', null)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('cases as c').select('c.id').whereRef('c.person_id', '=', 'o.person_id'))),
    )
    .orderBy('p.phone')
    .limit(1)
    .executeTakeFirst();
  return {
    cases: opened,
    f1: degrees.find((d) => d.degree === 1)?.n ?? 0,
    f2: degrees.find((d) => d.degree === 2)?.n ?? 0,
    quarantineOrders: orders.n,
    quarantinedPhone: quarantined?.phone ? `0${quarantined.phone.slice(3)}` : null,
  };
}
