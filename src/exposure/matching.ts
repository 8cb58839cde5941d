/**
 * On-device matching (what the phone does after downloading the day's exports): derive the 144 Rolling Proximity
 * Identifiers of every diagnosis key, look each up among the RPIs the phone heard, decrypt the matched sightings'
 * metadata, group the sightings into exposure windows and score them — attenuation bucket weight × minutes ×
 * transmission risk weight, all configurable — into an alert when the day's score reaches the threshold.
 *
 * The loop is built for a million keys a day on one core: keys are packed into flat arrays, the plaintext blocks of
 * every interval are prepared once, RPIK derivation allocates nothing (hkdf.ts), each key costs one AES call over
 * its 144 blocks, and an RPI is looked up by its first 32 bits in an open-addressing table before any byte compare.
 */
import {
  type AesEngine,
  associatedEncryptedMetadata,
  deriveAemk,
  deriveRpikInto,
  EN_INTERVAL_SECONDS,
  enIntervalNumber,
  metadataTxPower,
  paddedData,
  portableAes,
  type TemporaryExposureKey,
} from './crypto.ts';
import type { DiagnosisKey } from './export-file.ts';

/** One BLE sighting the phone stored: the RPI heard, when, and how strongly. */
export interface Observation {
  rpi: Uint8Array;
  /** Unix seconds */
  at: number;
  /** dB: transmit power − received signal strength; omitted when `rssi` and `aem` give it */
  attenuation?: number | undefined;
  /** received signal strength (dBm) — with `aem`, the attenuation is the decrypted transmit power minus this */
  rssi?: number | undefined;
  /** the Associated Encrypted Metadata broadcast with the RPI */
  aem?: Uint8Array | undefined;
}

/** How sightings become a risk score (defaults: `DEFAULT_RISK_CONFIG`). */
export interface RiskConfig {
  /** upper bounds (dB, inclusive) of the attenuation buckets, nearest first */
  attenuationThresholdsDb: readonly number[];
  /** weight per bucket: one more than the thresholds (the last is "further than every threshold") */
  attenuationWeights: readonly number[];
  /** weight per transmission risk level 0–8 */
  transmissionRiskWeights: readonly number[];
  /** the level assumed for a key that carries none */
  defaultTransmissionRisk: number;
  /** minutes one sighting stands for (phones scan about every 5 minutes) */
  scanIntervalMinutes: number;
  /** sightings further apart than this start a new exposure window */
  windowGapMinutes: number;
  /** how far (in 10-minute intervals) a sighting may lie from its RPI's interval: clocks drift (spec: ±2 h) */
  toleranceIntervals: number;
  /** the day's score that raises an alert (weighted minutes) */
  alertThreshold: number;
}

export const DEFAULT_RISK_CONFIG: RiskConfig = {
  // ≤ 55 dB: within about a metre; ≤ 60 dB: about 2 m, counted half; further: not counted. Chosen with the
  // simulator (simulator.ts, `truyvet simulate-ble`): [55, 63, 73] with weights [1.5, 1, 0.3] alerted every
  // colleague a few desks away after a working day (precision 0.41 against recall 1.0; these: 0.94 / 0.94)
  attenuationThresholdsDb: [55, 60, 70],
  attenuationWeights: [1, 0.5, 0, 0],
  transmissionRiskWeights: [0, 0.4, 0.6, 0.8, 1, 1, 1.2, 1.4, 1.5],
  defaultTransmissionRisk: 4,
  scanIntervalMinutes: 5,
  windowGapMinutes: 15,
  toleranceIntervals: 12,
  alertThreshold: 15,
};

/** The phone's sightings, indexed for lookup by RPI. */
export interface ObservationIndex {
  readonly observations: readonly Observation[];
  /** distinct RPIs, 16 bytes each */
  readonly rpis: Uint8Array;
  /** per distinct RPI, the observation indices (time order) */
  readonly sightings: readonly number[][];
  /** per distinct RPI, the earliest and latest interval it was heard in */
  readonly firstInterval: Int32Array;
  readonly lastInterval: Int32Array;
  readonly table: Int32Array;
  readonly prefixes: Int32Array;
  readonly mask: number;
  /** one bit per value of an RPI's low 18 prefix bits: set when some observed RPI has them */
  readonly filter: Int32Array;
}

