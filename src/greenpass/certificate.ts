/**
 * Writing a document-signer X.509 certificate (RFC 5280) for an ECDSA P-256 key: self-signed, or signed by a CSCA
 * key — any `sign` function producing a DER ECDSA-with-SHA256 signature (node:crypto, WebCrypto or an HSM).
 * The extended key usages say which DCC types the signer may sign (HCERT §5.1.1).
 */
import { derEncode, derOid, derPositiveInteger, derSeq, derUtcTime, derUtf8 } from './der.ts';

const OID_ECDSA_SHA256 = '1.2.840.10045.4.3.2';
const OID_CN = '2.5.4.3';
const OID_C = '2.5.4.6';
const OID_O = '2.5.4.10';

export interface CertificateRequest {
  /** Subject (and, self-signed, issuer) common name. */
  commonName: string;
  organization?: string;
  /** ISO 3166 alpha-2. */
  country: string;
  serial: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** SubjectPublicKeyInfo DER of the signer key. */
  spki: Uint8Array;
  extendedKeyUsages?: string[];
  /** Signs the TBSCertificate; returns a DER ECDSA signature. */
  sign: (tbs: Uint8Array) => Promise<Uint8Array> | Uint8Array;
  /** Issuer name DER when signed by a CSCA (defaults to the subject: self-signed). */
  issuer?: Uint8Array;
}

function rdn(oid: string, value: Uint8Array): Uint8Array {
  return derEncode(0x31, derSeq(derOid(oid), value));
}

export function x509Name(commonName: string, country: string, organization?: string): Uint8Array {
  const printable = (s: string) => derEncode(0x13, new TextEncoder().encode(s));
  return derSeq(
    rdn(OID_C, printable(country)),
    ...(organization ? [rdn(OID_O, derUtf8(organization))] : []),
    rdn(OID_CN, derUtf8(commonName)),
  );
}

export async function buildCertificate(req: CertificateRequest): Promise<Uint8Array> {
  const subject = x509Name(req.commonName, req.country, req.organization);
  const algorithm = derSeq(derOid(OID_ECDSA_SHA256));
  const extensions: Uint8Array[] = [
    // keyUsage: digitalSignature, critical
    derSeq(
      derOid('2.5.29.15'),
      derEncode(0x01, Uint8Array.of(0xff)),
      derEncode(0x04, derEncode(0x03, Uint8Array.of(7, 0x80))),
    ),
  ];
  if (req.extendedKeyUsages?.length)
    extensions.push(derSeq(derOid('2.5.29.37'), derEncode(0x04, derSeq(...req.extendedKeyUsages.map(derOid)))));
  const tbs = derSeq(
    derEncode(0xa0, derEncode(0x02, Uint8Array.of(2))),
    derPositiveInteger(req.serial),
    algorithm,
    req.issuer ?? subject,
    derSeq(derUtcTime(req.notBefore), derUtcTime(req.notAfter)),
    subject,
    req.spki,
    derEncode(0xa3, derSeq(...extensions)),
  );
  const signature = await req.sign(tbs);
  return derSeq(tbs, algorithm, derEncode(0x03, Uint8Array.of(0), signature));
}
