/**
 * Just enough DER (X.690) to read a document-signer certificate — its public key, validity and extended key usages —
 * and to write one: HCERT trust lists carry X.509 certificates, and browsers have no X.509 parser of their own.
 * Reading is bounds-checked; anything malformed is a `DerError`.
 */
export class DerError extends Error {}

export interface DerNode {
  tag: number;
  /** The whole element, header included. */
  raw: Uint8Array;
  /** The contents. */
  body: Uint8Array;
}

export function derRead(bytes: Uint8Array, offset = 0): DerNode & { end: number } {
  if (offset + 2 > bytes.length) throw new DerError('der: truncated');
  const tag = bytes[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new DerError('der: multi-byte tags are not supported');
  let len = bytes[offset + 1] as number;
  let p = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > bytes.length) throw new DerError('der: bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (bytes[p++] as number);
  }
  if (p + len > bytes.length) throw new DerError('der: length beyond the input');
  return { tag, raw: bytes.subarray(offset, p + len), body: bytes.subarray(p, p + len), end: p + len };
}

export function derChildren(node: DerNode): DerNode[] {
  const out: DerNode[] = [];
  for (let p = 0; p < node.body.length; ) {
    const child = derRead(node.body, p);
    out.push(child);
    p = child.end;
  }
  return out;
}

export function oidToString(body: Uint8Array): string {
  if (body.length === 0) throw new DerError('der: empty OID');
  const first = body[0] as number;
  const parts = [first < 80 ? Math.floor(first / 40) : 2, first < 80 ? first % 40 : first - 80];
  let v = 0;
  for (let i = 1; i < body.length; i++) {
    const b = body[i] as number;
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

function derTime(node: DerNode): Date {
  const s = new TextDecoder().decode(node.body);
  const m = /^(\d{2,4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.\d+)?Z$/.exec(s);
  if (!m) throw new DerError(`der: unsupported time ${s}`);
  let year = Number(m[1]);
  if (node.tag === 0x17) year += year < 50 ? 2000 : 1900;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)));
}

export const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
export const OID_RSA = '1.2.840.113549.1.1.1';
export const OID_RSA_PSS = '1.2.840.113549.1.1.10';
const OID_EXT_KEY_USAGE = '2.5.29.37';

export interface X509Info {
  der: Uint8Array;
  /** SubjectPublicKeyInfo DER, ready for `importKey('spki')` / `createPublicKey`. */
  spki: Uint8Array;
  /** '1.2.840.10045.2.1' (EC) or an RSA OID. */
  keyAlgorithm: string;
  /** The named curve's OID for EC keys. */
  curve?: string;
  notBefore: Date;
  notAfter: Date;
  /** Extended key usage OIDs (empty when the extension is absent). */
  extendedKeyUsages: string[];
  subject: Uint8Array;
}

export function parseCertificate(der: Uint8Array): X509Info {
  const cert = derRead(der);
  if (cert.tag !== 0x30 || cert.end !== der.length) throw new DerError('x509: not a certificate');
  const [tbs] = derChildren(cert);
  if (tbs?.tag !== 0x30) throw new DerError('x509: no tbsCertificate');
  const fields = derChildren(tbs);
  let i = fields[0]?.tag === 0xa0 ? 1 : 0;
  i += 2; // serialNumber, signature
  i += 1; // issuer
  const validity = fields[i++];
  const subject = fields[i++];
  const spki = fields[i++];
  if (!validity || !subject || !spki || spki.tag !== 0x30) throw new DerError('x509: truncated tbsCertificate');
  const [nb, na] = derChildren(validity);
  if (!nb || !na) throw new DerError('x509: bad validity');
  const [algId] = derChildren(spki);
  if (!algId) throw new DerError('x509: bad public key');
  const [algOid, params] = derChildren(algId);
  if (algOid?.tag !== 0x06) throw new DerError('x509: bad public key algorithm');
  const ekus: string[] = [];
  for (const f of fields.slice(i)) {
    if (f.tag !== 0xa3) continue;
    const [exts] = derChildren(f);
    if (!exts) continue;
    for (const ext of derChildren(exts)) {
      const parts = derChildren(ext);
      const id = parts[0];
      const value = parts[parts.length - 1];
      if (!id || !value || oidToString(id.body) !== OID_EXT_KEY_USAGE) continue;
      for (const usage of derChildren(derRead(value.body))) if (usage.tag === 0x06) ekus.push(oidToString(usage.body));
    }
  }
  return {
    der,
    spki: spki.raw,
    keyAlgorithm: oidToString(algOid.body),
    curve: params?.tag === 0x06 ? oidToString(params.body) : undefined,
    notBefore: derTime(nb),
    notAfter: derTime(na),
    extendedKeyUsages: ekus,
    subject: subject.raw,
  };
}

// ---- writing -------------------------------------------------------------------------------------------------------

export function derEncode(tag: number, ...contents: Uint8Array[]): Uint8Array {
  const len = contents.reduce((n, c) => n + c.length, 0);
  const head =
    len < 0x80
      ? [tag, len]
      : len < 0x100
        ? [tag, 0x81, len]
        : len < 0x10000
          ? [tag, 0x82, len >> 8, len & 0xff]
          : [tag, 0x83, len >> 16, (len >> 8) & 0xff, len & 0xff];
  const out = new Uint8Array(head.length + len);
  out.set(head);
  let o = head.length;
  for (const c of contents) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

export const derSeq = (...c: Uint8Array[]) => derEncode(0x30, ...c);

export function derOid(oid: string): Uint8Array {
  const parts = oid.split('.').map(Number);
  const bytes = [(parts[0] as number) * 40 + (parts[1] as number)];
  for (const p of parts.slice(2)) {
    const chunk = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return derEncode(0x06, Uint8Array.from(bytes));
}

export function derUtf8(s: string): Uint8Array {
  return derEncode(0x0c, new TextEncoder().encode(s));
}

export function derPositiveInteger(bytes: Uint8Array): Uint8Array {
  let b = bytes;
  while (b.length > 1 && b[0] === 0 && ((b[1] as number) & 0x80) === 0) b = b.subarray(1);
  return derEncode(0x02, ((b[0] ?? 0) & 0x80) !== 0 ? Uint8Array.from([0, ...b]) : b);
}

export function derUtcTime(d: Date): Uint8Array {
  const p = (n: number) => String(n).padStart(2, '0');
  const y = d.getUTCFullYear();
  const s = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return y >= 1950 && y < 2050
    ? derEncode(0x17, new TextEncoder().encode(`${p(y % 100)}${s}`))
    : derEncode(0x18, new TextEncoder().encode(`${y}${s}`));
}
