/**
 * What venue QR codes and posters link to (`<base>/q/<payload>`, so a phone's own camera opens the app): the
 * configured TRUYVET_PUBLIC_URL, or — when it is not set — the origin the request was sent to (scheme and Host, the
 * forwarded ones only from a proxy TRUYVET_TRUST_PROXY names).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bearer, createTestEnv, staffToken, type TestEnv, UNITS } from '../../../../test/harness.ts';

const PUBLIC_URL = 'https://truyvet.dongnai.example';
const QR = /^(.*)\/q\/TV1\.([VR])\.[0-9a-f-]{36}\.\d+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** The base URL a QR code links to (what precedes `/q/`), or null for a bare payload. */
function linkOf(qr: string): string | null {
  return QR.exec(qr)?.[1] ?? null;
}

/** Registers a venue as a Biên Hòa venue manager; answers the created venue (its `qr` included). */
async function newVenue(env: TestEnv, token: string, headers: Record<string, string>, rotating = false) {
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/v1/venues',
    headers: { ...bearer(token), ...headers },
    payload: {
      name: 'Quán phở Hà Nội',
      category: 'restaurant_cafe',
      unitCode: UNITS.bienHoaCommune,
      address: '12 Võ Thị Sáu',
      ...(rotating ? { qrMode: 'rotating', rotatingMinutes: 5 } : {}),
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; qr: string };
}

// posters are not rendered here (poster.int.test.ts does that): the renderer records what it was asked to draw
const drawn = vi.hoisted(() => [] as Array<{ qr: string }>);
vi.mock('./poster-renderer.ts', async (original) => ({
  ...(await original<typeof import('./poster-renderer.ts')>()),
  createPosterRenderer: () => ({
    render: async (input: { qr: string }) => {
      drawn.push(input);
      return Buffer.from('%PDF-1.4\n%%EOF\n');
    },
    renders: 0,
    close: async () => {},
  }),
}));

/** The QR drawn on the venue's poster. */
async function posterQr(env: TestEnv, token: string, id: string, headers: Record<string, string>) {
  drawn.length = 0;
  const res = await env.app.inject({
    method: 'GET',
    url: `/api/v1/venues/${id}/poster.pdf`,
    headers: { ...bearer(token), ...headers },
  });
  expect(res.statusCode, res.body).toBe(200);
  expect(drawn).toHaveLength(1);
  return drawn[0]?.qr ?? '';
}

describe('TRUYVET_PUBLIC_URL not set: QR codes link to the origin of the request', () => {
  let env: TestEnv;
  let token: string;
  beforeAll(async () => {
    // a proxy at 10.0.0.0/8 is trusted to name the client's scheme and Host; nobody else is
    env = await createTestEnv({ provinces: ['75'], config: { publicUrl: undefined, trustProxy: ['10.0.0.0/8'] } });
    token = (await staffToken(env, 'venue_manager', UNITS.bienHoa)).token;
  }, 180_000);
  afterAll(async () => {
    await env?.close();
  }, 60_000);

  it('uses the Host of each request for the venue, its view, rotation, the door screen and the poster', async () => {
    const host = { host: 'truyvet.bienhoa.local:8080' };
    const venue = await newVenue(env, token, host);
    expect(linkOf(venue.qr)).toBe('http://truyvet.bienhoa.local:8080');

    // the same venue read through another address links there
    const read = await env.app.inject({
      method: 'GET',
      url: `/api/v1/venues/${venue.id}`,
      headers: { ...bearer(token), host: '192.168.1.20:3000' },
    });
    expect(read.statusCode).toBe(200);
    expect(linkOf(read.json().qr)).toBe('http://192.168.1.20:3000');
    expect(read.json().qr.endsWith(venue.qr.slice(venue.qr.indexOf('/q/')))).toBe(true);

    const rotated = await env.app.inject({
      method: 'POST',
      url: `/api/v1/venues/${venue.id}/qr/rotate`,
      headers: { ...bearer(token), ...host },
    });
    expect(rotated.statusCode).toBe(200);
    expect(linkOf(rotated.json().qr)).toBe('http://truyvet.bienhoa.local:8080');

    expect(linkOf(await posterQr(env, token, venue.id, host))).toBe('http://truyvet.bienhoa.local:8080');

    const door = await newVenue(env, token, host, true);
    const screen = await env.app.inject({
      method: 'GET',
      url: `/api/v1/venues/${door.id}/rotating-qr`,
      headers: { ...bearer(token), ...host },
    });
    expect(screen.statusCode).toBe(200);
    expect(QR.exec(screen.json().qr)?.slice(1)).toEqual(['http://truyvet.bienhoa.local:8080', 'R']);
  });

  it('believes X-Forwarded-Proto/Host only from a trusted proxy', async () => {
    const forwarded = { host: 'internal:3000', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'truyvet.example.vn' };
    const viaProxy = await newVenue(env, token, forwarded, false);
    // inject's peer is 127.0.0.1 unless told otherwise: not a trusted proxy
    expect(linkOf(viaProxy.qr)).toBe('http://internal:3000');

    const trusted = await env.app.inject({
      method: 'GET',
      url: `/api/v1/venues/${viaProxy.id}`,
      headers: { ...bearer(token), ...forwarded },
      remoteAddress: '10.1.2.3',
    });
    expect(trusted.statusCode).toBe(200);
    expect(linkOf(trusted.json().qr)).toBe('https://truyvet.example.vn');
  });

  it('a citizen check-in accepts the linked code as the bare payload', async () => {
    const venue = await newVenue(env, token, { host: 'truyvet.bienhoa.local' });
    expect(linkOf(venue.qr)).toBe('http://truyvet.bienhoa.local');
    const { citizenToken } = await import('../../../../test/harness.ts');
    const citizen = await citizenToken(env, '0912345678');
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/v1/checkins',
      headers: bearer(citizen.token),
      payload: { venueQr: venue.qr },
    });
    expect(res.statusCode, res.body).toBe(201);
  });
});

describe('TRUYVET_PUBLIC_URL set: QR codes link to it whatever the Host', () => {
  let env: TestEnv;
  let token: string;
  beforeAll(async () => {
    env = await createTestEnv({ provinces: ['75'], config: { publicUrl: PUBLIC_URL } });
    token = (await staffToken(env, 'venue_manager', UNITS.bienHoa)).token;
  }, 180_000);
  afterAll(async () => {
    await env?.close();
  }, 60_000);

  it('links the venue, its view and its poster to the configured URL', async () => {
    const host = { host: 'truyvet.bienhoa.local:8080' };
    const venue = await newVenue(env, token, host);
    expect(linkOf(venue.qr)).toBe(PUBLIC_URL);
    const read = await env.app.inject({
      method: 'GET',
      url: `/api/v1/venues/${venue.id}`,
      headers: { ...bearer(token), host: 'other.example:9999' },
    });
    expect(linkOf(read.json().qr)).toBe(PUBLIC_URL);
    expect(linkOf(await posterQr(env, token, venue.id, host))).toBe(PUBLIC_URL);
  });
});
