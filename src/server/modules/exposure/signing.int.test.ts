/**
 * The export signing key at rest: encrypted with TRUYVET_GREENPASS_KEY_SECRET when it is set (as the green pass
 * signer keys are), plain only without a secret; a key stored plain before the secret was set keeps signing and is
 * encrypted in place; an encrypted key without its secret refuses to load, saying which setting is missing.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../../../test/harness.ts';
import { importPublicKey, openExport } from '../../../exposure/export-file.ts';
import { exposureRepo } from './repo.ts';
import { createExportKeys, isEncryptedPem } from './signing.ts';

const SECRET = 'a test secret for the export key';
let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv({ config: { greenpassKeySecret: SECRET }, provinces: [] });
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

const activeRow = () =>
  env.ctx.db
    .selectFrom('en_signing_keys')
    .select(['id', 'private_key_pem', 'public_key_pem'])
    .where('retired_at', 'is', null)
    .executeTakeFirstOrThrow();

/** Whether `key` signs what `publicKeyPem` verifies. */
function signsFor(key: Parameters<typeof sign>[2], publicKeyPem: string): boolean {
  const data = Buffer.from('export.bin');
  return verify('sha256', data, createPublicKey(publicKeyPem), sign('sha256', data, key));
}

describe('the export signing key at rest', () => {
  it('is stored encrypted with the secret, and the exports it signs verify with the public key', async () => {
    const published = await env.ctx.services.exposure.publish({ force: true });
    const row = await activeRow();
    expect(isEncryptedPem(row.private_key_pem)).toBe(true);
    expect(row.private_key_pem).not.toContain('BEGIN PRIVATE KEY');
    expect(() => createPrivateKey(row.private_key_pem)).toThrow();
    expect(signsFor(createPrivateKey({ key: row.private_key_pem, passphrase: SECRET }), row.public_key_pem)).toBe(true);
    const zip = await env.ctx.services.exposure.exportFile(published.path as string);
    const file = await openExport(zip, await importPublicKey(await env.ctx.services.exposure.publicKey()));
    expect(file.region).toBe('VN');
  });

  it('keeps a key stored plain before the secret was set: it signs, and is encrypted in place (the same key)', async () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const plain = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const { id } = await activeRow();
    await env.ctx.db
      .updateTable('en_signing_keys')
      .set({ private_key_pem: plain, public_key_pem: publicKeyPem })
      .where('id', '=', id)
      .execute();

    const signer = await createExportKeys(exposureRepo(env.ctx.db), SECRET).get();
    expect(signer.publicKeyPem).toBe(publicKeyPem);
    expect(signsFor(signer.privateKey, publicKeyPem)).toBe(true);
    const row = await activeRow();
    expect(row.id).toBe(id);
    expect(isEncryptedPem(row.private_key_pem)).toBe(true);
    expect(signsFor(createPrivateKey({ key: row.private_key_pem, passphrase: SECRET }), publicKeyPem)).toBe(true);
  });

  it('stores a new key plain only when no secret is set (as the green pass keys), and refuses an encrypted one without its secret', async () => {
    const encrypted = await activeRow();
    await expect(createExportKeys(exposureRepo(env.ctx.db), undefined).get()).rejects.toThrow(
      /TRUYVET_GREENPASS_KEY_SECRET/,
    );
    await expect(createExportKeys(exposureRepo(env.ctx.db), 'another secret').get()).rejects.toThrow(
      /TRUYVET_GREENPASS_KEY_SECRET/,
    );

    await env.ctx.db
      .updateTable('en_signing_keys')
      .set({ retired_at: new Date() })
      .where('id', '=', encrypted.id)
      .execute();
    const signer = await createExportKeys(exposureRepo(env.ctx.db), undefined).get();
    const row = await activeRow();
    expect(isEncryptedPem(row.private_key_pem)).toBe(false);
    expect(signsFor(createPrivateKey(row.private_key_pem), signer.publicKeyPem)).toBe(true);
  });
});
