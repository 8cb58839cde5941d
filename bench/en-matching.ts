/**
 * bench/en-matching: what a phone does with a day of exposure notification exports, and what the key server does to
 * publish them — both on one core, in this process (no server, no database).
 *   baseline  raw AES-128-ECB through node:crypto: one key, 64 KiB per call — the block rate the processor gives;
 *             measured for 150 ms after each tenth of the matching, so both see the same load on a shared machine
 *   measured  matching (src/exposure/matching.ts `findMatches`): 1,000,000 diagnosis keys × 144 RPIs (RPIK by HKDF,
 *             one AES call per key over its 144 blocks, look-up of every RPI) against 20,000 observed RPIs, some of
 *             them planted from known keys so the hits can be checked
 *             export generation (src/server/modules/exposure/export-builder.ts): 100,000 keys → export.bin
 *             (protobuf), ECDSA P-256 signature, zip
 * Targets (issue 14): matching < 10 s, export of 100,000 keys < 5 s. Prints keys/s, RPIs/s and their ratio to the
 * raw block rate measured in the same run.
 *   node bin/run-ts.js bench/en-matching.ts [--keys 1000000] [--observed 20000] [--export-keys 100000]
 */
import { createCipheriv, generateKeyPairSync, randomBytes } from 'node:crypto';
import { deriveRpik, EN_INTERVAL_SECONDS, rollingProximityIdentifiers } from '../src/exposure/crypto.ts';
import { findMatches, indexObservations, type Observation, type PackedKeys } from '../src/exposure/matching.ts';
import { nodeAes } from '../src/exposure/node-aes.ts';
import { buildSignedExport } from '../src/server/modules/exposure/export-builder.ts';
import { argNumber } from './lib.ts';

const KEYS = argNumber('keys', 1_000_000);
const OBSERVED = argNumber('observed', 20_000);
const EXPORT_KEYS = argNumber('export-keys', 100_000);
const PLANTED_KEYS = 50;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * Raw AES-128-ECB through node:crypto (one key, 64 KiB per call) for about `ms` milliseconds: blocks done and seconds
 * taken. Measured in slices between the matching's slices, so both see the same load on a shared machine.
 */
const rawCipher = createCipheriv('aes-128-ecb', randomBytes(16), null);
rawCipher.setAutoPadding(false);
const rawChunk = Buffer.alloc(65_536);
function rawAes(ms: number): { blocks: number; seconds: number } {
  let blocks = 0;
  const started = performance.now();
  while (performance.now() - started < ms) {
    for (let i = 0; i < 20; i++) rawCipher.update(rawChunk);
    blocks += (20 * rawChunk.length) / 16;
  }
  return { blocks, seconds: (performance.now() - started) / 1000 };
}

/** The keys from `from` to `to` as their own packed set (views, no copy). */
function slice(keys: PackedKeys, from: number, to: number): PackedKeys {
  return {
    count: to - from,
    keyData: keys.keyData.subarray(from * 16, to * 16),
    rollingStart: keys.rollingStart.subarray(from, to),
    rollingPeriod: keys.rollingPeriod.subarray(from, to),
  };
}

/** A day of diagnosis keys: 14 days of 144-interval keys, as flat arrays. */
function makeKeys(count: number, today: number): PackedKeys {
  const keyData = randomBytes(count * 16);
  const rollingStart = new Int32Array(count);
  const rollingPeriod = new Int32Array(count).fill(144);
  for (let i = 0; i < count; i++) rollingStart[i] = today - (i % 14) * 144;
  return {
    count,
    keyData: new Uint8Array(keyData.buffer, keyData.byteOffset, keyData.length),
    rollingStart,
    rollingPeriod,
  };
}

