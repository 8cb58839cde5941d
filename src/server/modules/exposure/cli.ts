/**
 * The module's command-line tools (wired in main.ts): `truyvet en match` — what a phone would find in an export, from
 * a file of sightings — and `truyvet simulate-ble` — the synthetic town (src/exposure/simulator.ts) run through this
 * server's upload rules and signed export format. Neither needs a database.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { enIntervalNumber, toBase64 } from '../../../exposure/crypto.ts';
import {
  type ExportFile,
  importPublicKey,
  isZip,
  openExport,
  parseExportBin,
  unzipExport,
} from '../../../exposure/export-file.ts';
import { matchExposures } from '../../../exposure/matching.ts';
import { nodeAes } from '../../../exposure/node-aes.ts';
import { parseObservedJson } from '../../../exposure/observed.ts';
import { DEFAULT_SIMULATION, type SimulationReport, simulateTown } from '../../../exposure/simulator.ts';
import { EN_REGION } from './constants.ts';
import { buildSignedExport } from './export-builder.ts';
import { validateUpload } from './validate.ts';

/**
 * `truyvet en match`: one JSON line per matched diagnosis key (`{key, intervals, minutes, risk}`), then `N matched`.
 * A zip is checked against `publicKeyPem` when one is given.
 */
export async function matchCommand(
  exportBytes: Uint8Array,
  observedText: string,
  publicKeyPem?: string,
): Promise<string[]> {
  let file: ExportFile;
  if (isZip(exportBytes)) {
    if (publicKeyPem) file = await openExport(exportBytes, await importPublicKey(publicKeyPem));
    else file = parseExportBin(unzipExport(exportBytes).bin);
  } else {
    file = parseExportBin(exportBytes);
  }
  const matches = matchExposures(file.keys, parseObservedJson(observedText), { aes: nodeAes });
  return [
    ...matches.map((m) =>
      JSON.stringify({ key: toBase64(m.key.keyData), intervals: m.intervals, minutes: m.minutes, risk: m.risk }),
    ),
    `${matches.length} matched`,
  ];
}

/** Reads a file argument of `en match`. */
export function readBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

/**
 * `truyvet simulate-ble`: the synthetic town, with the F0s' uploads checked by this server's rules and published as a
 * signed export that the phones verify before matching.
 */
export async function simulateBle(options: Partial<typeof DEFAULT_SIMULATION>): Promise<SimulationReport> {
  const o = { ...DEFAULT_SIMULATION, ...options };
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const verificationKey = await importPublicKey(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  return simulateTown({ ...o, aes: nodeAes }, async (uploads) => {
    // uploads arrive after the last simulated day has ended (and its keys' embargo with it)
    const now = o.start + o.days * 86_400 + 3 * 3600;
    const keys = uploads.flatMap((teks) =>
      validateUpload(
        teks.map((k) => ({
          key: toBase64(k.keyData),
          rollingStartIntervalNumber: k.rollingStartIntervalNumber,
          rollingPeriod: k.rollingPeriod,
        })),
        now,
      ),
    );
    const zip = buildSignedExport(keys, {
      region: EN_REGION,
      startTimestamp: now - 3600,
      endTimestamp: now,
      signer: { privateKey, keyId: 'sim', keyVersion: 'v1' },
    });
    const file = await openExport(zip, verificationKey);
    if (file.keys.some((k) => k.rollingStartIntervalNumber > enIntervalNumber(now)))
      throw new Error('future key published');
    return file.keys;
  });
}

/** The report as the CLI prints it. */
export function formatSimulationReport(r: SimulationReport): string[] {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const places = Object.entries(r.contactsByPlace)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `simulate-ble: ${r.phones} phones, ${r.days} day(s), ${r.f0} F0 uploaded ${r.uploadedKeys} keys; ${r.observations.toLocaleString('en-US')} sightings`,
    `ground truth: ${r.trueContacts} people spent >= 15 min within 2 m of an F0 on one day (by place: ${places})`,
    `alerts: ${r.alerts} — ${r.truePositives} true, ${r.falsePositives} false, ${r.falseNegatives} contacts missed`,
    `precision ${pct(r.precision)}, recall ${pct(r.recall)}`,
    `venue check-ins alone: find ${r.foundByCheckins} of the ${r.trueContacts} contacts, miss ${r.missedByCheckins} ` +
      `(Bluetooth alerted ${r.missedByCheckinsButAlerted} of those)`,
    `time: world ${r.seconds.world} s, key server ${r.seconds.keyServer} s, matching on every phone ${r.seconds.matching} s`,
  ];
}
