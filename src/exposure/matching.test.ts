import { describe, expect, it } from 'vitest';
import {
  associatedEncryptedMetadata,
  deriveAemk,
  deriveRpik,
  EN_INTERVAL_SECONDS,
  encodeMetadata,
  generateTek,
  portableAes,
  rollingProximityIdentifiers,
} from './crypto.ts';
import type { DiagnosisKey } from './export-file.ts';
import { assessExposure, DEFAULT_RISK_CONFIG, matchExposures, type Observation } from './matching.ts';
import { nodeAes } from './node-aes.ts';

const DAY_START = 2_800_000 * EN_INTERVAL_SECONDS; // an interval number divisible by 144 → a key period start

/** Sightings of `tek` every 5 minutes from `fromMinute` for `minutes`, at `attenuation` dB. */
function sightings(tek: DiagnosisKey, fromMinute: number, minutes: number, attenuation: number): Observation[] {
  const rpis = rollingProximityIdentifiers(deriveRpik(tek.keyData), tek.rollingStartIntervalNumber, 144);
  const out: Observation[] = [];
  for (let m = fromMinute; m <= fromMinute + minutes; m += 5) {
    const at = DAY_START + m * 60;
    const j = Math.floor((at - tek.rollingStartIntervalNumber * EN_INTERVAL_SECONDS) / EN_INTERVAL_SECONDS);
    out.push({ rpi: rpis.slice(j * 16, j * 16 + 16), at, attenuation });
  }
  return out;
}

describe('matching diagnosis keys against sightings', () => {
  const f0 = { ...generateTek(DAY_START), transmissionRiskLevel: 4 };
  const stranger = generateTek(DAY_START);

  for (const [name, aes] of [
    ['portable AES', portableAes],
    ['node:crypto AES', nodeAes],
  ] as const) {
    it(`finds a 30-minute close contact and alerts (${name})`, () => {
      const observed = [...sightings(f0, 600, 30, 50), ...sightings(stranger, 100, 60, 50)];
      const matches = matchExposures([f0, generateTek(DAY_START)], observed, { aes });
      expect(matches).toHaveLength(1);
      const m = matches[0]!;
      expect(m.key).toBe(f0);
      expect(m.minutes).toBe(35); // 7 sightings, 5 minutes each
      expect(m.intervals).toEqual([2_800_060, 2_800_061, 2_800_062, 2_800_063]);
      expect(m.windows).toHaveLength(1);
      expect(m.risk).toBeCloseTo(35);
      expect(assessExposure(matches).alert).toBe(true);
    });
  }

  it('does not alert for a brief or a distant encounter', () => {
    expect(assessExposure(matchExposures([f0], sightings(f0, 600, 0, 50))).alert).toBe(false);
    const far = matchExposures([f0], sightings(f0, 600, 120, 80));
    expect(far).toHaveLength(1);
    expect(far[0]!.risk).toBe(0);
    expect(assessExposure(far).alert).toBe(false);
  });

  it('splits sightings more than the window gap apart into exposure windows', () => {
    const m = matchExposures([f0], [...sightings(f0, 60, 10, 60), ...sightings(f0, 300, 10, 60)])[0]!;
    expect(m.windows.map((w) => w.sightings)).toEqual([3, 3]);
  });

  it('ignores an RPI heard far outside its interval (a replayed identifier)', () => {
    const replay = sightings(f0, 600, 10, 50).map((o) => ({ ...o, at: o.at + 6 * 3600 }));
    expect(matchExposures([f0], replay)).toEqual([]);
  });

  it('weighs the transmission risk and takes the attenuation from the decrypted metadata', () => {
    const aemk = deriveAemk(f0.keyData);
    const observed = sightings(f0, 600, 30, 0).map(({ attenuation: _, ...o }) => ({
      ...o,
      rssi: -60,
      aem: associatedEncryptedMetadata(aemk, o.rpi, encodeMetadata(-8)),
    }));
    // transmit power −8 dBm heard at −60 dBm: 52 dB, the nearest bucket
    const m = matchExposures([{ ...f0, transmissionRiskLevel: 8 }], observed)[0]!;
    expect(m.windows[0]!.minAttenuation).toBe(52);
    expect(m.risk).toBeCloseTo(35 * DEFAULT_RISK_CONFIG.transmissionRiskWeights[8]!, 1);
  });
});
