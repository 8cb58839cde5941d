/**
 * The document-signer keys. A `DocumentSigner` is all issuance needs — a kid, the certificate and a `sign` function
 * — so an HSM (PKCS#11, a cloud KMS) can stand in for the default software key by implementing it; the private key
 * never leaves this file's closure. The default store generates an ECDSA P-256 key and a self-signed X.509
 * certificate (kid = the first 8 bytes of SHA-256 over its DER) at first start, keeps the private key encrypted with
 * TRUYVET_GREENPASS_KEY_SECRET when set, in a file under TRUYVET_GREENPASS_KEY_DIR when set (else in the database),
 * and rotates it every `greenpassKeyRotationDays`: the new key signs, the old one stays in the trust list until its
 * certificate expires, which outlasts every certificate it signed (rotation with overlap).
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCertificate } from '../../../greenpass/certificate.ts';
import { KEY_USAGE_OIDS, toBase64 } from '../../../greenpass/hcert.ts';
import { nodeCrypto } from '../../../greenpass/node-crypto.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { GP_COUNTRY, GP_VACCINATION_VALID_DAYS } from './constants.ts';
import type { GreenpassRepo, SignerKeyRow } from './repo.ts';

export interface DocumentSigner {
  kid: Uint8Array;
  certificateDer: Uint8Array;
  /** COSE algorithm id: -7 (ES256). */
  alg: number;
  sign(toBeSigned: Uint8Array): Promise<Uint8Array>;
}

export interface TrustedCertificate {
  kid: string;
  certificateDer: Uint8Array;
  validFrom: Date;
  validUntil: Date;
}

export interface SignerKeyStore {
  /** The key that signs now (created at first use, rotated when due). */
  active(): Promise<DocumentSigner>;
  /** Every signer certificate still valid: the trust list. */
  trusted(): Promise<TrustedCertificate[]>;
  /** Retires the active key and creates its successor now. */
  rotate(): Promise<DocumentSigner>;
}

const DAY = 86_400_000;

export function softwareKeyStore(ctx: PlatformContext, repo: GreenpassRepo): SignerKeyStore {
  const { greenpassKeySecret: secret, greenpassKeyDir: dir, greenpassKeyRotationDays: rotationDays } = ctx.config;
  let cached: { row: SignerKeyRow; signer: DocumentSigner } | undefined;

  const toSigner = (row: SignerKeyRow): DocumentSigner => {
    const pem = row.private_key_pem ?? readFileSync(row.key_file as string, 'utf8');
    const key: KeyObject = createPrivateKey(row.encrypted ? { key: pem, passphrase: secret ?? '' } : pem);
    return {
      kid: Uint8Array.from(Buffer.from(row.kid, 'base64')),
      certificateDer: new Uint8Array(row.certificate_der),
      alg: -7,
      sign: async (data) => new Uint8Array(sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' })),
    };
  };

  async function create(): Promise<SignerKeyRow> {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const now = Date.now();
    const notBefore = new Date(now - 3600_000);
    // signs for `rotationDays`, then verifies what it signed for as long as a certificate can last
    const notAfter = new Date(now + (rotationDays + GP_VACCINATION_VALID_DAYS + 30) * DAY);
    const der = await buildCertificate({
      commonName: 'Truyvet DSC',
      organization: 'Truyvet',
      country: GP_COUNTRY,
      serial: randomBytes(12),
      notBefore,
      notAfter,
      spki: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })),
      extendedKeyUsages: [KEY_USAGE_OIDS.t[0], KEY_USAGE_OIDS.v[0], KEY_USAGE_OIDS.r[0]] as string[],
      sign: (tbs) => new Uint8Array(sign('sha256', tbs, privateKey)),
    });
    const kid = toBase64((nodeCrypto().sha256(der) as Uint8Array).slice(0, 8));
    const pem = privateKey
      .export(
        secret
          ? { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: secret }
          : { type: 'pkcs8', format: 'pem' },
      )
      .toString();
    let keyFile: string | null = null;
    if (dir) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      keyFile = join(dir, `greenpass-signer-${Buffer.from(kid, 'base64').toString('hex')}.pem`);
      writeFileSync(keyFile, pem, { mode: 0o600 });
    }
    return {
      kid,
      certificate_der: der,
      private_key_pem: keyFile ? null : pem,
      key_file: keyFile,
      encrypted: Boolean(secret),
      not_before: notBefore,
      not_after: notAfter,
      created_at: new Date(now),
      retired_at: null,
    };
  }

  async function load(): Promise<{ row: SignerKeyRow; signer: DocumentSigner }> {
    let row = await repo.activeSignerKey();
    if (row && row.created_at.getTime() + rotationDays * DAY < Date.now()) {
      await repo.rotateSignerKey(row.kid, await create());
      row = await repo.activeSignerKey();
    }
    if (!row) {
      // two processes may race at first start: the unique index lets one win, the other reads the winner's key
      await repo.insertSignerKey(await create()).catch(() => undefined);
      row = await repo.activeSignerKey();
      if (!row) throw new Error('no green pass signer key after creating one');
    }
    return { row, signer: toSigner(row) };
  }

  return {
    async active() {
      if (!cached || cached.row.created_at.getTime() + rotationDays * DAY < Date.now()) cached = await load();
      return cached.signer;
    },
    async trusted() {
      return (await repo.validSignerKeys(new Date())).map((r) => ({
        kid: r.kid,
        certificateDer: new Uint8Array(r.certificate_der),
        validFrom: r.not_before,
        validUntil: r.not_after,
      }));
    },
    async rotate() {
      const current = await repo.activeSignerKey();
      const next = await create();
      if (current) await repo.rotateSignerKey(current.kid, next);
      else await repo.insertSignerKey(next);
      cached = undefined;
      return this.active();
    },
  };
}
