/**
 * The Exposure Key Export format (Apple/Google "Exposure Key Export File Format and Verification"): a zip holding
 * `export.bin` (the 16-byte header "EK Export v1    " then a TemporaryExposureKeyExport protobuf) and `export.sig`
 * (a TEKSignatureList whose ECDSA P-256 / SHA-256 signature covers the whole export.bin). The protobuf code is
 * generated from the published .proto (proto/export.proto → gen/export_pb.ts, @bufbuild/protobuf: no eval, so it
 * runs under the web app's strict CSP); zips by fflate; signatures are checked with WebCrypto (browsers and Node).
 */
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { unzipSync, zipSync } from 'fflate';
import { fromBase64, type TemporaryExposureKey } from './crypto.ts';
import {
  type TEKSignatureList,
  TEKSignatureListSchema,
  TemporaryExposureKeyExportSchema,
  TemporaryExposureKeySchema,
} from './gen/export_pb.ts';

export const EXPORT_HEADER = 'EK Export v1    ';
/** ECDSA with SHA-256, the only algorithm the protocol allows. */
export const SIGNATURE_ALGORITHM = '1.2.840.10045.4.3.2';
/** Largest export.bin / export.sig a client unpacks (the guides cap archives at 16 MB and 750,000 keys). */
export const MAX_EXPORT_BYTES = 32 * 1024 * 1024;

/** GAEN report types (TemporaryExposureKey.ReportType). */
export const REPORT_TYPES = {
  unknown: 0,
  confirmedTest: 1,
  confirmedClinicalDiagnosis: 2,
  selfReport: 3,
  recursive: 4,
  revoked: 5,
} as const;

/** A key as an export carries it: the TEK and what the health authority says about it. */
export interface DiagnosisKey extends TemporaryExposureKey {
  /** 0–8; deprecated in the protocol, still what our risk score weighs (absent → the scoring default) */
  transmissionRiskLevel?: number | undefined;
  reportType?: number | undefined;
  daysSinceOnsetOfSymptoms?: number | undefined;
}

export interface SignatureInfo {
  verificationKeyVersion: string;
  verificationKeyId: string;
  signatureAlgorithm: string;
}

export interface ExportFile {
  /** arrival window of the keys at the server, Unix seconds */
  startTimestamp: number;
  endTimestamp: number;
  region: string;
  batchNum: number;
  batchSize: number;
  signatureInfos: SignatureInfo[];
  keys: DiagnosisKey[];
  revisedKeys: DiagnosisKey[];
}

export class ExportFormatError extends Error {
  override readonly name = 'ExportFormatError';
}

const HEADER_BYTES = new TextEncoder().encode(EXPORT_HEADER);

function keyMessage(k: DiagnosisKey) {
  return create(TemporaryExposureKeySchema, {
    keyData: k.keyData,
    rollingStartIntervalNumber: k.rollingStartIntervalNumber,
    rollingPeriod: k.rollingPeriod,
    ...(k.transmissionRiskLevel === undefined ? {} : { transmissionRiskLevel: k.transmissionRiskLevel }),
    ...(k.reportType === undefined ? {} : { reportType: k.reportType }),
    ...(k.daysSinceOnsetOfSymptoms === undefined ? {} : { daysSinceOnsetOfSymptoms: k.daysSinceOnsetOfSymptoms }),
  });
}

/** export.bin: the header followed by the serialized TemporaryExposureKeyExport. */
export function encodeExportBin(file: ExportFile): Uint8Array {
  const message = create(TemporaryExposureKeyExportSchema, {
    startTimestamp: BigInt(file.startTimestamp),
    endTimestamp: BigInt(file.endTimestamp),
    region: file.region,
    batchNum: file.batchNum,
    batchSize: file.batchSize,
    signatureInfos: file.signatureInfos,
    keys: file.keys.map(keyMessage),
    revisedKeys: file.revisedKeys.map(keyMessage),
  });
  const body = toBinary(TemporaryExposureKeyExportSchema, message);
  const out = new Uint8Array(HEADER_BYTES.length + body.length);
  out.set(HEADER_BYTES);
  out.set(body, HEADER_BYTES.length);
  return out;
}

/** Parses export.bin; throws ExportFormatError for a wrong header or malformed protobuf. */
export function parseExportBin(bytes: Uint8Array): ExportFile {
  if (bytes.length < HEADER_BYTES.length || HEADER_BYTES.some((b, i) => bytes[i] !== b)) {
    throw new ExportFormatError('not an export file: the header is not "EK Export v1    "');
  }
  let message: ReturnType<typeof fromBinary<typeof TemporaryExposureKeyExportSchema>>;
  try {
    message = fromBinary(TemporaryExposureKeyExportSchema, bytes.subarray(HEADER_BYTES.length));
  } catch (err) {
    throw new ExportFormatError(`malformed export protobuf: ${err instanceof Error ? err.message : String(err)}`);
  }
  const key = (k: (typeof message.keys)[number]): DiagnosisKey => ({
    keyData: k.keyData,
    rollingStartIntervalNumber: k.rollingStartIntervalNumber,
    rollingPeriod: k.rollingPeriod,
    transmissionRiskLevel: k.transmissionRiskLevel,
    reportType: k.reportType,
    daysSinceOnsetOfSymptoms: k.daysSinceOnsetOfSymptoms,
  });
  return {
    startTimestamp: Number(message.startTimestamp),
    endTimestamp: Number(message.endTimestamp),
    region: message.region,
    batchNum: message.batchNum,
    batchSize: message.batchSize,
    signatureInfos: message.signatureInfos.map((s) => ({
      verificationKeyVersion: s.verificationKeyVersion,
      verificationKeyId: s.verificationKeyId,
      signatureAlgorithm: s.signatureAlgorithm,
    })),
    keys: message.keys.map(key),
    revisedKeys: message.revisedKeys.map(key),
  };
}