/** 2^18 filter bits in 2^13 words. */
const FILTER_WORD_MASK = (1 << 13) - 1;

function word(bytes: Uint8Array, o: number): number {
  return (
    (bytes[o] as number) |
    ((bytes[o + 1] as number) << 8) |
    ((bytes[o + 2] as number) << 16) |
    ((bytes[o + 3] as number) << 24)
  );
}

/** Spreads a 32-bit prefix over the table (RPIs are uniformly random, but a table must not trust its input). */
function slotOf(prefix: number, mask: number): number {
  return Math.imul(prefix ^ (prefix >>> 16), 0x45d9f3b) & mask;
}

/** Builds the lookup index of the phone's sightings (done once per matching run). */
export function indexObservations(observations: readonly Observation[]): ObservationIndex {
  const order = observations.map((_, i) => i).sort((a, b) => (observations[a]?.at ?? 0) - (observations[b]?.at ?? 0));
  const byRpi = new Map<string, number[]>();
  for (const i of order) {
    const o = observations[i] as Observation;
    if (o.rpi.length !== 16) throw new RangeError(`observation ${i}: an RPI is 16 bytes`);
    const k = String.fromCharCode(...o.rpi);
    const list = byRpi.get(k);
    if (list) list.push(i);
    else byRpi.set(k, [i]);
  }
  const n = byRpi.size;
  let size = 16;
  while (size < n * 4) size <<= 1;
  const mask = size - 1;
  const table = new Int32Array(size);
  const prefixes = new Int32Array(size);
  const rpis = new Uint8Array(n * 16);
  const sightings: number[][] = [];
  const firstInterval = new Int32Array(n);
  const lastInterval = new Int32Array(n);
  const filter = new Int32Array(FILTER_WORD_MASK + 1);
  let id = 0;
  for (const list of byRpi.values()) {
    const first = observations[list[0] as number] as Observation;
    rpis.set(first.rpi, id * 16);
    sightings.push(list);
    firstInterval[id] = enIntervalNumber(first.at);
    lastInterval[id] = enIntervalNumber((observations[list[list.length - 1] as number] as Observation).at);
    const prefix = word(first.rpi, 0);
    filter[(prefix >>> 5) & FILTER_WORD_MASK] =
      (filter[(prefix >>> 5) & FILTER_WORD_MASK] as number) | (1 << (prefix & 31));
    let slot = slotOf(prefix, mask);
    while (table[slot] !== 0) slot = (slot + 1) & mask;
    table[slot] = id + 1;
    prefixes[slot] = prefix;
    id++;
  }
  return { observations, rpis, sightings, firstInterval, lastInterval, table, prefixes, mask, filter };
}

/** Diagnosis keys as flat arrays: what the hot loop reads (`packKeys` makes one from parsed exports). */
export interface PackedKeys {
  readonly count: number;
  /** 16 bytes per key */
  readonly keyData: Uint8Array;
  readonly rollingStart: Int32Array;
  readonly rollingPeriod: Int32Array;
}

export function packKeys(keys: readonly TemporaryExposureKey[]): PackedKeys {
  const keyData = new Uint8Array(keys.length * 16);
  const rollingStart = new Int32Array(keys.length);
  const rollingPeriod = new Int32Array(keys.length);
  keys.forEach((k, i) => {
    keyData.set(k.keyData, i * 16);
    rollingStart[i] = k.rollingStartIntervalNumber;
    rollingPeriod[i] = k.rollingPeriod;
  });
  return { count: keys.length, keyData, rollingStart, rollingPeriod };
}

/** A raw hit: key `key` (index into the packed keys) matched the distinct RPI `rpi` of interval `interval`. */
export interface RawMatch {
  key: number;
  rpi: number;
  interval: number;
}

/**
 * The hot loop: every RPI of every key against the index. Returns the hits in key order. Keys with a rolling period
 * outside 1–144 are skipped (a client trusts no export blindly).
 */
