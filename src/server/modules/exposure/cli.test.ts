import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  deriveRpik,
  EN_INTERVAL_SECONDS,
  rollingProximityIdentifiers,
  toBase64,
  toHex,
} from '../../../exposure/crypto.ts';
import { parseExportBin } from '../../../exposure/export-file.ts';
import { formatSimulationReport, matchCommand, simulateBle } from './cli.ts';
import { buildSignedExport } from './export-builder.ts';

const root = new URL('../../../../', import.meta.url).pathname;
const samplePath = join(root, 'test/fixtures/gaen/sample-export.bin');
const sample = new Uint8Array(readFileSync(samplePath));
const dir = mkdtempSync(join(tmpdir(), 'truyvet-en-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What a phone heard of the sample export's 8th key: 4 sightings 5 minutes apart at 50 dB. */
function observedOfSampleKey() {
  const key = parseExportBin(sample).keys[7]!;
  const rpis = rollingProximityIdentifiers(deriveRpik(key.keyData), key.rollingStartIntervalNumber, key.rollingPeriod);
  const observed = [0, 5, 10, 15].map((m) => {
    const j = 20 + Math.floor(m / 10);
    return {
      rpi: toHex(rpis.subarray(j * 16, j * 16 + 16)),
      at: (key.rollingStartIntervalNumber + 20) * EN_INTERVAL_SECONDS + m * 60,
      attenuation: 50,
    };
  });
  // and one identifier of nobody's
  observed.push({ rpi: '00'.repeat(16), at: observed[0]!.at, attenuation: 40 });
  return { key, observed };
}

describe('truyvet en match', () => {
  it('prints one JSON line per matched key of the sample export and the count', async () => {
    const { key, observed } = observedOfSampleKey();
    const lines = await matchCommand(sample, JSON.stringify(observed));
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0]!);
    expect(first).toEqual({
      key: toBase64(key.keyData),
      intervals: [key.rollingStartIntervalNumber + 20, key.rollingStartIntervalNumber + 21],
      minutes: 20,
      risk: expect.any(Number),
    });
    expect(lines[1]).toBe('1 matched');
  });

  it('checks a zip against the public key when given one', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const file = parseExportBin(sample);
    const zip = buildSignedExport(file.keys, {
      region: 'US',
      startTimestamp: file.startTimestamp,
      endTimestamp: file.endTimestamp,
      signer: { privateKey, keyId: 'test', keyVersion: 'v1' },
    });
    const { observed } = observedOfSampleKey();
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect((await matchCommand(zip, JSON.stringify(observed), pem)).at(-1)).toBe('1 matched');
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    await expect(matchCommand(zip, JSON.stringify(observed), other.toString())).rejects.toThrow(/signature/);
    await expect(matchCommand(zip, '[{"rpi":"zz","at":1,"attenuation":1}]')).rejects.toThrow(/entry 0/);
  });

  it('runs as a command', () => {
    const { observed } = observedOfSampleKey();
    const observedPath = join(dir, 'observed.json');
    writeFileSync(observedPath, JSON.stringify(observed));
    const out = execFileSync(
      process.execPath,
      ['bin/truyvet-dev.js', 'en', 'match', '--export', samplePath, '--observed', observedPath],
      { cwd: root, encoding: 'utf8' },
    );
    expect(out.trim().split('\n').at(-1)).toBe('1 matched');
  }, 30_000);
});

describe('truyvet simulate-ble', () => {
  it('simulates a town through the real upload rules and signed exports, and measures the alerts', async () => {
    const report = await simulateBle({ phones: 300, days: 1, seed: 5 });
    expect(report.f0).toBe(3);
    expect(report.uploadedKeys).toBe(3);
    expect(report.trueContacts).toBeGreaterThan(0);
    expect(report.truePositives + report.falseNegatives).toBe(report.trueContacts);
    expect(report.recall).toBeGreaterThan(0.5);
    expect(report.precision).toBeGreaterThan(0.5);
    expect(report.foundByCheckins + report.missedByCheckins).toBe(report.trueContacts);
    expect(formatSimulationReport(report).join('\n')).toMatch(/precision [0-9.]+ %, recall [0-9.]+ %/);
  }, 60_000);
});
