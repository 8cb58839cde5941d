/**
 * The venue poster under load: rendered off the event loop (so /healthz keeps answering during a burst of posters;
 * how fast it answers is timing, measured by bench/poster-burst, not asserted here), cached per content (a repeat is
 * the same bytes without a render; a new QR version renders anew), limited per account, and still a one-page A4 PDF.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestEnv, staffToken, type TestEnv, UNITS } from '../../../../test/harness.ts';
import { AppError } from '../../platform/errors.ts';
import { type PosterInput, renderPoster } from './poster.ts';
import { createPosterRenderer } from './poster-renderer.ts';

const RATE_LIMIT = 4;
let env: TestEnv;
let baseUrl: string;

beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'], config: { posterRateLimitPerMinute: RATE_LIMIT } });
  await env.app.listen({ port: 0, host: '127.0.0.1' });
  const address = env.app.server.address();
  if (!address || typeof address === 'string') throw new Error('not listening');
  baseUrl = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  await env?.close();
});

/** A staff venue manager of Biên Hòa (each call a new account, so each has its own poster allowance). */
const newManager = async () => (await staffToken(env, 'venue_manager', UNITS.bienHoa)).token;

async function newVenue(token: string, name: string): Promise<string> {
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/v1/venues',
    headers: bearer(token),
    payload: { name, category: 'factory', unitCode: UNITS.bienHoaCommune, address: '1 Đồng Khởi' },
  });
  expect(res.statusCode).toBe(201);
  return res.json().id;
}

async function fetchPoster(token: string, id: string) {
  const res = await fetch(`${baseUrl}/api/v1/venues/${id}/poster.pdf`, { headers: bearer(token) });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

const pageCount = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type \/Page\b(?!s)/g) ?? []).length;

const sampleInput = (shortCode: string): PosterInput => ({
  name: 'Xưởng may Tân Phong',
  address: '1 Đồng Khởi',
  unitName: 'Phường Tân Phong',
  shortCode,
  qr: `TV1.V.00000000-0000-4000-8000-000000000000.1.k1.${shortCode}`,
  categoryLabel: 'Khu công nghiệp, nhà máy',
});

describe('venue poster', () => {
  it('keeps /healthz answering while a burst of uncached posters renders, and renders every poster right', async () => {
    // first use of the route and of the poster threads, not part of the burst
    const warmer = await newManager();
    expect((await fetchPoster(warmer, await newVenue(warmer, 'Xưởng khởi động'))).status).toBe(200);

    const token = await newManager();
    const ids = [];
    for (let i = 0; i < RATE_LIMIT; i++) ids.push(await newVenue(token, `Xưởng đợt ${i}`));
    const rendersBefore = env.ctx.services.venues.posters().renders;

    let done = false;
    const burst = Promise.all(ids.map((id) => fetchPoster(token, id))).finally(() => {
      done = true;
    });
    // /healthz is asked one at a time while the posters render, and answers each time. How fast is timing, which
    // a loaded machine makes noisy: bench/poster-burst measures it against one render held on the event loop.
    let probes = 0;
    while (!done) {
      const res = await fetch(`${baseUrl}/healthz`);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      probes++;
      await new Promise((r) => setTimeout(r, 10));
    }
    const posters = await burst;
    expect(probes).toBeGreaterThanOrEqual(1);

    // every poster is its own venue's: a one-page PDF naming it
    for (const [i, p] of posters.entries()) {
      expect(p.status).toBe(200);
      expect(p.headers.get('content-type')).toContain('application/pdf');
      expect(p.body.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pageCount(p.body)).toBe(1);
      expect(p.body.equals(posters[(i + 1) % posters.length]?.body ?? Buffer.alloc(0))).toBe(false);
    }
    expect(env.ctx.services.venues.posters().renders - rendersBefore).toBe(ids.length);
  }, 300_000);

  it('serves a one-page A4 PDF, and a repeat from the cache: the same bytes, no new render', async () => {
    const token = await newManager();
    const id = await newVenue(token, 'Xưởng cache poster');
    const renderer = env.ctx.services.venues.posters();
    const before = renderer.renders;
    const first = await fetchPoster(token, id);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toContain('application/pdf');
    expect(first.body.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pageCount(first.body)).toBe(1);
    expect(renderer.renders - before).toBe(1);

    const again = await fetchPoster(token, id);
    expect(again.status).toBe(200);
    expect(again.body.equals(first.body)).toBe(true);
    expect(renderer.renders - before).toBe(1);

    // a new QR version is a new poster
    const rotated = await env.app.inject({
      method: 'POST',
      url: `/api/v1/venues/${id}/qr/rotate`,
      headers: bearer(token),
    });
    expect(rotated.statusCode).toBe(200);
    const afterRotation = await fetchPoster(token, id);
    expect(afterRotation.status).toBe(200);
    expect(afterRotation.body.equals(first.body)).toBe(false);
    expect(renderer.renders - before).toBe(2);
  }, 120_000);

  it('renders a poster asked for several times at once only once', async () => {
    const token = await newManager();
    const id = await newVenue(token, 'Xưởng cùng lúc');
    const renderer = env.ctx.services.venues.posters();
    const before = renderer.renders;
    const posters = await Promise.all([1, 2, 3].map(() => fetchPoster(token, id)));
    expect(posters.map((p) => p.status)).toEqual([200, 200, 200]);
    expect(posters[1]?.body.equals(posters[0]?.body as Buffer)).toBe(true);
    expect(posters[2]?.body.equals(posters[0]?.body as Buffer)).toBe(true);
    expect(renderer.renders - before).toBe(1);
  }, 120_000);

  it('limits posters per account: 429 past the limit, while another account still gets its poster', async () => {
    const [first, second] = [await newManager(), await newManager()];
    const id = await newVenue(first, 'Xưởng giới hạn');
    const otherId = await newVenue(second, 'Xưởng khác');
    for (let i = 0; i < RATE_LIMIT; i++) expect((await fetchPoster(first, id)).status).toBe(200);
    const limited = await fetchPoster(first, id);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(JSON.parse(limited.body.toString()).error).toMatchObject({ code: 'RATE_LIMITED' });
    // same address (every request here comes from 127.0.0.1): the limit is the account's, not the address's
    const other = await fetchPoster(second, otherId);
    expect(other.status).toBe(200);
    expect(other.body.subarray(0, 5).toString()).toBe('%PDF-');
  }, 120_000);

  it('answers 503 POSTER_BUSY with Retry-After once the pool is closed, keeping what is cached', async () => {
    const token = await newManager();
    const cachedId = await newVenue(token, 'Xưởng trước khi đóng');
    const newId = await newVenue(token, 'Xưởng sau khi đóng');
    const cached = await fetchPoster(token, cachedId);
    expect(cached.status).toBe(200);
    await env.ctx.services.venues.posters().close();
    const busy = await fetchPoster(token, newId);
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('10');
    expect(JSON.parse(busy.body.toString()).error).toMatchObject({ code: 'POSTER_BUSY' });
    expect((await fetchPoster(token, cachedId)).body.equals(cached.body)).toBe(true);
  }, 120_000);
});