function main() {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const today = Math.floor(nowSeconds / EN_INTERVAL_SECONDS / 144) * 144;
  console.log(`en-matching: ${fmt(KEYS)} keys × 144 RPIs against ${fmt(OBSERVED)} observed RPIs, one core`);

  const keys = makeKeys(KEYS, today);
  // the phone heard 50 of the published keys (5 sightings each) among otherwise unrelated RPIs
  const observations: Observation[] = [];
  const planted = new Set<number>();
  for (let p = 0; p < PLANTED_KEYS && observations.length < OBSERVED; p++) {
    const k = Math.floor((p * KEYS) / PLANTED_KEYS);
    planted.add(k);
    const start = keys.rollingStart[k] as number;
    const rpis = rollingProximityIdentifiers(
      deriveRpik(keys.keyData.subarray(k * 16, k * 16 + 16)),
      start,
      144,
      nodeAes,
    );
    for (let s = 0; s < 5; s++) {
      const j = 60 + s;
      observations.push({
        rpi: rpis.slice(j * 16, j * 16 + 16),
        at: (start + j) * EN_INTERVAL_SECONDS + 30,
        attenuation: 55,
      });
    }
  }
  while (observations.length < OBSERVED) {
    const at = nowSeconds - Math.floor(Math.random() * 14 * 86_400);
    observations.push({ rpi: new Uint8Array(randomBytes(16)), at, attenuation: 60 });
  }
  const index = indexObservations(observations);

  // warm the JIT and the cipher on a small slice, then every key in 10 slices, with 150 ms of raw AES after each
  findMatches(slice(keys, 0, Math.min(KEYS, 20_000)), index, nodeAes);
  rawAes(200);
  const matchedKeys = new Set<number>();
  let hitCount = 0;
  let seconds = 0;
  let rawBlocks = 0;
  let rawSeconds = 0;
  const step = Math.ceil(KEYS / 10);
  for (let from = 0; from < KEYS; from += step) {
    const to = Math.min(KEYS, from + step);
    const started = performance.now();
    const hits = findMatches(slice(keys, from, to), index, nodeAes);
    seconds += (performance.now() - started) / 1000;
    for (const h of hits) matchedKeys.add(from + h.key);
    hitCount += hits.length;
    const raw = rawAes(150);
    rawBlocks += raw.blocks;
    rawSeconds += raw.seconds;
  }
  const raw = rawBlocks / rawSeconds;
  const keysPerSecond = KEYS / seconds;
  const rpisPerSecond = (KEYS * 144) / seconds;
  console.log(`baseline  raw AES-128-ECB (node:crypto, 64 KiB calls, between the slices): ${fmt(raw)} blocks/s`);
  console.log(
    `measured  matching: ${seconds.toFixed(2)} s — ${fmt(keysPerSecond)} keys/s, ${fmt(rpisPerSecond)} RPIs/s ` +
      `(${((rpisPerSecond / raw) * 100).toFixed(0)} % of the raw block rate); ` +
      `${matchedKeys.size} keys matched (${planted.size} planted, ${[...planted].every((k) => matchedKeys.has(k)) ? 'all found' : 'SOME MISSED'}), ${hitCount} RPI hits`,
  );
  console.log(
    `  at the raw rate the 144M blocks alone take ${((KEYS * 144) / raw).toFixed(2)} s; ` +
      `the whole matching costs ${(raw / rpisPerSecond).toFixed(1)}× that`,
  );
  console.log(`  target < 10 s: ${seconds < 10 ? 'met' : 'NOT MET'}`);

  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const exportKeys = Array.from({ length: EXPORT_KEYS }, (_, i) => ({
    keyData: new Uint8Array(randomBytes(16)),
    rollingStartIntervalNumber: today - (i % 14) * 144,
    rollingPeriod: 144,
    transmissionRiskLevel: 4,
    reportType: 1,
  }));
  const exportStarted = performance.now();
  const zip = buildSignedExport(exportKeys, {
    region: 'VN',
    startTimestamp: nowSeconds - 3600,
    endTimestamp: nowSeconds,
    signer: { privateKey, keyId: 'bench', keyVersion: 'v1' },
  });
  const exportSeconds = (performance.now() - exportStarted) / 1000;
  console.log(
    `measured  export generation: ${fmt(EXPORT_KEYS)} keys → ${(zip.length / 1024 / 1024).toFixed(1)} MiB zip in ` +
      `${exportSeconds.toFixed(2)} s (${fmt(EXPORT_KEYS / exportSeconds)} keys/s); target < 5 s: ${exportSeconds < 5 ? 'met' : 'NOT MET'}`,
  );
}

main();
