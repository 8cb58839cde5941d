import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateTek, toBase64 } from './crypto.ts';
import {
  derSignatureToRaw,
  EXPORT_HEADER,
  type ExportFile,
  ExportFormatError,
  encodeExportBin,
  encodeSignatureFile,
  importPublicKey,
  openExport,
  parseExportBin,
  SIGNATURE_ALGORITHM,
  unzipExport,
  verifyExport,
  zipExport,
} from './export-file.ts';

const sample = new Uint8Array(readFileSync(new URL('../../test/fixtures/gaen/sample-export.bin', import.meta.url)));

describe('Exposure Key Export files', () => {
  it('parses the sample export: 200 keys from region US', () => {
    const file = parseExportBin(sample);
    expect(file.region).toBe('US');
    expect(file.keys).toHaveLength(200);
    expect(file.batchNum).toBe(1);
    expect(file.batchSize).toBe(1);
    expect(file.endTimestamp).toBeGreaterThan(file.startTimestamp);
    for (const k of file.keys) {
      expect(k.keyData).toHaveLength(16);
      expect(k.rollingPeriod).toBeGreaterThanOrEqual(1);
      expect(k.rollingPeriod).toBeLessThanOrEqual(144);
      expect(k.rollingStartIntervalNumber).toBeGreaterThan(2_600_000);
    }
    // an early export: its signature info names the app in a field the published format has since reserved
    expect(file.signatureInfos).toHaveLength(1);
  });

  it('re-encodes the sample export into a file that parses back to the same keys', () => {
    const file = parseExportBin(sample);
    expect(parseExportBin(encodeExportBin(file))).toEqual(file);
  });

  it('refuses a wrong header and a malformed body', () => {
    expect(() => parseExportBin(new TextEncoder().encode('EK Export v2    '))).toThrow(ExportFormatError);
    const broken = new Uint8Array([...new TextEncoder().encode(EXPORT_HEADER), 0x3a, 0xff, 0xff]);
    expect(() => parseExportBin(broken)).toThrow(ExportFormatError);
    expect(() => unzipExport(new Uint8Array([1, 2, 3]))).toThrow(ExportFormatError);
    expect(() => unzipExport(zipExport(sample, new Uint8Array()).subarray(0, 40))).toThrow(ExportFormatError);
  });

  it('round-trips our export: signed with our key, it verifies with the public key and parses back identically', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const now = 1_700_000_000;
    const keys = Array.from({ length: 50 }, (_, i) => ({
      ...generateTek(now - i * 3600),
      transmissionRiskLevel: i % 9,
      reportType: 1,
      daysSinceOnsetOfSymptoms: (i % 29) - 14,
    }));
    const file: ExportFile = {
      startTimestamp: now - 3600,
      endTimestamp: now,
      region: 'VN',
      batchNum: 1,
      batchSize: 1,
      signatureInfos: [
        { verificationKeyVersion: 'v1', verificationKeyId: '452', signatureAlgorithm: SIGNATURE_ALGORITHM },
      ],
      keys,
      revisedKeys: [],
    };
    const bin = encodeExportBin(file);
    const info = file.signatureInfos[0]!;
    const sig = encodeSignatureFile(info, sign('sha256', bin, privateKey));
    const zip = zipExport(bin, sig);
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const parsed = await openExport(zip, await importPublicKey(pem));
    expect(parsed.region).toBe('VN');
    expect(parsed.keys.map((k) => toBase64(k.keyData))).toEqual(keys.map((k) => toBase64(k.keyData)));
    expect(parsed).toEqual({ ...file, keys: parsed.keys });
    expect(parsed.keys.map(({ keyData: _, ...rest }) => rest)).toEqual(keys.map(({ keyData: _, ...rest }) => rest));

    // one flipped byte of export.bin, or another authority's key: the export is refused
    const tampered = bin.slice();
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;
    expect(await verifyExport(tampered, sig, await importPublicKey(pem))).toBe(false);
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    await expect(openExport(zip, await importPublicKey(other.toString()))).rejects.toThrow(ExportFormatError);
  });

  it('turns DER signatures into raw r ‖ s, left-padding short integers', () => {
    const der = new Uint8Array([0x30, 0x08, 0x02, 0x02, 0x00, 0x81, 0x02, 0x02, 0x01, 0x02]);
    const raw = derSignatureToRaw(der, 4);
    expect([...raw]).toEqual([0, 0, 0, 0x81, 0, 0, 1, 2]);
    expect(() => derSignatureToRaw(new Uint8Array([0x31, 0]))).toThrow(ExportFormatError);
  });
});