describe('poster renderer', () => {
  it('fits one A4 page even with the longest name and address a venue may have', async () => {
    const longest = {
      ...sampleInput('LONG-2345'),
      name: 'Công ty trách nhiệm hữu hạn một thành viên '.repeat(5).slice(0, 200),
      address: 'Số 123 đường Nguyễn Ái Quốc, khu phố 4, '.repeat(8).slice(0, 300),
      categoryLabel: 'Chợ, siêu thị, trung tâm thương mại, cửa hàng',
    };
    for (const input of [sampleInput('SHRT-2345'), longest]) {
      const pdf = await renderPoster(input);
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pageCount(pdf)).toBe(1);
      expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 595\.28 841\.89\]/);
    }
  }, 60_000);

  it('bounds the renders in flight: one past threads + queue fails at once with POSTER_BUSY', async () => {
    const renderer = createPosterRenderer(env.ctx.log, { threads: 1, maxQueue: 1 });
    try {
      const running = [renderer.render(sampleInput('AAAA-2345')), renderer.render(sampleInput('BBBB-2345'))];
      await expect(renderer.render(sampleInput('CCCC-2345'))).rejects.toSatisfy(
        (err) => err instanceof AppError && err.code === 'POSTER_BUSY' && err.status === 503,
      );
      for (const pdf of await Promise.all(running)) expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(renderer.renders).toBe(2);
      // the queue drained: the one turned away renders now
      expect((await renderer.render(sampleInput('CCCC-2345'))).subarray(0, 5).toString()).toBe('%PDF-');
    } finally {
      await renderer.close();
    }
  }, 120_000);

  it('answers POSTER_BUSY for a render that does not finish in time, and frees its place', async () => {
    // 1 ms: no thread can even start in that time
    const renderer = createPosterRenderer(env.ctx.log, { threads: 1, maxQueue: 0, renderTimeoutMs: 1 });
    try {
      for (const code of ['TIME-2345', 'TIMF-2345']) {
        await expect(renderer.render(sampleInput(code))).rejects.toSatisfy(
          (err) => err instanceof AppError && err.code === 'POSTER_BUSY',
        );
      }
      expect(renderer.renders).toBe(2);
    } finally {
      await renderer.close();
    }
  }, 60_000);
});
