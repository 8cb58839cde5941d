import { generateKeyPairSync, sign as nodeSign, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base45Decode, base45Encode } from './base45.ts';
import { CborError, cborDecode, cborEncode, Tagged } from './cbor.ts';
import { buildCertificate } from './certificate.ts';
import { runConformanceCase } from './conformance.ts';
import { signCoseSign1 } from './cose.ts';
import { kidOf, webCrypto } from './crypto.ts';
import { parseCertificate } from './der.ts';
import { decodeHcert, HCERT_PREFIX, issueHcert, KEY_USAGE_OIDS, TrustStore, uvciHash, verifyHcert } from './hcert.ts';
import { nodeCrypto } from './node-crypto.ts';
import { zlibCompress, zlibDecompress } from './zlib.ts';

const crypto = nodeCrypto();
const NOW = new Date('2026-12-05T00:00:00Z');

async function makeSigner(ekus?: string[]) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = await buildCertificate({
    commonName: 'Truyvet test DSC',
    country: 'VN',
    serial: randomBytes(8),
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2028-01-01T00:00:00Z'),
    spki: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })),
    extendedKeyUsages: ekus,
    sign: (tbs) => new Uint8Array(nodeSign('sha256', tbs, privateKey)),
  });
  const certificate = parseCertificate(der);
  const kid = await kidOf(crypto, der);
  const sign = (data: Uint8Array) =>
    new Uint8Array(nodeSign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
  return { der, certificate, kid, sign, trust: new TrustStore([{ kid, certificate }]) };
}

const DCC = {
  ver: '1.3.0',
  nam: { fn: 'Nguyễn', fnt: 'NGUYEN', gn: 'Văn Phát', gnt: 'VAN<PHAT' },
  dob: '1990-01-02',
  t: [
    {
      tg: '840539006',
      tt: 'LP6464-4',
      sc: '2026-12-04T08:00:00Z',
      tr: '260415000',
      tc: 'CDC Đồng Nai',
      co: 'VN',
      is: 'Sở Y tế Đồng Nai',
      ci: 'URN:UVCI:01:VN:TEST1#K',
    },
  ],
};

async function issue(
  signer: Awaited<ReturnType<typeof makeSigner>>,
  overrides: Partial<Parameters<typeof issueHcert>[0]> = {},
) {
  return issueHcert({
    dcc: DCC,
    issuer: 'VN',
    issuedAt: new Date('2026-12-04T09:00:00Z'),
    expiresAt: new Date('2026-12-07T08:00:00Z'),
    kid: signer.kid,
    alg: -7,
    sign: signer.sign,
    ...overrides,
  });
}

describe('base45 (RFC 9285)', () => {
  it('encodes and decodes the RFC examples', () => {
    const cases: [string, string][] = [
      ['AB', 'BB8'],
      ['Hello!!', '%69 VD92EX0'],
      ['base-45', 'UJCLQE7W581'],
      ['ietf!', 'QED8WEX0'],
    ];
    for (const [plain, encoded] of cases) {
      expect(base45Encode(new TextEncoder().encode(plain))).toBe(encoded);
      expect(new TextDecoder().decode(base45Decode(encoded))).toBe(plain);
    }
  });
  it('refuses characters outside the alphabet, a dangling character and groups too large', () => {
    expect(() => base45Decode('GGW')).toThrow(/exceeds/);
    expect(() => base45Decode('ab')).toThrow(/alphabet/);
    expect(() => base45Decode('BB8A')).toThrow(/single/);
    expect(() => base45Decode(':::')).toThrow();
  });
});

describe('CBOR', () => {
  it('round-trips the values COSE needs', () => {
    const v = new Map<number | string, unknown>([
      [1, 'VN'],
      [-260, new Map([[1, new Map([['dn', 2]])]])],
      [4, 1_800_000_000],
    ]);
    const back = cborDecode(cborEncode(v as never));
    expect(back).toEqual(v);
    expect(cborDecode(cborEncode(new Tagged(18, [new Uint8Array([1, 2]), 'x'])))).toEqual(
      new Tagged(18, [new Uint8Array([1, 2]), 'x']),
    );
  });
  it('refuses nesting bombs, length bombs, trailing bytes and duplicate keys', () => {
    expect(() => cborDecode(new Uint8Array(100_000).fill(0x81))).toThrow(/deep/); // [[[[…
    expect(() => cborDecode(new Uint8Array(100_000).fill(0x9f))).toThrow(/deep/); // indefinite [[[…
    expect(() => cborDecode(Uint8Array.of(0x5a, 0xff, 0xff, 0xff, 0xff))).toThrow(/beyond/);
    expect(() => cborDecode(Uint8Array.of(0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))).toThrow(CborError);
    expect(() => cborDecode(Uint8Array.of(0x01, 0x02))).toThrow(/trailing/);
    expect(() => cborDecode(Uint8Array.of(0xa2, 0x01, 0x01, 0x01, 0x02))).toThrow(/duplicate/);
  });
});

