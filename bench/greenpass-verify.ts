/**
 * Green pass verification throughput (issue 17): a full decode + verify of one HCERT QR text (prefix, base45, zlib,
 * COSE_Sign1, CWT, trust-list look-up by kid, ECDSA P-256 signature, key usage, validity, revocation set) per second,
 * against the raw `crypto.verify` of the same signature over the same Sig_structure with the same key, measured in
 * the same run, interleaved in small batches. Target: ratio ≥ 0.5. Then issuance (DCC → CWT → COSE ES256 → zlib → base45) per
 * second, and the browser's engine (WebCrypto) for reference. No server, one core.
 *
 *   node bin/run-ts.js bench/greenpass-verify.ts [--seconds 10]
 */
import { createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { buildCertificate } from '../src/greenpass/certificate.ts';
import { sigStructure } from '../src/greenpass/cose.ts';
import { kidOf, webCrypto } from '../src/greenpass/crypto.ts';
import { parseCertificate } from '../src/greenpass/der.ts';
import { decodeHcert, issueHcert, TrustStore, uvciHash, verifyHcert } from '../src/greenpass/hcert.ts';
import { nodeCrypto } from '../src/greenpass/node-crypto.ts';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const SECONDS = arg('seconds', 10);

const crypto = nodeCrypto();
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const der = await buildCertificate({
  commonName: 'bench DSC',
  country: 'VN',
  serial: randomBytes(8),
  notBefore: new Date(Date.now() - 86_400_000),
  notAfter: new Date(Date.now() + 400 * 86_400_000),
  spki: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })),
  sign: (tbs) => new Uint8Array(sign('sha256', tbs, privateKey)),
});
const kid = await kidOf(crypto, der);
// a trust list of 100 signers, as a verifier holds for many issuers
const signers = [{ kid, certificate: parseCertificate(der) }];
for (let i = 0; i < 99; i++) signers.push({ kid: randomBytes(8), certificate: parseCertificate(der) });
const trust = new TrustStore(signers);
const signP1363 = (data: Uint8Array) =>
  new Uint8Array(sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
const dcc = {
  ver: '1.3.0',
  nam: { fn: 'Nguyễn Văn', fnt: 'NGUYEN<VAN', gn: 'Phát', gnt: 'PHAT' },
  dob: '1990-01-02',
  v: [
    {
      tg: '840539006',
      vp: 'J07BX03',
      mp: 'EU/1/20/1528',
      ma: 'ORG-100030215',
      dn: 2,
      sd: 2,
      dt: '2026-10-01',
      co: 'VN',
      is: 'Bộ Y tế Việt Nam (Truyvet)',
      ci: 'URN:UVCI:01:VN:TRUYVET/0123456789ABCDEF0123456789#K',
    },
  ],
};
const issue = () =>
  issueHcert({
    dcc,
    issuer: 'VN',
    issuedAt: new Date(),
    expiresAt: new Date(Date.now() + 365 * 86_400_000),
    kid,
    alg: -7,
    sign: signP1363,
  });
const qr = await issue();
const decoded = decodeHcert(qr);
const toBeSigned = sigStructure(decoded.cose.protectedBytes, decoded.cose.payload);
const signature = decoded.cose.signature;
const key = createPublicKey({ key: Buffer.from(parseCertificate(der).spki), format: 'der', type: 'spki' });
const revoked = new Set(
  await Promise.all(Array.from({ length: 10_000 }, (_, i) => uvciHash(crypto, `URN:UVCI:01:VN:X/${i}`))),
);
const options = { trust, crypto, revoked };
const web = { trust, crypto: webCrypto(), revoked };
if (
  !(await verifyHcert(qr, options)).valid ||
  !verify('sha256', toBeSigned, { key, dsaEncoding: 'ieee-p1363' }, signature)
)
  throw new Error('the bench certificate does not verify');

if (!(await verifyHcert(qr, web)).valid) throw new Error('the bench certificate does not verify with WebCrypto');

// The machine is shared: load drifts within seconds. So raw and full verification are interleaved in small batches
// and each one's time is summed over the phase: both see the same load. WebCrypto (its work runs on libuv's thread
// pool and disturbs what follows it) and issuance are timed in a second phase of their own, interleaved likewise.
const phases: Array<Record<string, () => unknown>> = [
  {
    raw: () => verify('sha256', toBeSigned, { key, dsaEncoding: 'ieee-p1363' }, signature),
    full: async () => {
      if (!(await verifyHcert(qr, options)).valid) throw new Error('invalid');
    },
  },
  {
    web: async () => {
      if (!(await verifyHcert(qr, web)).valid) throw new Error('invalid');
    },
    issue,
  },
];
const spent: Record<string, { ms: number; n: number }> = {};
for (const kinds of phases) {
  for (const k of Object.keys(kinds)) spent[k] = { ms: 0, n: 0 };
  const until = performance.now() + SECONDS * 1000;
  while (performance.now() < until) {
    for (const [k, fn] of Object.entries(kinds)) {
      const batch = 50;
      const t0 = performance.now();
      for (let i = 0; i < batch; i++) await fn();
      const entry = spent[k] as { ms: number; n: number };
      entry.ms += performance.now() - t0;
      entry.n += batch;
    }
  }
}
const perSecond = (k: string) => ((spent[k]?.n ?? 0) / (spent[k]?.ms ?? 1)) * 1000;
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
console.log(`QR text: ${qr.length} characters; trust list 100 signers; revocation list 10,000 hashes`);
console.log(`raw crypto.verify (ES256, same key and signature): ${fmt(perSecond('raw'))} /s`);
console.log(`full decode + verify (node:crypto):                ${fmt(perSecond('full'))} /s`);
console.log(`full decode + verify (WebCrypto, the browser's):   ${fmt(perSecond('web'))} /s`);
console.log(`issuance (DCC → HC1:, ES256):                      ${fmt(perSecond('issue'))} /s`);
const ratio = perSecond('full') / perSecond('raw');
console.log(`ratio full/raw: ${ratio.toFixed(2)} (target ≥ 0.5: ${ratio >= 0.5 ? 'met' : 'NOT met'})`);
console.log(`operations timed: ${JSON.stringify(Object.fromEntries(Object.entries(spent).map(([k, v]) => [k, v.n])))}`);