/** export.sig: one TEKSignature (batch 1 of 1, as every client expects). */
export function encodeSignatureFile(signatureInfo: SignatureInfo, signatureDer: Uint8Array): Uint8Array {
  return toBinary(
    TEKSignatureListSchema,
    create(TEKSignatureListSchema, {
      signatures: [{ signatureInfo, batchNum: 1, batchSize: 1, signature: signatureDer }],
    }),
  );
}

export function parseSignatureFile(bytes: Uint8Array): TEKSignatureList {
  try {
    return fromBinary(TEKSignatureListSchema, bytes);
  } catch (err) {
    throw new ExportFormatError(`malformed signature file: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The archive clients download: export.bin and export.sig at its root. */
export function zipExport(bin: Uint8Array, sig: Uint8Array): Uint8Array {
  return zipSync({ 'export.bin': bin, 'export.sig': sig }, { level: 6 });
}

/** Unpacks an archive; refuses one without both files or with an entry larger than MAX_EXPORT_BYTES. */
export function unzipExport(zip: Uint8Array): { bin: Uint8Array; sig: Uint8Array } {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, {
      filter: (f) => {
        if (f.originalSize > MAX_EXPORT_BYTES) throw new ExportFormatError(`${f.name} is too large`);
        return f.name === 'export.bin' || f.name === 'export.sig';
      },
    });
  } catch (err) {
    if (err instanceof ExportFormatError) throw err;
    throw new ExportFormatError(`not a zip archive: ${err instanceof Error ? err.message : String(err)}`);
  }
  const bin = files['export.bin'];
  const sig = files['export.sig'];
  if (!bin || !sig) throw new ExportFormatError('the archive must hold export.bin and export.sig');
  return { bin, sig };
}

/** True when the bytes start like a zip archive (local file header "PK\x03\x04"). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** DER of a PEM block ("-----BEGIN PUBLIC KEY-----", SPKI). */
export function pemToDer(pem: string): Uint8Array {
  const body = pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, '');
  return fromBase64(body);
}

/** An ASN.1 DER ECDSA signature (SEQUENCE of two INTEGERs) as the raw r ‖ s WebCrypto verifies. */
export function derSignatureToRaw(der: Uint8Array, size = 32): Uint8Array {
  const fail = () => new ExportFormatError('malformed ECDSA signature');
  let p = 0;
  const readLength = () => {
    let len = der[p++] ?? 0;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n > 2) throw fail();
      len = 0;
      for (let i = 0; i < n; i++) len = (len << 8) | (der[p++] ?? 0);
    }
    return len;
  };
  if (der[p++] !== 0x30) throw fail();
  const seqLen = readLength();
  if (p + seqLen !== der.length) throw fail();
  const out = new Uint8Array(size * 2);
  for (let part = 0; part < 2; part++) {
    if (der[p++] !== 0x02) throw fail();
    const len = readLength();
    let int = der.subarray(p, p + len);
    p += len;
    while (int.length > size && int[0] === 0) int = int.subarray(1);
    if (int.length > size || int.length === 0) throw fail();
    out.set(int, part * size + size - int.length);
  }
  if (p !== der.length) throw fail();
  return out;
}

/** A WebCrypto key (named without the DOM typings, which the server build does not load). */
export type VerificationKey = Awaited<ReturnType<typeof globalThis.crypto.subtle.importKey>>;

/** Imports a P-256 public key (PEM or DER SubjectPublicKeyInfo) for `verifyExport`. */
export function importPublicKey(spki: string | Uint8Array): Promise<VerificationKey> {
  const der = typeof spki === 'string' ? pemToDer(spki) : spki;
  return globalThis.crypto.subtle.importKey(
    'spki',
    der as Uint8Array<ArrayBuffer>,
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['verify'],
  );
}

/** True when one of the signature file's ECDSA-SHA256 signatures over export.bin verifies with `publicKey`. */
export async function verifyExport(bin: Uint8Array, sig: Uint8Array, publicKey: VerificationKey): Promise<boolean> {
  const list = parseSignatureFile(sig);
  for (const s of list.signatures) {
    if (s.signatureInfo && s.signatureInfo.signatureAlgorithm !== SIGNATURE_ALGORITHM) continue;
    let raw: Uint8Array;
    try {
      raw = derSignatureToRaw(s.signature);
    } catch {
      continue;
    }
    const ok = await globalThis.crypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      publicKey,
      raw as Uint8Array<ArrayBuffer>,
      bin as Uint8Array<ArrayBuffer>,
    );
    if (ok) return true;
  }
  return false;
}

/**
 * Opens a downloaded archive: unzips it, checks the signature with the health authority's key and parses the keys.
 * Throws ExportFormatError for a malformed archive or a signature that does not verify — a client uses no key of
 * an export it cannot verify.
 */
export async function openExport(zip: Uint8Array, publicKey: VerificationKey): Promise<ExportFile> {
  const { bin, sig } = unzipExport(zip);
  if (!(await verifyExport(bin, sig, publicKey))) throw new ExportFormatError('the export signature does not verify');
  return parseExportBin(bin);
}
