/**
 * Issue 11, items 9, 10 and 12 for tracers, through the real UI: long lists come a page at a time from the server
 * (50 cases, 50 contacts, "Show more" for the next) and are searched there; a case's contacts are cards on a 360 px
 * phone and a table on a desktop — in Vietnamese and in English; the case page explains its numbers (the rule's
 * minutes, the window's end, units with commune and district, who a venue alert had told already); the F1/F2 list
 * downloads as CSV and prints; the chain graph draws the F2 in the legend's colours. Screenshots go to
 * e2e/screenshots/ (for CI to keep).
 *
 * Data, made through the API: 60 people at one market at the same time (one of them the F0: 59 F1), one of them at
 * a café an hour later with someone else (1 F2), and 52 more cases.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiCall,
  apiStaffLogin,
  createStaff,
  documentWidth,
  launchBrowser,
  openPage,
  randomSuffix,
  screenshot,
  staffSignIn,
} from './browser.ts';
import { startServer, type TestServer } from './server.ts';

const WARD = '25993';
const MARKET_PEOPLE = 60;
const MORE_CASES = 52;
const PAGE = 50;
/** the market case's contacts: 59 F1 at the market and the one F2 an F1 met at a café */
const CONTACTS = MARKET_PEOPLE;

interface Registered {
  id: string;
  name: string;
  nationalId: string;
}

const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1366, height: 800 };

/** Switches the interface language the way the app's own switch keeps it (localStorage), and reloads. */
async function useLanguage(page: Page, lang: 'vi' | 'en') {
  await page.evaluate(`window.localStorage.setItem('truyvet.lang', ${JSON.stringify(lang)})`);
  await page.reload();
}

const TEXT = {
  vi: {
    home: 'Trang chủ',
    cases: 'Ca bệnh',
    more: 'Xem thêm',
    shown: 'Đang hiện 50 mục đầu tiên; còn nữa bên dưới.',
    search: 'Tìm kiếm',
    caseSearch: 'Mã ca bệnh hoặc họ tên',
    contactSearch: 'Tìm người tiếp xúc',
    contactSearchButton: 'Tìm',
  },
  en: {
    home: 'Home',
    cases: 'Cases',
    more: 'Show more',
    shown: 'Showing the first 50; more below.',
    search: 'Search',
    caseSearch: 'Case code or name',
    contactSearch: 'Search contacts',
    contactSearchButton: 'Search',
  },
} as const;

