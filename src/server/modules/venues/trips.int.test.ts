/**
 * A trip of a vehicle (bus, coach): a time-bounded venue of its own whose parent is the vehicle and whose managers are
 * the vehicle's. Created by the vehicle's manager, refused for a venue that is not a vehicle, a window that ends
 * before it starts, someone who does not manage the vehicle, and a vehicle out of reach (404, as a missing one).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  citizenToken,
  createTestEnv,
  expectError,
  staffToken,
  type TestEnv,
  UNITS,
} from '../../../../test/harness.ts';

let env: TestEnv;
let staff: string;
let staffElsewhere: string;
let owner: { token: string; personId: string };
let stranger: { token: string; personId: string };
let vehicleId = '';

const post = (url: string, token: string, payload: object) =>
  env.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: bearer(token), payload });

const venueCount = async () =>
  Number(
    (
      await env.ctx.db
        .selectFrom('venues')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

const window = (fromHours: number, toHours: number) => ({
  startsAt: new Date(Date.now() + fromHours * 3600_000).toISOString(),
  endsAt: new Date(Date.now() + toHours * 3600_000).toISOString(),
});

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'] });
  staff = (await staffToken(env, 'venue_manager', UNITS.bienHoa)).token;
  staffElsewhere = (await staffToken(env, 'venue_manager', UNITS.longKhanh)).token;
  owner = await citizenToken(env, '0912000611');
  stranger = await citizenToken(env, '0912000612');
  const vehicle = await post('/venues', staff, {
    name: 'Xe khách Biên Hòa – Sài Gòn',
    category: 'public_transport',
    unitCode: UNITS.bienHoaCommune,
    address: 'Bến xe Biên Hòa',
    vehiclePlate: '60B-123.45',
    route: 'Biên Hòa – Sài Gòn',
    managerPhone: '0912000611',
  });
  expect(vehicle.statusCode, vehicle.body).toBe(201);
  vehicleId = vehicle.json().id;
}, 180_000);
afterAll(async () => {
  await env?.close();
}, 60_000);

describe('POST /api/v1/venues/{id}/trips', () => {
  it("makes a trip under the vehicle, managed by the vehicle's managers, with a QR of its own", async () => {
    const res = await post(`/venues/${vehicleId}/trips`, staff, { ...window(1, 3), route: 'Biên Hòa – Thủ Đức' });
    expect(res.statusCode, res.body).toBe(201);
    const trip = res.json();
    expect(trip.qr).toBeTruthy();
    const row = await env.ctx.db
      .selectFrom('venues')
      .select(['parent_venue_id', 'category', 'vehicle_plate', 'route', 'starts_at', 'ends_at', 'name'])
      .where('id', '=', trip.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      parent_venue_id: vehicleId,
      category: 'public_transport',
      vehicle_plate: '60B-123.45',
      route: 'Biên Hòa – Thủ Đức',
    });
    expect((row.ends_at?.getTime() ?? 0) - (row.starts_at?.getTime() ?? 0)).toBe(2 * 3600_000);
    const managers = await env.ctx.db
      .selectFrom('venue_managers')
      .select('person_id')
      .where('venue_id', '=', trip.id)
      .execute();
    expect(managers.map((m) => m.person_id)).toEqual([owner.personId]);
  });

  it("lets the vehicle's own manager add a trip (once a manager, not twice)", async () => {
    const res = await post(`/venues/${vehicleId}/trips`, owner.token, window(4, 5));
    expect(res.statusCode, res.body).toBe(201);
    const managers = await env.ctx.db
      .selectFrom('venue_managers')
      .select('person_id')
      .where('venue_id', '=', res.json().id)
      .execute();
    expect(managers.map((m) => m.person_id)).toEqual([owner.personId]);
  });

  it('refuses a venue that is not a vehicle, a window ending before it starts, and a body with unknown fields', async () => {
    const shop = await post('/venues', staff, {
      name: 'Tiệm tạp hoá',
      category: 'market_supermarket_mall_shop',
      unitCode: UNITS.bienHoaCommune,
      address: '2 Phạm Văn Thuận',
    });
    expect(shop.statusCode, shop.body).toBe(201);
    const before = await venueCount();
    expectError(await post(`/venues/${shop.json().id}/trips`, staff, window(1, 2)), 400, 'VALIDATION_FAILED');
    expectError(await post(`/venues/${vehicleId}/trips`, staff, window(2, 1)), 400, 'VALIDATION_FAILED');
    expectError(
      await post(`/venues/${vehicleId}/trips`, staff, { ...window(1, 2), parentVenueId: vehicleId }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await post(`/venues/${vehicleId}/trips`, staff, { startsAt: 'tomorrow', endsAt: 'later' }),
      400,
      'VALIDATION_FAILED',
    );
    const after = await venueCount();
    expect(after).toBe(before);
  });

  it('hides the vehicle from staff of another district and from a citizen who does not manage it (404)', async () => {
    expectError(await post(`/venues/${vehicleId}/trips`, staffElsewhere, window(1, 2)), 404, 'VENUE_NOT_FOUND');
    expectError(await post(`/venues/${vehicleId}/trips`, stranger.token, window(1, 2)), 404, 'VENUE_NOT_FOUND');
    expectError(
      await post('/venues/00000000-0000-4000-8000-000000000000/trips', staff, window(1, 2)),
      404,
      'VENUE_NOT_FOUND',
    );
    const unauthenticated = await env.app.inject({
      method: 'POST',
      url: `/api/v1/venues/${vehicleId}/trips`,
      payload: window(1, 2),
    });
    expect(unauthenticated.statusCode).toBe(401);
  });
});
