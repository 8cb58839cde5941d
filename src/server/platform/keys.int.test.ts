/**
 * Signing keys (platform/keys.ts): a key retired in the database stops verifying — and signing — within the cache's
 * time to live, in a running process, with no restart (security review, finding 1b: personal QR codes never expire,
 * so retiring their key is how a leaked batch of them is revoked).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  bearer,
  citizenToken,
  createTestEnv,
  expectError,
  staffToken,
  type TestEnv,
  UNITS,
} from '../../../test/harness.ts';
import { createSigningKeys, KEY_CACHE_MS } from './keys.ts';

let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => {
  await env?.close();
});

const retire = (kid: string) =>
  env.ctx.db.updateTable('signing_keys').set({ retired_at: new Date() }).where('kid', '=', kid).execute();

describe('signing keys', () => {
  it('stops verifying a key retired in the database once its cache entry is older than the time to live', async () => {
    let clock = Date.now();
    const keys = createSigningKeys(env.ctx.db, { ttlMs: 60_000, now: () => clock });
    const purpose = 'test-retire';
    const signed = await keys.sign(purpose, 'hello');
    expect(await keys.verify(purpose, signed.kid, 'hello', signed.signature)).toBe(true);
    await retire(signed.kid);
    // within the time to live the cached key still answers (no query on the hot path)…
    clock += 59_000;
    expect(await keys.verify(purpose, signed.kid, 'hello', signed.signature)).toBe(true);
    // …after it, the retirement holds: the key verifies nothing and signs nothing any more
    clock += 2_000;
    expect(await keys.verify(purpose, signed.kid, 'hello', signed.signature)).toBe(false);
    const next = await keys.sign(purpose, 'hello');
    expect(next.kid).not.toBe(signed.kid);
    expect(await keys.verify(purpose, next.kid, 'hello', next.signature)).toBe(true);
  });

  it('reads an expired key once for all the verifications waiting on it', async () => {
    let clock = Date.now();
    let reads = 0;
    // the keys' own view of the database, counting its reads
    const db = new Proxy(env.ctx.db, {
      get(target, prop, receiver) {
        if (prop === 'selectFrom') reads++;
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const keys = createSigningKeys(db, { ttlMs: 1_000, now: () => clock });
    const signed = await keys.sign('test-burst', 'm');
    clock += 2_000;
    reads = 0;
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => keys.verify('test-burst', signed.kid, 'm', signed.signature)),
    );
    expect(answers.every(Boolean)).toBe(true);
    expect(reads).toBe(1);
    // and an unknown kid is remembered as unknown: a forged code with a made-up kid costs one read, not one per scan
    reads = 0;
    for (let i = 0; i < 5; i++) expect(await keys.verify('test-burst', 'zzzz', 'm', signed.signature)).toBe(false);
    expect(reads).toBe(1);
  });

  it("refuses a personal QR at the door once its key is retired, in the app's own running keys", async () => {
    const citizen = await citizenToken(env, '0912000601');
    const qr = (await env.app.inject({ method: 'GET', url: '/api/v1/me/qr', headers: bearer(citizen.token) })).json()
      .qr as string;
    const door = await staffToken(env, 'health_worker', UNITS.bienHoa);
    const venue = await env.app.inject({
      method: 'POST',
      url: '/api/v1/venues',
      headers: bearer(door.token),
      payload: { name: 'Trạm y tế', category: 'hospital_clinic', unitCode: UNITS.bienHoaCommune, address: '1 A' },
    });
    expect(venue.statusCode, venue.body).toBe(201);
    const scan = () =>
      env.app.inject({
        method: 'POST',
        url: '/api/v1/checkins/batch',
        headers: bearer(door.token),
        payload: {
          items: [
            { idempotencyKey: `k-${Math.random().toString(36).slice(2)}`, venueId: venue.json().id, personQr: qr },
          ],
        },
      });
    expect((await scan()).json().results[0].status).toBe(201);
    const kid = qr.split('.')[3] as string;
    await retire(kid);
    // a minute later (the keys' cache), in the same running app
    const later = Date.now() + KEY_CACHE_MS + 1_000;
    const clock = vi.spyOn(Date, 'now').mockReturnValue(later);
    try {
      const refused = (await scan()).json().results[0];
      expect(refused).toMatchObject({ status: 400, error: { code: 'PERSON_QR_INVALID' } });
      expectError(
        await env.app.inject({
          method: 'POST',
          url: '/api/v1/checkins',
          headers: bearer(door.token),
          payload: { venueId: venue.json().id, personQr: qr },
        }),
        400,
        'PERSON_QR_INVALID',
      );
      // a new card is signed with a new key, and accepted
      const fresh = (
        await env.app.inject({ method: 'GET', url: '/api/v1/me/qr', headers: bearer(citizen.token) })
      ).json().qr as string;
      expect(fresh.split('.')[3]).not.toBe(kid);
      const [item] = (
        await env.app.inject({
          method: 'POST',
          url: '/api/v1/checkins/batch',
          headers: bearer(door.token),
          payload: {
            items: [
              {
                idempotencyKey: 'k-fresh-card-1',
                venueId: venue.json().id,
                personQr: fresh,
                at: new Date(later).toISOString(),
              },
            ],
          },
        })
      ).json().results;
      // the new card's signature holds: what stops it is only the double-scan rule (the first scan, a minute ago)
      expect(item).toMatchObject({ status: 409, error: { code: 'CHECKIN_DUPLICATE' } });
    } finally {
      clock.mockRestore();
    }
  });
});