export function findMatches(
  keys: PackedKeys,
  index: ObservationIndex,
  aes: AesEngine,
  toleranceIntervals = 12,
): RawMatch[] {
  const hits: RawMatch[] = [];
  if (keys.count === 0 || index.sightings.length === 0) return hits;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < keys.count; i++) {
    const s = keys.rollingStart[i] as number;
    lo = Math.min(lo, s);
    hi = Math.max(hi, s + Math.min(144, Math.max(1, keys.rollingPeriod[i] as number)));
  }
  // every interval's plaintext block, once: a key's 144 blocks are then a view, not a copy
  const blocks = paddedData(lo, hi - lo);
  const rpik = new Uint8Array(16);
  const { table, prefixes, filter, mask, rpis, firstInterval, lastInterval } = index;
  for (let k = 0; k < keys.count; k++) {
    const start = keys.rollingStart[k] as number;
    const period = keys.rollingPeriod[k] as number;
    if (period < 1 || period > 144) continue;
    deriveRpikInto(keys.keyData, k * 16, rpik);
    const out = aes.ecb(rpik, blocks.subarray((start - lo) * 16, (start - lo + period) * 16));
    for (let j = 0; j < period; j++) {
      const o = j * 16;
      const prefix = word(out, o);
      // a 32 KiB bit filter (stays in the L1 cache) turns away nearly every RPI before the table is read
      if (((filter[(prefix >>> 5) & FILTER_WORD_MASK] as number) & (1 << (prefix & 31))) === 0) continue;
      let slot = slotOf(prefix, mask);
      let id = table[slot] as number;
      while (id !== 0) {
        if (prefixes[slot] === prefix) {
          const r = (id - 1) * 16;
          let same = true;
          for (let b = 4; b < 16; b++) {
            if (out[o + b] !== rpis[r + b]) {
              same = false;
              break;
            }
          }
          const interval = start + j;
          if (
            same &&
            (lastInterval[id - 1] as number) >= interval - toleranceIntervals &&
            (firstInterval[id - 1] as number) <= interval + toleranceIntervals
          ) {
            hits.push({ key: k, rpi: id - 1, interval });
          }
        }
        slot = (slot + 1) & mask;
        id = table[slot] as number;
      }
    }
  }
  return hits;
}

/** Consecutive sightings of one key, as the exposure notification frameworks report them. */
export interface ExposureWindow {
  /** Unix seconds of the first and last sighting */
  from: number;
  to: number;
  minutes: number;
  /** minutes weighted by attenuation bucket */
  weightedMinutes: number;
  minAttenuation: number;
  sightings: number;
}

/** One diagnosis key the phone heard, with its evidence and score. */
export interface KeyMatch {
  key: DiagnosisKey;
  /** ENIntervalNumbers whose RPI was heard */
  intervals: number[];
  windows: ExposureWindow[];
  minutes: number;
  /** weighted minutes × transmission risk weight */
  risk: number;
  transmissionRisk: number;
}

function bucketWeight(attenuation: number, config: RiskConfig): number {
  const i = config.attenuationThresholdsDb.findIndex((t) => attenuation <= t);
  const bucket = i === -1 ? config.attenuationThresholdsDb.length : i;
  return config.attenuationWeights[bucket] ?? 0;
}

/** A sighting's attenuation: stated, or the decrypted transmit power minus the received strength. */
function attenuationOf(o: Observation, aemk: () => Uint8Array, aes: AesEngine): number {
  if (o.attenuation !== undefined) return o.attenuation;
  if (o.rssi !== undefined && o.aem) {
    const metadata = associatedEncryptedMetadata(aemk(), o.rpi, o.aem, aes);
    return metadataTxPower(metadata) - o.rssi;
  }
  return Number.POSITIVE_INFINITY;
}

