/**
 * Venue QR check-in in a real browser: a manager registers a venue and downloads its poster; its QR links to the
 * address the manager's browser used (no TRUYVET_PUBLIC_URL), which a phone's camera opens on the scan page, naming
 * the venue above "Ghi nhận" at 360 × 740; a citizen "scans"
 * it (the QR text goes into the scan page's field: no camera in CI) and finds it in their history; until the commune
 * verifies the venue, the manager's door scanner records no one (it says why); afterwards it checks in a citizen by
 * their personal QR and a person without a phone by national ID; offline, the scanner queues scans and sends
 * them when the network returns; on a 360 px phone the door sends a one-time code to someone without a smartphone
 * and records them with it; staff register a venue for someone and see the compliance statistics.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Cookie, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiCall,
  apiStaffLogin,
  citizenSignIn,
  createStaff,
  documentWidth,
  launchBrowser,
  openPage,
  randomPhone,
  randomSuffix,
  screenshot,
  seriousViolations,
  staffSignIn,
} from './browser.ts';
import { startServer, type TestServer } from './server.ts';

function randomNationalId(): string {
  return `0751${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
}

/** The newest door code sent to `phone` (through the job worker into the fake SMS outbox), read as an admin. */
async function doorCode(baseURL: string, adminToken: string, phone: string): Promise<string> {
  for (let attempt = 0; attempt < 75; attempt++) {
    const { body } = await apiCall<Array<{ text: string }>>(
      baseURL,
      adminToken,
      'GET',
      `/dev/outbox?to=${encodeURIComponent(`+84${phone.slice(1)}`)}`,
    );
    const code = body.find((m) => m.text.startsWith('Truyvet: ma khai bao'))?.text.match(/: (\d{6})\./)?.[1];
    if (code) return code;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no door code sent to ${phone}`);
}

/** A JSON GET with the page's own session cookie. */
async function pageGet<T>(page: Page, path: string): Promise<T> {
  return page.evaluate(async (p) => {
    const response = await fetch(`/api/v1${p}`);
    if (!response.ok) throw new Error(`${p}: ${response.status} ${await response.text()}`);
    return response.json();
  }, path);
}

/** A JSON write with the page's own session cookie; returns the status. */
async function pageSend(page: Page, method: 'POST' | 'PUT', path: string, body: unknown): Promise<number> {
  return page.evaluate(
    async ([m, p, b]) => {
      const response = await fetch(`/api/v1${p}`, {
        method: m as string,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(b),
      });
      return response.status;
    },
    [method, path, body] as const,
  );
}

/** The answers of a declaration with nothing to report. */
const NOTHING_TO_DECLARE = {
  fever: false,
  cough: false,
  breath: false,
  sore_throat: false,
  taste_smell: false,
  fatigue: false,
  contact_f0: false,
  outbreak_area: false,
  from_abroad: false,
  vaccine_doses: '2',
};

interface Occupancy {
  present: number;
  checkinsToday: number;
}

describe('venue QR check-in journeys', () => {
  let server: TestServer;
  let browser: Browser;
  let adminToken: string;
  // the manager and the venue of the later tests: new for each try of the first test (a retry too — a first try
  // that failed after registering would leave the manager a venue, and the form is open only for one with none)
  let managerPhone = '';
  let venueName = '';
  let venueId = '';
  // the manager signs in by a one-time code once; the later tests' pages take the session's cookies. A phone gets
  // five codes an hour (OTP_TOO_MANY_SENDS after): a code per test left no room for a retry.
  let managerCookies: Cookie[] = [];
  async function managerSignIn(page: Page): Promise<void> {
    if (managerCookies.length === 0) {
      await citizenSignIn(page, server.url, adminToken, managerPhone);
      managerCookies = await page.context().cookies();
      return;
    }
    await page.context().addCookies(managerCookies);
    await page.goto('/');
    await page.getByRole('heading', { level: 1, name: 'Mã QR cá nhân' }).waitFor();
  }
  let venueQr = '';

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    adminToken = await apiStaffLogin(server.url, 'admin', server.adminPassword);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lets a manager register a venue and download its A4 poster', async () => {
    managerPhone = randomPhone();
    managerCookies = [];
    venueName = `Quán cà phê Hoa Sữa ${randomSuffix()}`;
    const { context, page, problems } = await openPage(browser, server.url);
    await managerSignIn(page);
    const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
    await nav.getByRole('link', { name: 'Địa điểm của tôi' }).click();
    await page.getByRole('heading', { level: 1, name: 'Địa điểm của tôi' }).waitFor();

    // no venues yet: the registration form is open
    await page.getByLabel('Tên địa điểm').fill(venueName);
    await page.getByLabel('Loại địa điểm', { exact: true }).selectOption('restaurant_cafe');
    await page.getByLabel('Tìm theo tên').fill('an binh');
    await page.getByRole('button', { name: 'Phường An Bình thuộc Thành phố Biên Hòa' }).click();
    await page.getByLabel('Địa chỉ', { exact: true }).fill('25 Đồng Khởi');
    await page.getByLabel(/^Sức chứa/).fill('40');
    await page.getByLabel(/^Khu vực/).fill('Tầng 1, Sân vườn');
    await page.getByRole('button', { name: 'Đăng ký địa điểm' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Đã đăng ký địa điểm ${venueName}.` })
      .waitFor();

    const card = page.locator('article.ck-venue').filter({ hasText: venueName });
    await card.waitFor();
    venueId = (await card.getAttribute('data-venue-id')) ?? '';
    expect(venueId).toMatch(/^[0-9a-f-]{36}$/);
    const qr = card.getByRole('img', { name: `Mã QR địa điểm ${venueName}` });
    await qr.waitFor();
    venueQr = (await qr.getAttribute('data-qr')) ?? '';
    // TRUYVET_PUBLIC_URL is not set: the code links to the address this browser reached the server by
    expect(venueQr.startsWith(`${server.url}/q/TV1.V.`), venueQr).toBe(true);
    expect(await card.getByTestId('ck-short-code').textContent()).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    await card.getByText('Sân vườn').first().waitFor();
    await card.getByText('Đang có 0 người', { exact: false }).waitFor();
    await screenshot(page, 'checkins-my-venue');

    // the poster downloads as a PDF
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      card.getByRole('link', { name: 'Tải áp phích (PDF)' }).click(),
    ]);
    const file = await download.path();
    expect(readFileSync(file).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(download.suggestedFilename()).toMatch(/\.pdf$/);

    expect(problems).toEqual([]);
    await context.close();
  });

  it('reads the hours of a wedding typed on a phone set to another time zone as Việt Nam time', async () => {
    // a phone left on New York time (UTC−5): 10:00 typed must be 10:00 in Việt Nam, not 10:00 in New York (22:00 here)
    const { context, page, problems } = await openPage(
      browser,
      server.url,
      { width: 360, height: 740 },
      'America/New_York',
    );
    await citizenSignIn(page, server.url, adminToken, randomPhone());
    const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
    await nav.getByRole('link', { name: 'Địa điểm của tôi' }).click();
    await page.getByRole('heading', { level: 1, name: 'Địa điểm của tôi' }).waitFor();
    const day = new Date(Date.now() + 7 * 3_600_000 + 86_400_000).toISOString().slice(0, 10); // tomorrow in Việt Nam
    const wedding = `Tiệc cưới Minh - Thu ${randomSuffix()}`;
    await page.getByLabel('Tên địa điểm').fill(wedding);
    await page.getByLabel('Loại địa điểm', { exact: true }).selectOption('wedding_funeral');
    await page.getByLabel('Tìm theo tên').fill('an binh');
    await page.getByRole('button', { name: 'Phường An Bình thuộc Thành phố Biên Hòa' }).click();
    await page.getByLabel('Địa chỉ', { exact: true }).fill('12 Hà Huy Giáp');
    await page.getByLabel('Bắt đầu', { exact: true }).fill(`${day}T10:00`);
    await page.getByLabel('Kết thúc', { exact: true }).fill(`${day}T14:30`);
    await page.getByRole('button', { name: 'Đăng ký địa điểm' }).click();
    const card = page.locator('article.ck-venue').filter({ hasText: wedding });
    await card.waitFor();
    const [y, m, d] = day.split('-');
    const hours = await card.locator('dd').filter({ hasText: '–' }).first().textContent();
    expect(hours).toContain(`${d}/${m}/${y}`);
    expect(hours).toMatch(/10:00.*–.*14:30/);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('lets a citizen scan the venue code, see the check-in in their history and check out', async () => {
    const { context, page, problems } = await openPage(browser, server.url);
    await citizenSignIn(page, server.url, adminToken, randomPhone());
    const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
    await nav.getByRole('link', { name: 'Quét mã địa điểm' }).click();
    await page.getByRole('heading', { level: 1, name: 'Quét mã địa điểm' }).waitFor();

    // a personal QR pasted by mistake is explained, not sent
    const field = page.getByLabel('Dán hoặc nhập mã QR / mã địa điểm');
    const myQr = await pageGet<{ qr: string }>(page, '/me/qr');
    await field.fill(myQr.qr);
    await page.getByRole('button', { name: 'Ghi nhận', exact: true }).click();
    await page.getByText('Đây là mã QR cá nhân, không phải mã địa điểm.').waitFor();

    // the venue QR text, as the camera would read it: the venue is named before anything is sent
    await field.fill(venueQr);
    await page.getByRole('region', { name: venueName }).getByText('25 Đồng Khởi, Phường An Bình').waitFor();
    await page.getByRole('button', { name: 'Ghi nhận', exact: true }).click();
    const result = page.getByRole('status').filter({ hasText: 'Đã ghi nhận vào địa điểm' });
    await result.waitFor();
    await result.getByText(venueName).waitFor();
    await screenshot(page, 'checkins-scan-done');

    // the same code again at once: the server's duplicate message, in Vietnamese
    await field.fill(venueQr);
    await page.getByRole('button', { name: 'Ghi nhận', exact: true }).click();
    await page.getByRole('alert').waitFor();
    const duplicate = await page.getByRole('alert').textContent();
    expect(duplicate?.length).toBeGreaterThan(5);

    // a tampered code is refused by the server
    await field.fill(`${venueQr.slice(0, -3)}AAA`);
    await page.getByRole('button', { name: 'Ghi nhận', exact: true }).click();
    await expect
      .poll(async () => (await page.getByRole('alert').textContent()) !== duplicate, { timeout: 10_000 })
      .toBe(true);

    // history shows the venue, and the open stay can be checked out
    await nav.getByRole('link', { name: 'Lịch sử ra vào' }).click();
    await page.getByRole('heading', { level: 1, name: 'Lịch sử ra vào' }).waitFor();
    const item = page.locator('li.ck-item').filter({ hasText: venueName });
    await item.waitFor();
    await item.getByText('Đang ở đây').waitFor();
    await screenshot(page, 'checkins-history');
    await item.getByRole('button', { name: `Khai báo ra khỏi ${venueName}` }).click();
    await item.getByText(/^Ra: /).waitFor();
    const mine = await pageGet<Array<{ venueId: string; checkedOutAt: string | null }>>(page, '/me/checkins');
    expect(mine.filter((c) => c.venueId === venueId)).toHaveLength(1);
    expect(mine[0]?.checkedOutAt).not.toBeNull();

    // the URL QR opened by the phone's camera lands on the scan page with the code filled in
    // (no trailing slash: the QR ends in ".<signature>", which must not be mistaken for a file)
    await page.goto(venueQr);
    await page.getByRole('heading', { level: 1, name: 'Quét mã địa điểm' }).waitFor();
    expect(await page.getByLabel('Dán hoặc nhập mã QR / mã địa điểm').inputValue()).toBe(
      venueQr.slice(venueQr.indexOf('TV1.')),
    );

    expect(problems).toEqual([]);
    await context.close();
  });

  it("lets the venue's staff check in a citizen by personal QR and a person without a phone by national ID", async () => {
    // the other citizen's personal QR, as shown on their phone
    const citizen = await openPage(browser, server.url);
    await citizenSignIn(citizen.page, server.url, adminToken, randomPhone());
    const personal = await pageGet<{ qr: string; personId: string }>(citizen.page, '/me/qr');
    expect(personal.qr).toMatch(/^TV1\.P\./);

    const { context, page, problems } = await openPage(browser, server.url);
    await managerSignIn(page);
    await page
      .getByRole('navigation', { name: 'Điều hướng chính' })
      .getByRole('link', { name: 'Địa điểm của tôi' })
      .click();
    const card = page.locator('article.ck-venue').filter({ hasText: venueName });
    await card.getByRole('link', { name: 'Quét tại cửa' }).click();
    await page.getByRole('heading', { level: 1, name: 'Quét tại cửa' }).waitFor();
    await page.getByText(venueName).first().waitFor();
    const before = await pageGet<Occupancy>(page, `/venues/${venueId}/occupancy`);

    // a citizen-run venue the commune has not verified records no one at its door: it says why, and offers no form.
    // (A retry of this test finds the venue verified by its earlier try, which saw the unverified door: it goes on
    // from there.)
    const { body: venue } = await apiCall<{ verified: boolean }>(server.url, adminToken, 'GET', `/venues/${venueId}`);
    if (!venue.verified) {
      await page.getByTestId('ck-not-verified').waitFor();
      expect(await page.getByLabel('Dán mã QR cá nhân').count()).toBe(0);
      expect(await page.getByLabel('Điện thoại nhận mã').count()).toBe(0);
      expect(await page.getByLabel('Số CCCD').count()).toBe(0);
      expect(await page.getByLabel('Danh sách', { exact: true }).count()).toBe(0);
      // and the server refuses it too
      const refused = await page.evaluate(
        async ([venue, qr]) =>
          (
            await fetch('/api/v1/checkins', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ venueId: venue, personQr: qr }),
            })
          ).json(),
        [venueId, personal.qr] as const,
      );
      expect(refused.error.code).toBe('VENUE_NOT_VERIFIED');
      await screenshot(page, 'checkins-door-unverified');
      // the commune's health worker verifies it on the venue's page: now its door may record people
      const worker = { username: `verify.${randomSuffix()}`, password: `pw-${randomSuffix()}-${randomSuffix()}` };
      await createStaff(server.url, adminToken, {
        ...worker,
        role: 'health_worker',
        unitCode: '75',
      });
      const staff = await openPage(browser, server.url, { width: 360, height: 740 });
      await staffSignIn(staff.page, worker.username, worker.password);
      await staff.page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
      await staff.page.goto(`/venues/${venueId}`);
      const status = staff.page.getByTestId('ck-verified');
      await status.filter({ hasText: 'Chưa xác minh' }).waitFor();
      await status.getByRole('button', { name: 'Xác minh địa điểm' }).click();
      await status.filter({ hasText: /Đã được trạm y tế xác minh ngày \d{1,2}\/\d{1,2}\/\d{4}/ }).waitFor();
      await screenshot(staff.page, 'checkins-venue-verified-360');
      expect(staff.problems).toEqual([]);
      await staff.context.close();
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Quét tại cửa' }).waitFor();
    }

    await page.getByLabel('Dán mã QR cá nhân').fill(personal.qr);
    await page.getByRole('button', { name: 'Ghi nhận', exact: true }).click();
    const results = page.locator('.ck-result-item');
    // a citizen who never gave a name: the door says so (and shows no one else's)
    await results
      .filter({ hasText: 'Mã QR cá nhân' })
      .filter({ hasText: 'Đã ghi nhận' })
      .filter({ hasText: 'Chưa có tên' })
      .waitFor();
    expect(await page.getByTestId('ck-not-verified').count()).toBe(0);

    const nationalId = randomNationalId();
    await page.getByLabel('Số CCCD').fill(nationalId);
    await page.getByLabel('Họ và tên').fill('Lê Văn Tám');
    await page.getByRole('button', { name: 'Ghi nhận người này' }).click();
    await results
      .filter({ hasText: `Lê Văn Tám — ${nationalId}` })
      .filter({ hasText: 'Đã ghi nhận' })
      .waitFor();
    await page.getByTestId('ck-pending-count').filter({ hasText: 'Chờ gửi: 0' }).waitFor();
    await screenshot(page, 'checkins-door-scanner');

    const after = await pageGet<Occupancy>(page, `/venues/${venueId}/occupancy`);
    expect(after.checkinsToday).toBe(before.checkinsToday + 2);
    // the citizen scanned at the door sees it in their own history
    const theirs = await pageGet<Array<{ venueId: string; method: string }>>(citizen.page, '/me/checkins');
    expect(theirs.map((c) => c.venueId)).toContain(venueId);

    expect([...problems, ...citizen.problems]).toEqual([]);
    await citizen.context.close();
    await context.close();
  });

  it('queues door scans while offline and sends them, with their scan times, when the network returns', async () => {
    const { context, page, problems } = await openPage(browser, server.url);
    await managerSignIn(page);
    await page.goto(`/door/${venueId}`);
    await page.getByRole('heading', { level: 1, name: 'Quét tại cửa' }).waitFor();
    await page.getByTestId('ck-pending-count').filter({ hasText: 'Chờ gửi: 0' }).waitFor();
    const before = await pageGet<Occupancy>(page, `/venues/${venueId}/occupancy`);

    await context.setOffline(true);
    await page.getByText('Mất mạng', { exact: false }).first().waitFor();
    const people = [
      { id: randomNationalId(), name: 'Phạm Thị Mai' },
      { id: randomNationalId(), name: 'Đỗ Văn Hùng' },
    ];
    for (const person of people) {
      await page.getByLabel('Số CCCD').fill(person.id);
      await page.getByLabel('Họ và tên').fill(person.name);
      await page.getByRole('button', { name: 'Ghi nhận người này' }).click();
    }
    // the third through the guest list form
    const listed = randomNationalId();
    await page.getByLabel('Danh sách', { exact: true }).fill(`${listed}, Vũ Thị Lan`);
    await page.getByRole('button', { name: 'Ghi nhận danh sách' }).click();
    await page.getByTestId('ck-pending-count').filter({ hasText: 'Chờ gửi: 3' }).waitFor();
    await screenshot(page, 'checkins-offline-queue');
    // still queued after a reload attempt of the queue (IndexedDB), and nothing reached the server
    await page.waitForTimeout(500);
    expect(await page.getByTestId('ck-pending-count').textContent()).toBe('Chờ gửi: 3');

    await context.setOffline(false);
    await page.getByTestId('ck-pending-count').filter({ hasText: 'Chờ gửi: 0' }).waitFor({ timeout: 30_000 });
    const results = page.locator('.ck-result-item').filter({ hasText: 'Đã ghi nhận' });
    await results.filter({ hasText: 'Vũ Thị Lan' }).waitFor();
    expect(await results.count()).toBe(3);
    await screenshot(page, 'checkins-offline-synced');

    const after = await pageGet<Occupancy>(page, `/venues/${venueId}/occupancy`);
    expect(after.checkinsToday).toBe(before.checkinsToday + 3);
    expect(after.present).toBe(before.present + 3);

    expect(problems).toEqual([]);
    await context.close();
  });

  it("never sends one account's queued scans under another account signed in on the same device", async () => {
    // two staff accounts with password sign-in (no one-time codes: the manager's phone has its hourly quota)
    const other = { username: `door.${randomSuffix()}`, password: `pw-${randomSuffix()}-${randomSuffix()}` };
    await createStaff(server.url, adminToken, {
      ...other,
      role: 'health_worker',
      unitCode: '75',
    });
    const { context, page: first, problems } = await openPage(browser, server.url);
    await staffSignIn(first, other.username, other.password);
    await first.getByRole('button', { name: 'Đăng xuất' }).waitFor();
    await first.goto(`/door/${venueId}`);
    await first.getByTestId('ck-pending-count').filter({ hasText: 'Chờ gửi: 0' }).waitFor();
    const before = await pageGet<Occupancy>(first, `/venues/${venueId}/occupancy`);

    // the first account scans someone while offline and closes the scanner before the network returns
    await context.setOffline(true);
    await first.getByText('Mất mạng', { exact: false }).first().waitFor();
    await first.getByLabel('Số CCCD').fill(randomNationalId());
    await first.getByLabel('Họ và tên').fill('Lý Thị Thu');
    await first.getByRole('button', { name: 'Ghi nhận người này' }).click();
    await first.getByTestId('ck-pending-count').filter({ hasText: 'Chờ gửi: 1' }).waitFor();
    await first.close();
    await context.setOffline(false);

    // another account signs in on this device and opens the scanner: the scan is not theirs to send
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    expect((await page.request.post('/api/v1/auth/logout')).status()).toBeLessThan(300);
    await staffSignIn(page, 'admin', server.adminPassword);
    await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
    await page.goto(`/door/${venueId}`);
    await page.getByTestId('ck-pending-others').filter({ hasText: 'Còn 1 lượt quét' }).waitFor();
    expect(await page.getByTestId('ck-pending-count').textContent()).toBe('Chờ gửi: 0');
    await screenshot(page, 'checkins-door-other-account');
    await page.waitForTimeout(1000);
    expect((await pageGet<Occupancy>(page, `/venues/${venueId}/occupancy`)).checkinsToday).toBe(before.checkinsToday);

    // the first account signs in again: the scan goes out, under its own session
    expect((await page.request.post('/api/v1/auth/logout')).status()).toBeLessThan(300);
    await staffSignIn(page, other.username, other.password);
    await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
    await page.goto(`/door/${venueId}`);
    await page.getByTestId('ck-pending-count').filter({ hasText: 'Chờ gửi: 0' }).waitFor({ timeout: 30_000 });
    await page.locator('.ck-result-item').filter({ hasText: 'Lý Thị Thu' }).waitFor();
    expect(await page.getByTestId('ck-pending-others').count()).toBe(0);
    expect((await pageGet<Occupancy>(page, `/venues/${venueId}/occupancy`)).checkinsToday).toBe(
      before.checkinsToday + 1,
    );

    expect(problems).toEqual([]);
    await context.close();
  });

  it('enters a guest list through the batch endpoint and refuses malformed lines', async () => {
    const { context, page, problems } = await openPage(browser, server.url);
    await managerSignIn(page);
    await page.goto(`/door/${venueId}`);
    await page.getByRole('heading', { level: 1, name: 'Quét tại cửa' }).waitFor();
    await page.getByLabel('Danh sách', { exact: true }).fill('không phải số, Ai đó');
    await page.getByRole('button', { name: 'Ghi nhận danh sách' }).click();
    await page.getByText('Dòng không hợp lệ: 1.', { exact: false }).waitFor();

    const guests = [randomNationalId(), randomNationalId()];
    await page
      .getByLabel('Danh sách', { exact: true })
      .fill(`${guests[0]}, Khách Một\n${guests[1]}, Khách Hai\n${randomPhone()}, Khách Ba`);
    await page.getByRole('button', { name: 'Ghi nhận danh sách' }).click();
    const ok = page.locator('.ck-result-item').filter({ hasText: 'Đã ghi nhận' });
    await ok.filter({ hasText: 'Khách Ba' }).waitFor();
    expect(await ok.count()).toBe(3);
    await page.getByTestId('ck-pending-count').filter({ hasText: 'Chờ gửi: 0' }).waitFor();

    expect(problems).toEqual([]);
    await context.close();
  });

  it('lets staff register a venue on behalf of its manager and read the compliance statistics', async () => {
    const { context, page, problems } = await openPage(browser, server.url);
    await staffSignIn(page, 'admin', server.adminPassword);
    await page.getByRole('heading', { level: 1, name: 'Trang chủ' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
    await nav.getByRole('link', { name: 'Địa điểm', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Địa điểm' }).waitFor();
    await page.getByRole('button', { name: 'Đăng ký thay người quản lý' }).click();
    const market = `Chợ Tân Hiệp ${randomSuffix()}`;
    await page.getByLabel('Tên địa điểm').fill(market);
    await page.getByLabel('Loại địa điểm', { exact: true }).selectOption('market_supermarket_mall_shop');
    await page.getByLabel('Tìm theo tên').fill('an binh');
    await page.getByRole('button', { name: 'Phường An Bình thuộc Thành phố Biên Hòa' }).click();
    await page.getByLabel('Địa chỉ', { exact: true }).fill('Đường Đồng Khởi');
    await page.getByRole('button', { name: 'Đăng ký địa điểm' }).click();
    // the manager's phone is required on behalf of someone
    await page.getByText('Vui lòng nhập thông tin này.').waitFor();
    await page.getByLabel('Số điện thoại người quản lý').fill(randomPhone());
    await page.getByRole('button', { name: 'Đăng ký địa điểm' }).click();
    await page.getByText(`Đã đăng ký địa điểm ${market}.`).waitFor();
    await page.getByRole('img', { name: `Mã QR địa điểm ${market}` }).waitFor();
    await page.getByRole('link', { name: market }).waitFor();
    await screenshot(page, 'checkins-staff-venues');

    await nav.getByRole('link', { name: 'Thống kê địa điểm' }).click();
    await page.getByRole('heading', { level: 1, name: 'Thống kê địa điểm' }).waitFor();
    await page.getByLabel('Tìm theo tên').fill('an binh');
    await page.getByRole('button', { name: 'Phường An Bình thuộc Thành phố Biên Hòa' }).click();
    await page.getByRole('heading', { name: 'Địa điểm theo loại' }).waitFor();
    expect(Number(await page.getByTestId('ck-total-venues').textContent())).toBeGreaterThanOrEqual(2);
    await page.getByText(market).first().waitFor(); // no check-ins yet: on the inspection list
    await page.getByText(venueName).first().waitFor(); // among the top venues
    const csvHref = await page.getByRole('link', { name: 'Tải danh sách (CSV)' }).getAttribute('href');
    const csv = await page.evaluate(async (href) => {
      const response = await fetch(href ?? '');
      return { type: response.headers.get('content-type'), text: await response.text() };
    }, csvHref);
    expect(csv.type).toContain('text/csv');
    expect(csv.text).toContain(market);
    await screenshot(page, 'checkins-stats');

    expect(problems).toEqual([]);
    await context.close();
  });

  it("opens the poster's link from a phone's camera at 360 × 740: the venue's name and address above one \"Ghi nhận\"", async () => {
    const { context, page, problems } = await openPage(browser, server.url, { width: 360, height: 740 });
    await citizenSignIn(page, server.url, adminToken, randomPhone());
    await page.goto(venueQr);
    const preview = page.getByRole('region', { name: venueName });
    await preview.getByText('Bạn đang khai báo vào:').waitFor();
    await preview.getByText('Nhà hàng, quán ăn, cà phê').waitFor();
    await preview.getByText('25 Đồng Khởi, Phường An Bình').waitFor();
    const button = page.getByRole('button', { name: 'Ghi nhận', exact: true });
    expect(await page.getByRole('button', { name: /Ghi nhận|Khai báo/ }).count()).toBe(1);
    // the name comes before the button, and both are on the first screen, above the bottom tab bar
    const [nameBox, buttonBox, tabsBox] = await Promise.all([
      preview.getByText(venueName, { exact: true }).boundingBox(),
      button.boundingBox(),
      page.getByRole('navigation', { name: 'Điều hướng chính' }).boundingBox(),
    ]);
    const bottom = tabsBox && tabsBox.y > 370 ? tabsBox.y : 740;
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    expect(nameBox && buttonBox && nameBox.y + nameBox.height <= buttonBox.y).toBe(true);
    expect(buttonBox && buttonBox.y + buttonBox.height <= bottom, JSON.stringify({ buttonBox, bottom })).toBe(true);
    expect(await documentWidth(page)).toBeLessThanOrEqual(360);
    await screenshot(page, 'checkins-scan-preview-360');

    await button.click();
    const result = page.getByRole('status').filter({ hasText: 'Đã ghi nhận vào địa điểm' });
    await result.getByText(venueName).waitFor();

    expect(problems).toEqual([]);
    await context.close();
  });

  it('fits the scan and door pages on a 360 px wide phone without horizontal scrolling', async () => {
    const { context, page, problems } = await openPage(browser, server.url, { width: 360, height: 740 });
    await managerSignIn(page);
    await page.goto('/scan');
    await page.getByRole('heading', { level: 1, name: 'Quét mã địa điểm' }).waitFor();
    await page.getByLabel('Dán hoặc nhập mã QR / mã địa điểm').fill(venueQr);
    expect(await documentWidth(page)).toBeLessThanOrEqual(360);
    await screenshot(page, 'checkins-scan-360');

    await page.goto(`/door/${venueId}`);
    await page.getByRole('heading', { level: 1, name: 'Quét tại cửa' }).waitFor();
    await page.getByTestId('ck-pending-count').waitFor();
    expect(await documentWidth(page)).toBeLessThanOrEqual(360);
    await screenshot(page, 'checkins-door-360');

    // someone without a smartphone: a code goes to their phone, they read it out, the door records them with it
    const before = await pageGet<Occupancy>(page, `/venues/${venueId}/occupancy`);
    const elderPhone = randomPhone();
    await page.getByLabel('Điện thoại nhận mã').fill(elderPhone);
    await page.getByRole('button', { name: 'Gửi mã' }).click();
    await page.getByText(`Đã gửi mã tới ${elderPhone}`, { exact: false }).waitFor();
    const code = await doorCode(server.url, adminToken, elderPhone);
    // a wrong code is refused with the server's message, the right one records the person
    await page.getByLabel('Mã 6 số người đó đọc').fill(String((Number(code) + 1) % 1_000_000).padStart(6, '0'));
    await page.getByRole('button', { name: 'Ghi nhận bằng mã' }).click();
    await page.getByRole('alert').filter({ hasText: 'Mã tin nhắn không đúng' }).waitFor();
    await page.getByLabel('Mã 6 số người đó đọc').fill(code);
    await page.getByLabel(/^Tên người nhận mã/).fill('Cụ Hai');
    await page.getByRole('button', { name: 'Ghi nhận bằng mã' }).click();
    await page
      .locator('.ck-result-item')
      .filter({ hasText: `Cụ Hai — ${elderPhone}` })
      .filter({ hasText: 'Đã ghi nhận' })
      .waitFor();
    expect(await documentWidth(page)).toBeLessThanOrEqual(360);
    await screenshot(page, 'checkins-door-code-360');
    expect((await pageGet<Occupancy>(page, `/venues/${venueId}/occupancy`)).checkinsToday).toBe(
      before.checkinsToday + 1,
    );

    await page.goto('/my-venues');
    await page.getByRole('img', { name: `Mã QR địa điểm ${venueName}` }).waitFor();
    expect(await documentWidth(page)).toBeLessThanOrEqual(360);
    await page.goto(`/door/${venueId}`);
    await page.getByRole('heading', { level: 1, name: 'Quét tại cửa' }).waitFor();

    // a personal QR names its holder — masked for a venue's manager — with the birth year and the day's declaration
    const holders: Awaited<ReturnType<typeof openPage>>[] = [];
    const qrOf = async (name: string, birthYear: number, declare: boolean) => {
      // each citizen on their own phone (a browser context of their own: their own session cookie)
      const opened = await openPage(browser, server.url);
      holders.push(opened);
      const holder = opened.page;
      await citizenSignIn(holder, server.url, adminToken, randomPhone());
      expect(await pageSend(holder, 'PUT', '/me/profile', { name, birthYear, unitCode: '26050' })).toBe(200);
      if (declare) {
        const status = await pageSend(holder, 'POST', '/declarations', {
          type: 'domestic',
          answers: NOTHING_TO_DECLARE,
        });
        expect(status).toBe(201);
      }
      return (await pageGet<{ qr: string }>(holder, '/me/qr')).qr;
    };
    const declared = await qrOf('Trần Thị Bích Ngọc', 1987, true);
    const undeclared = await qrOf('Phan Văn Tài', 1962, false);
    const scan = async (qr: string) => {
      await page.getByLabel('Dán mã QR cá nhân').fill(qr);
      await page.getByRole('button', { name: 'Ghi nhận', exact: true }).click();
    };
    const results = page.getByTestId('door-results');
    const latest = results.locator('.dr-latest');
    await scan(declared);
    await latest.filter({ hasText: 'T. T. B. Ngọc' }).waitFor();
    expect(await latest.innerText()).toMatch(/Đã ghi nhận · Mã QR cá nhân · \d{2}:\d{2}/);
    await latest.getByText('tên viết tắt').waitFor();
    await latest.getByText('sinh năm 1987').waitFor();
    expect(await latest.locator('[data-badge]').getAttribute('data-badge')).toBe('green');
    await latest.getByText('Khai báo y tế: xanh — bình thường').waitFor();
    // never the full name, and no green pass line while there is none
    expect(await results.getByText('Trần Thị Bích Ngọc').count()).toBe(0);
    expect(await results.locator('[data-pass]').count()).toBe(0);
    await scan(undeclared);
    await latest.filter({ hasText: 'P. V. Tài' }).waitFor();
    await latest.getByText('Khai báo y tế: xám — chưa khai báo hôm nay').waitFor();
    // the result is at the top, above the scanner
    const [box, scanner] = await Promise.all([
      latest.boundingBox(),
      page.getByRole('heading', { name: 'Quét mã QR cá nhân' }).boundingBox(),
    ]);
    expect(box && scanner && box.y + box.height <= scanner.y).toBe(true);
    expect(await documentWidth(page)).toBeLessThanOrEqual(360);

    // a reload keeps the day's results, newest first (on this device, for this account)
    const order = async () =>
      (await results.getByTestId('door-result').allInnerTexts()).map((text) =>
        text.includes('P. V. Tài')
          ? 'Tài'
          : text.includes('T. T. B. Ngọc')
            ? 'Ngọc'
            : text.includes('Cụ Hai')
              ? 'Hai'
              : '?',
      );
    expect((await order()).slice(0, 3)).toEqual(['Tài', 'Ngọc', 'Hai']);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Quét tại cửa' }).waitFor();
    await latest.filter({ hasText: 'P. V. Tài' }).waitFor();
    expect((await order()).slice(0, 3)).toEqual(['Tài', 'Ngọc', 'Hai']);
    await results.getByText('Khai báo y tế: xanh — bình thường').waitFor();
    // on the first screen of a 360 × 740 phone, above the bottom tab bar
    const [top, tabs] = await Promise.all([
      latest.boundingBox(),
      page.getByRole('navigation', { name: 'Điều hướng chính' }).boundingBox(),
    ]);
    const bottom = tabs && tabs.y > 370 ? tabs.y : 740;
    expect(top && top.y + top.height <= bottom, JSON.stringify({ top, bottom })).toBe(true);
    await screenshot(page, 'checkins-door-result-360');
    // the results (their colours and words) pass axe like every other page
    expect(await seriousViolations(page)).toEqual([]);

    // signing out leaves nothing of them on the device
    const kept = () =>
      page.evaluate(() => Object.keys(window.localStorage).filter((k) => k.startsWith('truyvet.today.')).length);
    expect(await kept()).toBe(1);
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.getByRole('button', { name: 'Gửi mã xác thực' }).waitFor();
    expect(await kept()).toBe(0);
    for (const holder of holders) {
      expect(holder.problems).toEqual([]);
      await holder.context.close();
    }

    expect(problems).toEqual([]);
    await context.close();
  });
  it("names the scanned person at the door in English on a desktop screen (issue 11 item 7's other viewport and language)", async () => {
    // the province's venue staff (the manager's phone has used its sign-in codes for the hour by now)
    const doorman = { username: `door.${randomSuffix()}`, password: `pw-${randomSuffix()}-${randomSuffix()}` };
    await createStaff(server.url, adminToken, {
      ...doorman,
      role: 'venue_manager',
      unitCode: '75',
    });
    const { context, page, problems } = await openPage(browser, server.url, { width: 1366, height: 800 });
    await staffSignIn(page, doorman.username, doorman.password);
    await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
    await page.goto(`/door/${venueId}`);
    await page.getByRole('heading', { level: 1, name: 'Quét tại cửa' }).waitFor();
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Door scanner' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');

    const holder = await openPage(browser, server.url);
    await citizenSignIn(holder.page, server.url, adminToken, randomPhone());
    expect(
      await pageSend(holder.page, 'PUT', '/me/profile', {
        name: 'Lê Hoàng Minh Châu',
        birthYear: 1994,
        unitCode: '26050',
      }),
    ).toBe(200);
    expect(
      await pageSend(holder.page, 'POST', '/declarations', { type: 'domestic', answers: NOTHING_TO_DECLARE }),
    ).toBe(201);
    const qr = (await pageGet<{ qr: string }>(holder.page, '/me/qr')).qr;

    await page.getByLabel('Paste the personal QR code').fill(qr);
    await page.getByRole('button', { name: 'Record', exact: true }).click();
    const latest = page.getByTestId('door-results').locator('.dr-latest');
    await latest.filter({ hasText: 'L. H. M. Châu' }).waitFor();
    await latest.getByText('name shortened').waitFor();
    await latest.getByText('born 1994').waitFor();
    await latest.getByText('Health declaration: green — no signs').waitFor();
    expect(await latest.locator('[data-badge]').getAttribute('data-badge')).toBe('green');
    expect(await page.getByTestId('door-results').getByText('Lê Hoàng Minh Châu').count()).toBe(0);
    // the result is above the scanner on a wide screen too
    const [box, scanner] = await Promise.all([
      latest.boundingBox(),
      page.getByRole('heading', { name: 'Scan a personal QR code' }).boundingBox(),
    ]);
    expect(box && scanner && box.y + box.height <= scanner.y).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'checkins-door-result-desktop-en');

    expect(holder.problems).toEqual([]);
    await holder.context.close();
    expect(problems).toEqual([]);
    await context.close();
  });
});
