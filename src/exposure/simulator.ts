/**
 * A synthetic town for testing Bluetooth exposure notification end to end: virtual phones move between households,
 * workplaces, buses and venues on a daily schedule, broadcast real RPIs (derived from their own TEKs) and hear each
 * other every 5 minutes with an attenuation that grows with distance plus noise (body, pocket, multipath). Some
 * phones become F0 and upload their keys; the rest download the export and match what they heard. The ground truth
 * is every pair that spent ≥ 15 minutes within 2 m in one day; the report says how well the alerts found those
 * contacts (precision, recall) and how many of them venue check-ins alone would have missed.
 *
 * Pure and deterministic for a seed; runs in Node or a browser. The key server is given as a function (the CLI wires
 * in the server's validation and signed export, so the simulation goes through the real formats).
 */
import {
  type AesEngine,
  associatedEncryptedMetadata,
  deriveAemk,
  deriveRpik,
  EN_INTERVAL_SECONDS,
  encodeMetadata,
  portableAes,
  rollingProximityIdentifiers,
  type TemporaryExposureKey,
} from './crypto.ts';
import type { DiagnosisKey } from './export-file.ts';
import { DEFAULT_RISK_CONFIG, matchExposures, type Observation, type RiskConfig } from './matching.ts';

export interface SimulationOptions {
  phones: number;
  days: number;
  /** share of phones that become F0 and upload */
  f0Share: number;
  /** share of visitors who scan a venue's QR */
  checkinCompliance: number;
  seed: number;
  /** Unix seconds of the first simulated midnight (UTC) */
  start: number;
  config?: RiskConfig;
  aes?: AesEngine;
}

export const DEFAULT_SIMULATION: SimulationOptions = {
  phones: 2000,
  days: 1,
  f0Share: 0.01,
  checkinCompliance: 0.7,
  seed: 2021,
  start: 1_637_971_200, // 2021-11-27 00:00 UTC
};

/** Where close contacts happen. */
export type PlaceKind = 'household' | 'workplace' | 'bus' | 'venue';

export interface SimulationReport {
  phones: number;
  days: number;
  f0: number;
  uploadedKeys: number;
  observations: number;
  /** people with ≥ 15 min within 2 m of an F0 on one day */
  trueContacts: number;
  alerts: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  /** true contacts by where most of their close minutes were */
  contactsByPlace: Record<PlaceKind, number>;
  /** true contacts venue check-ins would find (both checked in at a venue at the same time) */
  foundByCheckins: number;
  /** true contacts check-ins alone would miss */
  missedByCheckins: number;
  /** of those, how many the Bluetooth alerts found */
  missedByCheckinsButAlerted: number;
  seconds: { world: number; keyServer: number; matching: number };
}

/** The key server as the simulation sees it: uploads in, the downloaded (verified, parsed) keys out. */
export type KeyServer = (uploads: TemporaryExposureKey[][]) => Promise<DiagnosisKey[]>;

/** mulberry32: a small seeded generator (deterministic runs). */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STEP_MINUTES = 5;
const STEPS_PER_DAY = (24 * 60) / STEP_MINUTES;
const CLOSE_METRES = 2;
const CLOSE_MINUTES = 15;
/** Phones keep sightings up to this attenuation (the weakest bucket scores nothing past 73 dB). */
const HEARD_DB = 80;

interface Person {
  household: number;
  workplace: number; // -1: stays home
  bus: number; // -1: walks or rides alone
  txPower: number;
  desk: [number, number];
}

interface Visit {
  venue: number;
  from: number; // step of the day
  to: number;
  checkedIn: boolean;
}