/** Groups one key's sightings into windows and scores them. */
export function scoreKey(
  key: DiagnosisKey,
  observations: readonly Observation[],
  intervals: number[],
  config: RiskConfig = DEFAULT_RISK_CONFIG,
  aes: AesEngine = portableAes,
): KeyMatch {
  let aemk: Uint8Array | undefined;
  const getAemk = () => {
    aemk ??= deriveAemk(key.keyData);
    return aemk;
  };
  const sorted = [...observations].sort((a, b) => a.at - b.at);
  const windows: ExposureWindow[] = [];
  let current: ExposureWindow | undefined;
  let previousAt = Number.NEGATIVE_INFINITY;
  for (const o of sorted) {
    const attenuation = attenuationOf(o, getAemk, aes);
    const gapMinutes = (o.at - previousAt) / 60;
    if (!current || gapMinutes > config.windowGapMinutes) {
      current = { from: o.at, to: o.at, minutes: 0, weightedMinutes: 0, minAttenuation: attenuation, sightings: 0 };
      windows.push(current);
    }
    // a sighting stands for the time since the previous scan, at most one scan interval
    const minutes = Math.min(config.scanIntervalMinutes, Math.max(0, gapMinutes));
    current.to = o.at;
    current.minutes += minutes;
    current.weightedMinutes += minutes * bucketWeight(attenuation, config);
    current.minAttenuation = Math.min(current.minAttenuation, attenuation);
    current.sightings++;
    previousAt = o.at;
  }
  const transmissionRisk = key.transmissionRiskLevel ?? config.defaultTransmissionRisk;
  const trWeight = config.transmissionRiskWeights[transmissionRisk] ?? 1;
  const minutes = windows.reduce((s, w) => s + w.minutes, 0);
  const weighted = windows.reduce((s, w) => s + w.weightedMinutes, 0);
  return {
    key,
    intervals: [...new Set(intervals)].sort((a, b) => a - b),
    windows,
    minutes: round1(minutes),
    risk: round1(weighted * trWeight),
    transmissionRisk,
  };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

export interface MatchOptions {
  config?: RiskConfig;
  aes?: AesEngine;
}

/** Matches diagnosis keys against the phone's sightings: one scored entry per key heard, highest risk first. */
export function matchExposures(
  keys: readonly DiagnosisKey[],
  observations: readonly Observation[] | ObservationIndex,
  options: MatchOptions = {},
): KeyMatch[] {
  const config = options.config ?? DEFAULT_RISK_CONFIG;
  const aes = options.aes ?? portableAes;
  const index = 'table' in observations ? observations : indexObservations(observations);
  const hits = findMatches(packKeys(keys), index, aes, config.toleranceIntervals);
  const byKey = new Map<number, RawMatch[]>();
  for (const h of hits) {
    const list = byKey.get(h.key);
    if (list) list.push(h);
    else byKey.set(h.key, [h]);
  }
  const matches: KeyMatch[] = [];
  for (const [k, list] of byKey) {
    const key = keys[k] as DiagnosisKey;
    const seen = new Set<number>();
    const sightings: Observation[] = [];
    for (const h of list) {
      for (const i of index.sightings[h.rpi] ?? []) {
        const o = index.observations[i] as Observation;
        // a sighting counts for the interval it was heard in (within the tolerance of its RPI's interval)
        if (!seen.has(i) && Math.abs(enIntervalNumber(o.at) - h.interval) <= config.toleranceIntervals) {
          seen.add(i);
          sightings.push(o);
        }
      }
    }
    matches.push(
      scoreKey(
        key,
        sightings,
        list.map((h) => h.interval),
        config,
        aes,
      ),
    );
  }
  return matches.sort((a, b) => b.risk - a.risk);
}

/** The phone's verdict for one day's matches. */
export interface ExposureAssessment {
  alert: boolean;
  /** the summed risk of every match (weighted minutes) */
  score: number;
  minutes: number;
  /** Unix seconds of the most recent sighting of a matched key, or null */
  lastExposureAt: number | null;
  matches: KeyMatch[];
}

/** Sums the matches into an alert decision (score ≥ threshold). */
export function assessExposure(matches: KeyMatch[], config: RiskConfig = DEFAULT_RISK_CONFIG): ExposureAssessment {
  const score = round1(matches.reduce((s, m) => s + m.risk, 0));
  const last = matches.flatMap((m) => m.windows.map((w) => w.to));
  return {
    alert: score >= config.alertThreshold,
    score,
    minutes: round1(matches.reduce((s, m) => s + m.minutes, 0)),
    lastExposureAt: last.length > 0 ? Math.max(...last) : null,
    matches,
  };
}

/** Unix seconds at the start of an ENIntervalNumber. */
export function intervalStart(interval: number): number {
  return interval * EN_INTERVAL_SECONDS;
}
