/**
 * Builds one published batch: export.bin (the diagnosis keys in the published protobuf format, src/exposure),
 * export.sig (ECDSA P-256 over SHA-256 of export.bin, by node:crypto with the server's private key, which never
 * leaves this process) and the zip clients download. Pure: the service decides which keys go in.
 */
import { type KeyObject, sign } from 'node:crypto';
import {
  type DiagnosisKey,
  encodeExportBin,
  encodeSignatureFile,
  SIGNATURE_ALGORITHM,
  type SignatureInfo,
  zipExport,
} from '../../../exposure/export-file.ts';

export interface ExportSigner {
  privateKey: KeyObject;
  /** what clients were told to expect: `verification_key_id` (by convention the country's mobile code, 452) */
  keyId: string;
  keyVersion: string;
}

export interface ExportBatchOptions {
  region: string;
  /** arrival window of the keys, Unix seconds */
  startTimestamp: number;
  endTimestamp: number;
  signer: ExportSigner;
}

export function signatureInfoOf(signer: ExportSigner): SignatureInfo {
  return {
    verificationKeyVersion: signer.keyVersion,
    verificationKeyId: signer.keyId,
    signatureAlgorithm: SIGNATURE_ALGORITHM,
  };
}

/** The zip of one batch (batch 1 of 1, as every client expects). */
export function buildSignedExport(keys: readonly DiagnosisKey[], options: ExportBatchOptions): Uint8Array {
  const info = signatureInfoOf(options.signer);
  const bin = encodeExportBin({
    startTimestamp: options.startTimestamp,
    endTimestamp: options.endTimestamp,
    region: options.region,
    batchNum: 1,
    batchSize: 1,
    signatureInfos: [info],
    keys: [...keys],
    revisedKeys: [],
  });
  // node:crypto signs ECDSA as ASN.1 DER (X9.62), the encoding export.sig carries
  const signature = sign('sha256', bin, options.signer.privateKey);
  return zipExport(bin, encodeSignatureFile(info, signature));
}
