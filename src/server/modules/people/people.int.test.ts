import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestEnv, makeNationalId, staffToken, type TestEnv, UNITS } from '../../../../test/harness.ts';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => {
  await env?.close();
});

describe('people API', () => {
  it('creates a person and reads it back within jurisdiction', async () => {
    const { token } = await staffToken(env, 'health_worker', UNITS.bienHoa);
    const nationalId = makeNationalId();
    const created = await env.app.inject({
      method: 'POST',
      url: '/api/v1/people',
      headers: bearer(token),
      payload: {
        nationalId,
        phone: '0912 345 678',
        name: 'Nguyễn Văn An',
        birthYear: 1980,
        sex: 'male',
        unitCode: UNITS.bienHoaCommune,
      },
    });
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    const read = await env.app.inject({ method: 'GET', url: `/api/v1/people/${id}`, headers: bearer(token) });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({
      id,
      nationalId,
      phone: '+84912345678',
      name: 'Nguyễn Văn An',
      unitCode: UNITS.bienHoaCommune,
    });
  });

  it("hides a person outside a district officer's jurisdiction", async () => {
    const admin = await staffToken(env, 'admin', null);
    const created = await env.app.inject({
      method: 'POST',
      url: '/api/v1/people',
      headers: bearer(admin.token),
      payload: { nationalId: makeNationalId(), name: 'Trần Thị Bình', unitCode: '26080' },
    });
    expect(created.statusCode).toBe(201);
    const officer = await staffToken(env, 'health_worker', UNITS.bienHoa);
    const read = await env.app.inject({
      method: 'GET',
      url: `/api/v1/people/${created.json().id}`,
      headers: bearer(officer.token),
    });
    expect(read.statusCode).toBe(404);
    expect(read.json().error.code).toBe('PERSON_NOT_FOUND');
  });

  it('finds people by name without diacritics ("nguyen van an" finds "Nguyễn Văn An")', async () => {
    const { token } = await staffToken(env, 'health_worker', UNITS.bienHoa);
    const res = await env.app.inject({
      method: 'GET',
      url: '/api/v1/people?q=NGUYEN%20van%20an',
      headers: bearer(token),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().map((p: { name: string }) => p.name)).toContain('Nguyễn Văn An');
    const none = await env.app.inject({
      method: 'GET',
      url: '/api/v1/people?q=nguyen%20van%20zz',
      headers: bearer(token),
    });
    expect(none.json()).toEqual([]);
  });
});