describe('zlib with a ceiling', () => {
  it('inflates what it deflated and refuses a bomb, a broken stream and raw data', () => {
    const data = new TextEncoder().encode('HC1 payload '.repeat(50));
    expect(zlibDecompress(zlibCompress(data))).toEqual(data);
    // about as much as one QR code can carry compressed (~5 KB → 5 MB of zeros)
    const bomb = zlibCompress(new Uint8Array(5_000_000));
    expect(bomb.length).toBeLessThan(6_000);
    const t = performance.now();
    expect(() => zlibDecompress(bomb)).toThrow(/more than/);
    // bounded by walking the input once (tens of ms on an idle core; generous for a loaded shared machine)
    expect(performance.now() - t).toBeLessThan(3000);
    const broken = zlibCompress(data);
    broken[broken.length - 1] = (broken.at(-1) as number) ^ 0xff;
    expect(() => zlibDecompress(broken)).toThrow(/checksum/);
    expect(() => zlibDecompress(zlibCompress(data).subarray(0, 20))).toThrow(/broken|end/);
    expect(() => zlibDecompress(data)).toThrow(/not compressed/);
  });
});

describe('issuing and verifying an HCERT', () => {
  it('issues a QR text that decodes and verifies, with node:crypto and with WebCrypto', async () => {
    const signer = await makeSigner();
    const qr = await issue(signer);
    expect(qr.startsWith(HCERT_PREFIX)).toBe(true);
    const decoded = decodeHcert(qr);
    expect(decoded.claims.dcc).toEqual(DCC);
    expect(decoded.claims.type).toBe('t');
    expect(decoded.cose.kid).toEqual(signer.kid);
    const viaNode = await verifyHcert(qr, { trust: signer.trust, crypto, now: NOW });
    expect(viaNode).toMatchObject({ valid: true, reason: 'OK' });
    const viaWeb = await verifyHcert(qr, { trust: signer.trust, crypto: webCrypto(), now: NOW });
    expect(viaWeb).toMatchObject({ valid: true, reason: 'OK' });
  });

  it('gives a reason for every kind of bad code, never an exception', async () => {
    const signer = await makeSigner();
    const other = await makeSigner();
    const qr = await issue(signer);
    const reason = async (code: unknown, trust = signer.trust, extra: object = {}) =>
      (await verifyHcert(code, { trust, crypto, now: NOW, ...extra })).reason;
    expect(await reason('')).toBe('EMPTY');
    expect(await reason(42)).toBe('EMPTY');
    expect(await reason('X'.repeat(20_000))).toBe('TOO_LONG');
    expect(await reason(qr.replace('HC1:', 'HC2:'))).toBe('PREFIX');
    expect(await reason(qr.slice(4))).toBe('PREFIX');
    expect(await reason(qr.slice(0, qr.length - 7))).toMatch(/BASE45|COMPRESSION/);
    expect(await reason(`${qr.slice(0, 40)}a${qr.slice(41)}`)).toBe('BASE45');
    expect(await reason(`HC1:${base45Encode(zlibCompress(new Uint8Array(5_000_000)))}`)).toBe('COMPRESSION');
    expect(await reason(`HC1:${base45Encode(new Uint8Array([0xd2, 0x84]))}`)).toBe('COMPRESSION');
    const nest = zlibCompress(new Uint8Array(5000).fill(0x81));
    expect(await reason(`HC1:${base45Encode(nest)}`)).toBe('COSE');
    expect(await reason(qr, other.trust)).toBe('UNKNOWN_KID');
    expect(await reason(qr, signer.trust, { now: new Date('2027-01-01T00:00:00Z') })).toBe('EXPIRED');
    expect(await reason(qr, signer.trust, { now: new Date('2026-12-01T00:00:00Z') })).toBe('NOT_YET_VALID');
    // signed by another key under this signer's kid
    expect(await reason(await issue({ ...other, kid: signer.kid }))).toBe('SIGNATURE');
    // an algorithm HCERT does not allow (EdDSA) and one that does not fit the key (PS256 on an EC key)
    expect(await reason(await issue(signer, { alg: -8 }))).toBe('ALGORITHM');
    expect(await reason(await issue(signer, { alg: -37 }))).toBe('UNKNOWN_KID');
    // a COSE_Sign1 whose payload is not a CWT with an hcert claim
    const notCwt = await signCoseSign1(cborEncode(new Map([[1, 'VN']])), -7, signer.kid, signer.sign);
    expect(await reason(`HC1:${base45Encode(zlibCompress(notCwt))}`)).toBe('CWT');
    const revoked = new Set([await uvciHash(crypto, 'URN:UVCI:01:VN:TEST1#K')]);
    expect(await reason(qr, signer.trust, { revoked })).toBe('REVOKED');
  });

  it('honours the signer certificate extended key usages', async () => {
    const testsOnly = await makeSigner(KEY_USAGE_OIDS.t.slice(0, 1));
    const vaccOnly = await makeSigner(KEY_USAGE_OIDS.v.slice(0, 1));
    expect((await verifyHcert(await issue(testsOnly), { trust: testsOnly.trust, crypto, now: NOW })).valid).toBe(true);
    expect((await verifyHcert(await issue(vaccOnly), { trust: vaccOnly.trust, crypto, now: NOW })).reason).toBe(
      'KEY_USAGE',
    );
  });

  it('survives random and mutated input within a bounded time (fast-check)', async () => {
    const signer = await makeSigner();
    const qr = await issue(signer);
    const opts = { trust: signer.trust, crypto, now: NOW };
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 600 }),
          fc
            .string({
              unit: fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:'.split('')),
              maxLength: 900,
            })
            .map((s) => `HC1:${s}`),
          fc
            .tuple(fc.nat({ max: qr.length - 1 }), fc.string({ minLength: 1, maxLength: 1 }))
            .map(([i, c]) => qr.slice(0, i) + c + qr.slice(i + 1)),
          fc.nat({ max: qr.length }).map((n) => qr.slice(0, n)),
          fc.uint8Array({ maxLength: 700 }).map((b) => `HC1:${base45Encode(zlibCompress(b))}`),
          fc.uint8Array({ maxLength: 700 }).map((b) => `HC1:${base45Encode(b)}`),
        ),
        async (input) => {
          const r = await verifyHcert(input, opts);
          expect(typeof r.reason).toBe('string');
          // A mutation may only "verify" if it leaves the signed bytes as they were (e.g. flips deflate's unused
          // padding bits): then it is the same certificate
          if (r.valid) expect(decodeHcert(input.trim()).cose.signature).toEqual(decodeHcert(qr).cose.signature);
        },
      ),
      { numRuns: 3000, interruptAfterTimeLimit: 8000 },
    );
  }, 30_000);
});