describe('long lists for tracers: pages, search, cards on a phone, explained numbers, export', () => {
  let server: TestServer;
  let browser: Browser;
  let adminToken: string;
  const tracer = { username: `tracer.${randomSuffix()}`, password: `Pw-${randomSuffix()}-${randomSuffix()}-long` };
  const tag = randomSuffix();
  const market: Registered[] = [];
  const plain: Registered[] = [];
  let marketCase: { id: string; displayCode: string };
  let f2: Registered;
  const venueName = `Chợ Đêm ${tag}`;
  let venueId: string;

  async function register(name: string): Promise<Registered> {
    const nationalId = `0751${String(Date.now() % 1e5).padStart(5, '0')}${String(market.length + plain.length).padStart(3, '0')}`;
    const res = await apiCall<{ id: string }>(server.url, adminToken, 'POST', '/people', {
      nationalId,
      name,
      unitCode: WARD,
      phone: `09${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { id: res.body.id, name, nationalId };
  }

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    adminToken = await apiStaffLogin(server.url, 'admin', server.adminPassword);
    await createStaff(server.url, adminToken, {
      username: tracer.username,
      password: tracer.password,
      role: 'tracer',
      unitCode: '75',
      displayName: 'Truy vết danh sách (e2e)',
    });

    for (let i = 0; i < MARKET_PEOPLE; i++)
      market.push(await register(`Khách Chợ ${tag} ${String(i).padStart(2, '0')}`));
    for (let i = 0; i < MORE_CASES; i++) plain.push(await register(`Bệnh Nhân ${tag} ${String(i).padStart(2, '0')}`));
    const venue = await apiCall<{ id: string }>(server.url, adminToken, 'POST', '/venues', {
      name: venueName,
      category: 'market_supermarket_mall_shop',
      unitCode: WARD,
      address: '1 Đường Chợ Đêm',
      defaultStayMinutes: 120,
    });
    expect(venue.status, JSON.stringify(venue.body)).toBe(201);
    venueId = venue.body.id;
    // everyone at the market three hours ago, a minute apart (typed in by staff at the door: strong evidence)
    const at = Date.now() - 3 * 3600_000;
    const synced = await apiCall<{ accepted: number }>(server.url, adminToken, 'POST', '/checkins/batch', {
      items: market.map((p, i) => ({
        idempotencyKey: `e2e-lists-${tag}-${i}`,
        venueId,
        nationalId: p.nationalId,
        at: new Date(at + i * 60_000).toISOString(),
      })),
    });
    expect(synced.body.accepted, JSON.stringify(synced.body)).toBe(MARKET_PEOPLE);
    // one F1 (market[1]) met someone at a café an hour later: an F2 of the market case
    f2 = await register(`Khách Quán ${tag}`);
    const cafe = await apiCall<{ id: string }>(server.url, adminToken, 'POST', '/venues', {
      name: `Quán Cà Phê ${tag}`,
      category: 'restaurant_cafe',
      unitCode: WARD,
      address: '2 Đường Chợ Đêm',
      defaultStayMinutes: 60,
    });
    const later = await apiCall<{ accepted: number }>(server.url, adminToken, 'POST', '/checkins/batch', {
      items: [market[1], f2].map((p, i) => ({
        idempotencyKey: `e2e-lists-cafe-${tag}-${i}`,
        venueId: cafe.body.id,
        nationalId: (p as Registered).nationalId,
        at: new Date(at + 3 * 3600_000 - 60 * 60_000 + i * 60_000).toISOString(),
      })),
    });
    expect(later.body.accepted, JSON.stringify(later.body)).toBe(2);
    const opened = await apiCall<{ id: string; displayCode: string; contacts: { f1: number } }>(
      server.url,
      adminToken,
      'POST',
      '/cases',
      { person: { personId: market[0]?.id }, confirmedAt: new Date().toISOString() },
    );
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expect(opened.body.contacts.f1).toBe(MARKET_PEOPLE - 1);
    marketCase = opened.body;
    for (const p of plain) {
      const res = await apiCall(server.url, adminToken, 'POST', '/cases', {
        person: { personId: p.id },
        confirmedAt: new Date(Date.now() - 3600_000).toISOString(),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const lang of ['vi', 'en'] as const)
    for (const [size, viewport] of [
      ['360', PHONE],
      ['desktop', DESKTOP],
    ] as const)
      it(`${lang} at ${size}: the case list and a case's contacts come 50 at a time, searched on the server`, async () => {
        const text = TEXT[lang];
        const { context, page, problems } = await openPage(browser, server.url, viewport);
        await staffSignIn(page, tracer.username, tracer.password);
        await page.getByRole('heading', { level: 1, name: TEXT.vi.home }).waitFor();
        await useLanguage(page, lang);
        await page.getByRole('heading', { level: 1, name: text.home }).waitFor();

        // the case list: 50 cards, then the next page from the server
        await page.goto('/cases');
        await page.getByRole('heading', { level: 1, name: text.cases }).waitFor();
        const cards = page.locator('.cs-case-card');
        await page.getByText(text.shown).waitFor();
        expect(await cards.count()).toBe(PAGE);
        await page.getByRole('button', { name: text.more }).click();
        await page.locator(`.cs-case-card:nth-child(${PAGE + 1})`).waitFor();
        expect(await cards.count()).toBeGreaterThan(PAGE);
        expect(await documentWidth(page)).toBeLessThanOrEqual(viewport.width);
        await screenshot(page, `lists-cases-${lang}-${size}`);
        // searched on the server: one case of the 60+, whichever page it was on
        const wanted = plain[7] as Registered;
        await page.getByLabel(text.caseSearch).fill(wanted.name);
        await page.getByRole('button', { name: text.search, exact: true }).click();
        await page.locator('.cs-case-card').filter({ hasText: wanted.name }).waitFor();
        // that case is in the list shown before the search too: wait for the server's answer
        await expect.poll(() => cards.count()).toBe(1);
        await expect.poll(() => page.getByRole('button', { name: text.more }).count()).toBe(0);

        // the market case's 60 contacts: cards on a phone, a table on a desktop, 50 first
        await page.goto(`/cases/${marketCase.id}`);
        const rows = page.locator(size === '360' ? 'li.cs-contact-card' : 'table.cs-table tbody tr');
        await rows.first().waitFor();
        expect(await rows.count()).toBe(PAGE);
        if (size === '360') {
          expect(await page.locator('table.cs-table').count()).toBe(0);
          // a name is a line of text, not a column of letters
          const name = await page.locator('li.cs-contact-card .cs-contact-person').first().boundingBox();
          expect(name?.width ?? 0).toBeGreaterThan(120);
          expect(name?.height ?? 999).toBeLessThan(60);
        } else expect(await page.locator('li.cs-contact-card').count()).toBe(0);
        const contacts = page.locator('#cs-contacts').locator('..');
        await contacts.getByRole('button', { name: text.more }).click();
        // the next page comes from the server (as the search below does)
        await expect.poll(() => rows.count()).toBe(CONTACTS);
        expect(await contacts.getByRole('button', { name: text.more }).count()).toBe(0);
        expect(await documentWidth(page)).toBeLessThanOrEqual(viewport.width);
        await screenshot(page, `lists-contacts-${lang}-${size}`);
        // search among the contacts, on the server (accents optional)
        const someone = market[42] as Registered;
        await page.getByLabel(text.contactSearch).fill(`khach cho ${tag} 42`);
        await contacts.getByRole('button', { name: text.contactSearchButton, exact: true }).click();
        await expect.poll(() => rows.count()).toBe(1);
        expect(await rows.first().textContent()).toContain(someone.name);
        expect(problems).toEqual([]);
        await context.close();
      });

  it('the case page explains its numbers, and the F1/F2 list downloads as CSV and prints', async () => {
    const { context, page, problems } = await openPage(browser, server.url, DESKTOP);
    await staffSignIn(page, tracer.username, tracer.password);
    await page.getByRole('heading', { level: 1, name: 'Trang chủ' }).waitFor();
    await page.goto(`/cases/${marketCase.id}`);
    await page.getByRole('heading', { level: 1, name: new RegExp(`^${marketCase.displayCode} — `) }).waitFor();
    // the unit with its commune and district, the rule's minutes and where the window ends
    expect(await page.locator('.details').textContent()).toContain('Phường Trảng Dài, Thành phố Biên Hòa');
    expect(await page.locator('.cs-counts-explained').textContent()).toContain('ít nhất 15 phút');
    const explained = (await page.locator('.cs-overlap-explained').textContent()) ?? '';
    expect(explained).toContain('ít nhất 15 phút');
    expect(explained).toContain('lúc xác nhận');
    // a venue alert on people tracing told already says so
    const stay = page.locator('.cs-stay').filter({ hasText: venueName });
    await stay.getByRole('button', { name: 'Cảnh báo địa điểm' }).click();
    await stay.getByRole('button', { name: 'Xem trước số người' }).click();
    const preview = stay.locator('.cs-alert-preview');
    await preview.waitFor();
    expect(await preview.textContent()).toMatch(/59 người có mặt.*59 người trong số đó đã được ca này cảnh báo/);
    await stay.getByRole('button', { name: 'Gửi cảnh báo cho 59 người' }).click();
    const sent = stay.getByRole('status').filter({ hasText: /^Đã cảnh báo 59 người/ });
    await sent.waitFor();
    expect(await sent.textContent()).toContain('gửi 0 tin nhắn mới');
    expect(await sent.textContent()).toContain('đã được ca này cảnh báo trước đó, nên không gửi lại');
    await screenshot(page, 'lists-case-explained');

    // CSV: every contact, a phone neutralised against formulas
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Tải danh sách F1/F2 (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${marketCase.displayCode}-F1-F2.csv`);
    const csv = readFileSync((await download.path()) as string, 'utf8');
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toMatch(/^degree,person_id,name,phone,/);
    expect(lines).toHaveLength(CONTACTS + 1);
    expect(lines[1]).toMatch(/^F1,[0-9a-f-]{36},Khách Chợ .*,'\+849\d{8},/);

    // the printable page: the same 60 rows, without the app's header when printed
    await page.getByRole('link', { name: 'In danh sách F1/F2' }).click();
    await page.getByRole('heading', { level: 1, name: `Danh sách F1/F2 của ca ${marketCase.displayCode}` }).waitFor();
    expect(await page.locator('.cs-print-table tbody tr').count()).toBe(CONTACTS);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.app-header').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'In', exact: true }).isVisible()).toBe(false);
    await screenshot(page, 'lists-print');
    await page.emulateMedia({ media: 'screen' });
    // both exports are in the audit log, naming the people in them
    const audit = await apiCall<Array<{ action: string }>>(
      server.url,
      adminToken,
      'GET',
      `/audit?personId=${market[1]?.id}`,
    );
    expect(audit.status).toBe(200);
    expect(audit.body.filter((e) => e.action === 'cases.exportContacts').length).toBeGreaterThanOrEqual(2);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the chain graph draws the F2, its legend in the very colours of the nodes, and labels contacts when zoomed in', async () => {
    const { context, page, problems } = await openPage(browser, server.url, DESKTOP);
    await staffSignIn(page, tracer.username, tracer.password);
    await page.getByRole('heading', { level: 1, name: 'Trang chủ' }).waitFor();
    await page.goto('/cases-graph');
    const summary = page.locator('.cs-graph-summary');
    await summary.waitFor();
    expect(Number(await summary.getAttribute('data-f1'))).toBeGreaterThanOrEqual(MARKET_PEOPLE - 1);
    expect(Number(await summary.getAttribute('data-f2'))).toBeGreaterThanOrEqual(1);
    const graph = page.locator('.cs-graph[data-renders]');
    await graph.waitFor();
    // at the default zoom only case labels; zoomed in, the F1/F2 are labelled too
    expect(await graph.getAttribute('data-contact-labels')).toBe('0');
    // the legend's dots are the nodes' colours: each is drawn somewhere on the canvas (node centres are exact)
    const wanted = await page
      .locator('.cs-legend [data-colour]')
      .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.colour as string));
    expect(wanted.length).toBeGreaterThanOrEqual(4);
    // …and each legend dot is painted in the colour it names
    const painted = await page
      .locator('.cs-legend [data-colour]')
      .evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
    expect(painted).toEqual(
      wanted.map((hex) => {
        const n = Number.parseInt(hex.slice(1), 16);
        return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
      }),
    );
    // the canvas as the user sees it (a screenshot), decoded in the page itself: the colours of all its pixels
    const shot = (await graph.screenshot()).toString('base64');
    const seen = (await page.evaluate(`new Promise((resolve) => {
      const img = new Image();
      img.onload = () => {
        const c = document.createElement('canvas');
        c.width = img.width;
        c.height = img.height;
        const g = c.getContext('2d');
        g.drawImage(img, 0, 0);
        const d = g.getImageData(0, 0, c.width, c.height).data;
        const out = new Set();
        for (let i = 0; i < d.length; i += 4) out.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
        resolve([...out]);
      };
      img.src = 'data:image/png;base64,${shot}';
    })`)) as number[];
    const near = (hex: string) => {
      const n = Number.parseInt(hex.slice(1), 16);
      return seen.some((s) => [16, 8, 0].every((k) => Math.abs(((s >> k) & 255) - ((n >> k) & 255)) <= 3));
    };
    expect(
      wanted.filter((c) => !near(c)),
      `legend colours not drawn: ${wanted.join(' ')}`,
    ).toEqual([]);
    await screenshot(page, 'lists-graph');
    // Each zoom is animated (200 ms) and labels are hidden while the camera moves: after a click, wait until no new
    // frame has been drawn for 400 ms (the camera has stopped; under a loaded CI machine the animation's frames come
    // late, and a click in the middle of one zooms from where it was), then read the labels of that last frame.
    const settled = async () => {
      let last = '';
      let still = 0;
      for (let waited = 0; waited < 10_000 && still < 4; waited += 100) {
        const now = (await graph.getAttribute('data-renders')) ?? '';
        still = now === last ? still + 1 : 0;
        last = now;
        await page.waitForTimeout(100);
      }
    };
    for (let i = 0; i < 4; i++) {
      await page.getByRole('button', { name: 'Phóng to' }).click();
      await settled();
    }
    await expect
      .poll(async () => Number(await graph.getAttribute('data-contact-labels')), { timeout: 10_000 })
      .toBeGreaterThan(0);
    await screenshot(page, 'lists-graph-zoomed');
    expect(problems).toEqual([]);
    await context.close();
  });
});