/** Runs the simulation; `keyServer` publishes the F0s' uploads and returns what phones download. */
export async function simulateTown(options: SimulationOptions, keyServer: KeyServer): Promise<SimulationReport> {
  const o = { ...DEFAULT_SIMULATION, ...options };
  const config = o.config ?? DEFAULT_RISK_CONFIG;
  const aes = o.aes ?? portableAes;
  const random = rng(o.seed);
  const gauss = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  const t0 = performance.now();

  // the town: households of 1–5, workplaces of 5–40 (desks 1.8 m apart), 15 bus routes, 20 venues
  const n = o.phones;
  const people: Person[] = [];
  let households = 0;
  while (people.length < n) {
    const size = 1 + Math.floor(random() * 5);
    for (let i = 0; i < size && people.length < n; i++) {
      people.push({
        household: households,
        workplace: -1,
        bus: -1,
        txPower: -8 + Math.floor(random() * 12),
        desk: [0, 0],
      });
    }
    households++;
  }
  const workplaceSizes: number[] = [];
  for (const p of people) {
    if (random() < 0.7) {
      let w = workplaceSizes.findIndex((s, i) => s < 5 + ((i * 7) % 36));
      if (w === -1) {
        w = workplaceSizes.length;
        workplaceSizes.push(0);
      }
      const seat = workplaceSizes[w] as number;
      workplaceSizes[w] = seat + 1;
      p.workplace = w;
      p.desk = [(seat % 6) * 1.8, Math.floor(seat / 6) * 1.8];
      if (random() < 0.4) p.bus = Math.floor(random() * 15);
    }
  }
  const venues = 20;

  // each day's schedule: visits to venues after work
  const visits: Visit[][][] = []; // [day][person]
  for (let d = 0; d < o.days; d++) {
    visits.push(
      people.map(() => {
        if (random() >= 0.35) return [];
        const from = (17 * 60 + 30 + Math.floor(random() * 120)) / STEP_MINUTES;
        const length = (30 + Math.floor(random() * 31)) / STEP_MINUTES;
        return [
          {
            venue: Math.floor(random() * venues),
            from: Math.floor(from),
            to: Math.floor(from + length),
            checkedIn: random() < o.checkinCompliance,
          },
        ];
      }),
    );
  }

  /** Where a person is at a step: [place kind, place id] (ids unique per kind). */
  function placeOf(p: Person, i: number, d: number, step: number): [PlaceKind, number] {
    const minute = step * STEP_MINUTES;
    const visit = visits[d]?.[i]?.[0];
    if (visit && step >= visit.from && step < visit.to) return ['venue', visit.venue];
    if (p.workplace >= 0) {
      if (p.bus >= 0 && ((minute >= 7 * 60 && minute < 7 * 60 + 30) || (minute >= 17 * 60 && minute < 17 * 60 + 30))) {
        return ['bus', p.bus * 2 + (minute < 12 * 60 ? 0 : 1)];
      }
      if (minute >= 7 * 60 + 30 && minute < 17 * 60) return ['workplace', p.workplace];
    }
    return ['household', p.household];
  }

  /** A position (metres) inside the place, for this step. */
  function position(p: Person, i: number, kind: PlaceKind, step: number): [number, number] {
    if (kind === 'workplace') return [p.desk[0] + gauss() * 0.3, p.desk[1] + gauss() * 0.3];
    if (kind === 'bus') {
      const seat = (i * 7919) % 60; // a fixed seat per rider: 2 across (0.6 m), rows 0.8 m apart
      return [(seat % 2) * 0.6, Math.floor(seat / 2) * 0.8];
    }
    // households (7 × 7 m) and venues (25 × 25 m): people move around; at home they sit together in the evening
    const size = kind === 'household' ? 7 : 25;
    const hour = Math.floor((step * STEP_MINUTES) / 60);
    const r = rng(i * 7331 + hour * 131 + (kind === 'venue' ? 17 : 0) + Math.floor(step / 2));
    return [r() * size, r() * size];
  }

  // keys and broadcasts: each phone's TEK per day, its RPIs and AEMs per interval
  const teks: TemporaryExposureKey[][] = people.map(() => []);
  const firstInterval = Math.floor(o.start / EN_INTERVAL_SECONDS);
  const intervals = o.days * 144;
  const rpiTable = new Uint8Array(n * intervals * 16);
  const aemTable = new Uint8Array(n * intervals * 4);
  for (let i = 0; i < n; i++) {
    const metadata = encodeMetadata((people[i] as Person).txPower);
    for (let d = 0; d < o.days; d++) {
      const keyData = new Uint8Array(16);
      for (let b = 0; b < 16; b++) keyData[b] = Math.floor(random() * 256);
      const tek = { keyData, rollingStartIntervalNumber: firstInterval + d * 144, rollingPeriod: 144 };
      (teks[i] as TemporaryExposureKey[]).push(tek);
      const rpis = rollingProximityIdentifiers(deriveRpik(keyData), tek.rollingStartIntervalNumber, 144, aes);
      rpiTable.set(rpis, (i * intervals + d * 144) * 16);
      const aemk = deriveAemk(keyData);
      for (let j = 0; j < 144; j++) {
        const aem = associatedEncryptedMetadata(aemk, rpis.subarray(j * 16, j * 16 + 16), metadata, aes);
        aemTable.set(aem, (i * intervals + d * 144 + j) * 4);
      }
    }
  }

  const f0 = new Set<number>();
  while (f0.size < Math.max(1, Math.round(n * o.f0Share))) f0.add(Math.floor(random() * n));

  // the world, step by step: sightings (observer, broadcaster, step, attenuation) and the ground truth
  let observers = new Int32Array(1 << 20);
  let broadcasters = new Int32Array(1 << 20);
  let steps = new Int32Array(1 << 20);
  let attenuations = new Int16Array(1 << 20);
  let count = 0;
  const closeSteps = new Map<string, { steps: number; byPlace: Record<PlaceKind, number> }>(); // `${f0}|${p}|${day}`
  const checkinContacts = new Set<string>(); // `${f0}|${p}`
  for (let d = 0; d < o.days; d++) {
    for (let s = 0; s < STEPS_PER_DAY; s++) {
      const groups = new Map<string, number[]>();
      people.forEach((p, i) => {
        const [kind, id] = placeOf(p, i, d, s);
        const k = `${kind}:${id}`;
        const g = groups.get(k);
        if (g) g.push(i);
        else groups.set(k, [i]);
      });
      for (const [k, members] of groups) {
        if (members.length < 2) continue;
        const kind = k.slice(0, k.indexOf(':')) as PlaceKind;
        const pos = members.map((i) => position(people[i] as Person, i, kind, s));
        const pocket = members.map(() => (random() < 0.5 ? 4 + random() * 4 : 0));
        for (let a = 0; a < members.length; a++) {
          for (let b = 0; b < members.length; b++) {
            if (a === b) continue;
            const [ax, ay] = pos[a] as [number, number];
            const [bx, by] = pos[b] as [number, number];
            const dist = Math.max(0.3, Math.hypot(ax - bx, ay - by));
            const pa = members[a] as number;
            const pb = members[b] as number;
            // ground truth: an F0 (b) within 2 m of someone else (a) during this step
            if (f0.has(pb) && !f0.has(pa) && dist <= CLOSE_METRES) {
              const key = `${pb}|${pa}|${d}`;
              let c = closeSteps.get(key);
              if (!c) {
                c = { steps: 0, byPlace: { household: 0, workplace: 0, bus: 0, venue: 0 } };
                closeSteps.set(key, c);
              }
              c.steps++;
              c.byPlace[kind]++;
            }
            if (kind === 'venue' && f0.has(pb) && !f0.has(pa)) {
              const va = visits[d]?.[pa]?.[0];
              const vb = visits[d]?.[pb]?.[0];
              if (va?.checkedIn && vb?.checkedIn) checkinContacts.add(`${pb}|${pa}`);
            }
            // log-distance path loss (54 dB at 1 m), body and pocket shadowing, multipath noise
            const attenuation =
              54 +
              20 * Math.log10(dist) +
              (pocket[a] as number) +
              (pocket[b] as number) +
              gauss() * 4 +
              (kind === 'bus' ? 3 : 0);
            if (attenuation > HEARD_DB) continue;
            if (count === observers.length) {
              const grow = <T extends Int32Array | Int16Array>(arr: T, make: (len: number) => T): T => {
                const next = make(arr.length * 2);
                next.set(arr);
                return next;
              };
              observers = grow(observers, (len) => new Int32Array(len));
              broadcasters = grow(broadcasters, (len) => new Int32Array(len));
              steps = grow(steps, (len) => new Int32Array(len));
              attenuations = grow(attenuations, (len) => new Int16Array(len));
            }
            observers[count] = pa;
            broadcasters[count] = pb;
            steps[count] = d * STEPS_PER_DAY + s;
            attenuations[count] = Math.round(attenuation);
            count++;
          }
        }
      }
    }
  }
  const t1 = performance.now();

  // F0s upload every key of the simulated days; the key server publishes; phones download
  const published = await keyServer([...f0].map((i) => teks[i] as TemporaryExposureKey[]));
  const t2 = performance.now();

  // each phone matches what it heard (its own sightings, in time order)
  const byObserver: number[][] = people.map(() => []);
  for (let c = 0; c < count; c++) (byObserver[observers[c] as number] as number[]).push(c);
  const alerted = new Set<number>();
  for (let i = 0; i < n; i++) {
    if (f0.has(i)) continue;
    const mine = byObserver[i] as number[];
    if (mine.length === 0) continue;
    const observed: Observation[] = mine.map((c) => {
      const step = steps[c] as number;
      const at = o.start + step * STEP_MINUTES * 60 + 60;
      const interval = Math.floor(at / EN_INTERVAL_SECONDS) - firstInterval;
      const slot = (broadcasters[c] as number) * intervals + interval;
      const txPower = (people[broadcasters[c] as number] as Person).txPower;
      return {
        rpi: rpiTable.subarray(slot * 16, slot * 16 + 16),
        at,
        aem: aemTable.subarray(slot * 4, slot * 4 + 4),
        rssi: txPower - (attenuations[c] as number),
      };
    });
    const matches = matchExposures(published, observed, { config, aes });
    // the alert is per day, as the frameworks' daily summaries
    const byDay = new Map<number, number>();
    for (const m of matches) {
      for (const w of m.windows) {
        const day = Math.floor((w.from - o.start) / 86_400);
        const share = m.minutes > 0 ? (w.minutes / m.minutes) * m.risk : 0;
        byDay.set(day, (byDay.get(day) ?? 0) + share);
      }
    }
    if ([...byDay.values()].some((score) => score >= config.alertThreshold)) alerted.add(i);
  }
  const t3 = performance.now();

  // ground truth per person, and where their close minutes were
  const truth = new Map<number, { f0: number; byPlace: Record<PlaceKind, number> }>();
  for (const [key, c] of closeSteps) {
    if (c.steps * STEP_MINUTES < CLOSE_MINUTES) continue;
    const [f, p] = key.split('|').map(Number) as [number, number];
    const cur = truth.get(p);
    if (!cur) truth.set(p, { f0: f, byPlace: { ...c.byPlace } });
    else for (const k of Object.keys(c.byPlace) as PlaceKind[]) cur.byPlace[k] += c.byPlace[k];
  }
  const contactsByPlace: Record<PlaceKind, number> = { household: 0, workplace: 0, bus: 0, venue: 0 };
  let foundByCheckins = 0;
  let missedButAlerted = 0;
  for (const [p, t] of truth) {
    const main = (Object.entries(t.byPlace) as [PlaceKind, number][]).sort((a, b) => b[1] - a[1])[0]?.[0];
    if (main) contactsByPlace[main]++;
    const found = [...f0].some((f) => checkinContacts.has(`${f}|${p}`));
    if (found) foundByCheckins++;
    else if (alerted.has(p)) missedButAlerted++;
  }
  const tp = [...alerted].filter((p) => truth.has(p)).length;
  const fp = alerted.size - tp;
  const fn = truth.size - tp;
  const ratio = (a: number, b: number) => (b === 0 ? 1 : Math.round((a / b) * 1000) / 1000);
  return {
    phones: n,
    days: o.days,
    f0: f0.size,
    uploadedKeys: published.length,
    observations: count,
    trueContacts: truth.size,
    alerts: alerted.size,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    contactsByPlace,
    foundByCheckins,
    missedByCheckins: truth.size - foundByCheckins,
    missedByCheckinsButAlerted: missedButAlerted,
    seconds: {
      world: Math.round(t1 - t0) / 1000,
      keyServer: Math.round(t2 - t1) / 1000,
      matching: Math.round(t3 - t2) / 1000,
    },
  };
}
