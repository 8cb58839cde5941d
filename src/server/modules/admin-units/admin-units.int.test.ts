/** Admin units: tree API, accent-insensitive search, idempotent CSV import (incl. 2025 two-level), hamlets. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestEnv,
  makeNationalId,
  staffToken,
  type TestEnv,
  UNITS,
  unitsCsv,
} from '../../../../test/harness.ts';

let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'] });
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

const getUnit = (code: string) =>
  env.app.inject({ method: 'GET', url: `/api/v1/admin-units/${encodeURIComponent(code)}` });
const createHamlet = (token: string, payload: Record<string, unknown>) =>
  env.app.inject({ method: 'POST', url: '/api/v1/admin-units', headers: bearer(token), payload });

describe('GET /api/v1/admin-units/{code}', () => {
  it('75 → Tỉnh Đồng Nai, level 1, no parent, its 11 districts as children', async () => {
    const res = await getUnit('75');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ code: '75', name: 'Tỉnh Đồng Nai', type: 'Tỉnh', level: 1, parentCode: null });
    expect(body.children).toHaveLength(11);
    for (const c of body.children)
      expect(c).toMatchObject({
        level: 2,
        parentCode: '75',
        code: expect.any(String),
        name: expect.any(String),
        type: expect.any(String),
      });
    expect(body.children.map((c: { code: string }) => c.code)).toContain(UNITS.bienHoa);
  });

  it('a commune lists its ancestors from the province down', async () => {
    const body = (await getUnit(UNITS.bienHoaCommune)).json();
    expect(body).toMatchObject({ code: UNITS.bienHoaCommune, level: 3, parentCode: UNITS.bienHoa, children: [] });
    expect(body.ancestors.map((a: { code: string }) => a.code)).toEqual(['75', UNITS.bienHoa]);
  });

  it('is public (no session needed); unknown code → 404 UNIT_NOT_FOUND', async () => {
    const res = await getUnit('99999');
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({
      code: 'UNIT_NOT_FOUND',
      message: expect.any(String),
      messageVi: expect.any(String),
    });
  });
});

describe('GET /api/v1/admin-units?q=', () => {
  it.each(['dong nai', 'Đồng Nai', 'DONG  NAI', 'đồng nai'])('%j finds Tỉnh Đồng Nai first', async (q) => {
    const res = await env.app.inject({ method: 'GET', url: `/api/v1/admin-units?q=${encodeURIComponent(q)}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()[0]).toMatchObject({ code: '75', name: 'Tỉnh Đồng Nai', parentName: null });
  });

  it('filters by level and parent; a wildcard in the query is literal', async () => {
    const districts = await env.app.inject({ method: 'GET', url: '/api/v1/admin-units?parentCode=75&limit=50' });
    expect(districts.json()).toHaveLength(11);
    const bh = await env.app.inject({ method: 'GET', url: `/api/v1/admin-units?q=bien%20hoa&level=2` });
    expect(bh.json().map((u: { code: string }) => u.code)).toEqual([UNITS.bienHoa]);
    const pct = await env.app.inject({ method: 'GET', url: `/api/v1/admin-units?q=${encodeURIComponent('%')}` });
    expect(pct.json()).toEqual([]);
  });

  it('keeps to one unit and those under it with within=; an unknown unit has nothing within it', async () => {
    const everywhere = await env.app.inject({ method: 'GET', url: '/api/v1/admin-units?q=phuong&limit=200' });
    const inBienHoa = await env.app.inject({
      method: 'GET',
      url: `/api/v1/admin-units?q=phuong&within=${UNITS.bienHoa}&limit=200`,
    });
    expect(inBienHoa.statusCode).toBe(200);
    const codes = (res: { json(): Array<{ code: string }> }) => res.json().map((u) => u.code);
    expect(codes(inBienHoa).length).toBeGreaterThan(0);
    expect(codes(everywhere).length).toBeGreaterThan(codes(inBienHoa).length);
    const parents = await env.ctx.db
      .selectFrom('admin_units')
      .select(['code', 'parent_code'])
      .where('code', 'in', codes(inBienHoa))
      .execute();
    expect(parents.every((u) => u.parent_code === UNITS.bienHoa || u.code === UNITS.bienHoa)).toBe(true);
    const self = await env.app.inject({ method: 'GET', url: `/api/v1/admin-units?within=${UNITS.bienHoa}&level=2` });
    expect(codes(self)).toEqual([UNITS.bienHoa]);
    const unknown = await env.app.inject({ method: 'GET', url: '/api/v1/admin-units?q=phuong&within=99999' });
    expect(unknown.json()).toEqual([]);
  });
});

describe('CSV import', () => {
  it('is idempotent: importing the same CSV twice keeps the same count and paths', async () => {
    const snapshot = () =>
      env.ctx.db
        .selectFrom('admin_units')
        .select(['code', 'path', 'parent_code', 'name'])
        .where('is_hamlet', '=', false)
        .orderBy('code')
        .execute();
    const before = await snapshot();
    const csv = unitsCsv(['75']);
    const first = await env.ctx.services.adminUnits.importCsv(csv);
    const second = await env.ctx.services.adminUnits.importCsv(csv);
    expect(first).toEqual(second);
    expect(first.units).toBe(before.length);
    expect(await snapshot()).toEqual(before);
    expect(before.find((u) => u.code === UNITS.bienHoaCommune)?.path).toBe(
      `75.${UNITS.bienHoa}.${UNITS.bienHoaCommune}.`,
    );
  });

  it('an invalid CSV changes nothing', async () => {
    const count = async () => (await env.ctx.db.selectFrom('admin_units').select('code').execute()).length;
    const before = await count();
    await expect(
      env.ctx.services.adminUnits.importCsv('code,parent_code,level,type,name\nZ1,,1,Tỉnh,Tỉnh Z\nZ2,Z1,x,Xã,\n'),
    ).rejects.toThrow(/line 3/);
    await expect(
      env.ctx.services.adminUnits.importCsv('code,parent_code,level,type,name\nZ3,NOPE,2,Xã,Xã Z\n'),
    ).rejects.toThrow(/NOPE/);
    expect(await count()).toBe(before);
  });

  it('loads the 2025 two-level shape (province → Xã/Phường) and a hamlet can be created under its commune', async () => {
    const csv = [
      'code,parent_code,level,type,name',
      '99,,1,Tỉnh,Tỉnh Thử Nghiệm',
      '99001,99,2,Phường,"Phường Hòa Bình, Mới"',
      '99002,99,2,Xã,Xã Tân Thành',
      '',
    ].join('\r\n');
    expect(await env.ctx.services.adminUnits.importCsv(csv)).toEqual({ units: 3 });
    const province = (await getUnit('99')).json();
    expect(province.children.map((c: { code: string; level: number }) => [c.code, c.level])).toEqual([
      ['99001', 2],
      ['99002', 2],
    ]);
    expect((await getUnit('99001')).json().name).toBe('Phường Hòa Bình, Mới');
    const worker = await staffToken(env, 'health_worker', '99002');
    const res = await createHamlet(worker.token, { parentCode: '99002', name: 'Ấp 1', type: 'Ấp' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ parentCode: '99002', level: 3, type: 'Ấp', name: 'Ấp 1' });
    // a province-level unit is not a commune
    const admin = await staffToken(env, 'admin', null);
    const onProvince = await createHamlet(admin.token, { parentCode: '99', name: 'Ấp X', type: 'Ấp' });
    expect(onProvince.statusCode).toBe(400);
    expect(onProvince.json().error.code).toBe('UNIT_NOT_COMMUNE');
  });
});

describe('hamlets: POST /api/v1/admin-units', () => {
  it('a commune health worker creates a hamlet → 201; it appears among the commune’s children', async () => {
    const worker = await staffToken(env, 'health_worker', UNITS.bienHoaCommune);
    const res = await createHamlet(worker.token, {
      parentCode: UNITS.bienHoaCommune,
      name: ' Tổ 5 ',
      type: 'Tổ dân phố',
    });
    expect(res.statusCode).toBe(201);
    const hamlet = res.json();
    expect(hamlet).toMatchObject({ name: 'Tổ 5', type: 'Tổ dân phố', level: 4, parentCode: UNITS.bienHoaCommune });
    const commune = (await getUnit(UNITS.bienHoaCommune)).json();
    expect(commune.children).toEqual([expect.objectContaining({ code: hamlet.code, name: 'Tổ 5' })]);
    expect((await getUnit(hamlet.code)).json()).toMatchObject({ isHamlet: true, level: 4 });
    // a second hamlet gets another code
    const second = await createHamlet(worker.token, {
      parentCode: UNITS.bienHoaCommune,
      name: 'Tổ 6',
      type: 'Tổ dân phố',
    });
    expect(second.statusCode).toBe(201);
    expect(second.json().code).not.toBe(hamlet.code);
  });

  it('concurrent hamlets in one commune all succeed with distinct codes', async () => {
    const worker = await staffToken(env, 'health_worker', UNITS.bienHoa);
    const results = await Promise.all(
      [1, 2, 3].map((i) => createHamlet(worker.token, { parentCode: '25996', name: `Khu phố ${i}`, type: 'Khu phố' })),
    );
    expect(results.map((r) => r.statusCode)).toEqual([201, 201, 201]);
    expect(new Set(results.map((r) => r.json().code)).size).toBe(3);
  });

  it('under a district → 400 UNIT_NOT_COMMUNE; under a hamlet → 400 UNIT_NOT_COMMUNE', async () => {
    const districtWorker = await staffToken(env, 'health_worker', UNITS.bienHoa);
    const res = await createHamlet(districtWorker.token, { parentCode: UNITS.bienHoa, name: 'Ấp Sai', type: 'Ấp' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('UNIT_NOT_COMMUNE');
    const hamlet = await createHamlet(districtWorker.token, { parentCode: '25999', name: 'Ấp Cha', type: 'Ấp' });
    const nested = await createHamlet(districtWorker.token, {
      parentCode: hamlet.json().code,
      name: 'Ấp Con',
      type: 'Ấp',
    });
    expect(nested.statusCode).toBe(400);
    expect(nested.json().error.code).toBe('UNIT_NOT_COMMUNE');
  });

  it('outside the scope → 403; a role without the right → 403; unknown parent → 404; bad type → 400', async () => {
    const worker = await staffToken(env, 'health_worker', UNITS.bienHoaCommune);
    const outside = await createHamlet(worker.token, { parentCode: '26080', name: 'Ấp Lạ', type: 'Ấp' });
    expect(outside.statusCode).toBe(403);
    const tracer = await staffToken(env, 'tracer', UNITS.bienHoaCommune);
    expect(
      (await createHamlet(tracer.token, { parentCode: UNITS.bienHoaCommune, name: 'Ấp T', type: 'Ấp' })).statusCode,
    ).toBe(403);
    const unknown = await createHamlet(worker.token, { parentCode: '99999', name: 'Ấp', type: 'Ấp' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('UNIT_NOT_FOUND');
    const badType = await createHamlet(worker.token, { parentCode: UNITS.bienHoaCommune, name: 'X', type: 'Quận' });
    expect(badType.statusCode).toBe(400);
    expect(badType.json().error.code).toBe('VALIDATION_FAILED');
    expect(
      (
        await env.app.inject({
          method: 'POST',
          url: '/api/v1/admin-units',
          payload: { parentCode: UNITS.bienHoaCommune, name: 'X', type: 'Ấp' },
        })
      ).statusCode,
    ).toBe(401);
  });

  it("a district officer's jurisdiction covers the people of a new hamlet", async () => {
    const communeWorker = await staffToken(env, 'health_worker', '26002');
    const hamlet = (
      await createHamlet(communeWorker.token, { parentCode: '26002', name: 'Ấp Mới', type: 'Ấp' })
    ).json();
    const created = await env.app.inject({
      method: 'POST',
      url: '/api/v1/people',
      headers: bearer(communeWorker.token),
      payload: { nationalId: makeNationalId(), name: 'Dân Ấp Mới', unitCode: hamlet.code },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const district = await staffToken(env, 'tracer', UNITS.bienHoa);
    const read = await env.app.inject({ method: 'GET', url: `/api/v1/people/${id}`, headers: bearer(district.token) });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ unitCode: hamlet.code, unitName: 'Ấp Mới' });
    const other = await staffToken(env, 'tracer', UNITS.longKhanh);
    expect(
      (await env.app.inject({ method: 'GET', url: `/api/v1/people/${id}`, headers: bearer(other.token) })).statusCode,
    ).toBe(404);
  });

  it('re-importing the CSV keeps hamlets and their paths', async () => {
    const hamlets = () =>
      env.ctx.db
        .selectFrom('admin_units')
        .select(['code', 'path'])
        .where('is_hamlet', '=', true)
        .orderBy('code')
        .execute();
    const before = await hamlets();
    expect(before.length).toBeGreaterThan(0);
    await env.ctx.services.adminUnits.importCsv(unitsCsv(['75']));
    expect(await hamlets()).toEqual(before);
  });
});