describe('the EU DCC conformance checks on the test data (test/fixtures/dcc-testdata)', () => {
  const root = join(import.meta.dirname, '../../test/fixtures/dcc-testdata');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith('.json')) files.push(p);
    }
  };
  walk(root);

  it('gets every check of every country folder right', async () => {
    const perFolder = new Map<string, { passed: number; failed: string[] }>();
    for (const f of files) {
      const folder = f.slice(root.length + 1).split('/')[0] as string;
      const tally = perFolder.get(folder) ?? { passed: 0, failed: [] };
      perFolder.set(folder, tally);
      for (const r of await runConformanceCase(JSON.parse(readFileSync(f, 'utf8')), { crypto })) {
        if (r.actual === r.expected) tally.passed++;
        else tally.failed.push(`${f.slice(root.length + 1)} ${r.check}`);
      }
    }
    expect([...perFolder.keys()].sort()).toEqual(['AT', 'DE', 'ES', 'FR', 'NL', 'common']);
    for (const [, t] of perFolder) expect(t.failed).toEqual([]);
    expect([...perFolder.values()].reduce((n, t) => n + t.passed, 0)).toBeGreaterThan(2800);
  });

  it('passes its own certificates through the same checks', async () => {
    const signer = await makeSigner();
    const qr = await issue(signer);
    const results = await runConformanceCase(
      {
        JSON: DCC,
        PREFIX: qr,
        TESTCTX: { CERTIFICATE: Buffer.from(signer.der).toString('base64'), VALIDATIONCLOCK: NOW.toISOString() },
        EXPECTEDRESULTS: Object.fromEntries(
          ['UNPREFIX', 'B45DECODE', 'COMPRESSION', 'DECODE', 'VERIFY', 'EXPIRATIONCHECK', 'KEYUSAGE', 'VALIDJSON'].map(
            (k) => [`EXPECTED${k}`, true],
          ),
        ),
      },
      { crypto: webCrypto() },
    );
    expect(results).toHaveLength(8);
    for (const r of results) expect(r, r.check).toMatchObject({ actual: true });
  });
});
