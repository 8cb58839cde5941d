/**
 * The vaccination platform's acceptance journey in a real browser at 360 × 740 (Vietnamese): a citizen registers;
 * the district's health worker invites the session by priority (an SMS reaches the citizen); at the site the
 * vaccinator checks them in with their personal QR, screens them and records dose 1 — given a month ago (time moved
 * on: the site records a past time) — with the 30-minute observation timer and an AEFI report; a too-early dose 2 is
 * refused with the reason; dose 2 is recorded and the coverage statistics change; the citizen asks to correct a dose
 * with a photo of their card, the district health worker approves it, and the citizen's record shows the new value.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiCall,
  apiCitizenSignIn,
  apiStaffLogin,
  citizenSignIn,
  documentWidth,
  internationalPhone,
  launchBrowser,
  loseFirstAnswer,
  openPage,
  randomPhone,
  randomSuffix,
  screenshot,
  staffSignIn,
  waitGone,
} from './browser.ts';
import { demoPassword } from './roles.ts';
import { startServer, type TestServer } from './server.ts';

const WARD = '25993';
const PHONE_SIZE = { width: 360, height: 740 };
const DAY = 86_400_000;
// a 1 × 1 PNG: the photo of the paper card
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
/** A datetime-local value `days` ago in Asia/Ho_Chi_Minh. */
const localInput = (days: number) => new Date(Date.now() + 7 * 3_600_000 - days * DAY).toISOString().slice(0, 16);
const localDate = (days: number) => localInput(days).slice(0, 10);
/** dd/mm/yyyy of `days` ago, as the app shows dates. */
const shown = (days: number) => localDate(days).split('-').reverse().join('/');

describe('vaccination: register → invite → check in → screening → doses → AEFI → correction', () => {
  let server: TestServer;
  let browser: Browser;
  let adminToken: string;
  let plannerToken: string;
  let vaccinatorToken: string;
  // each try (a retry too) is a new citizen: a first try that failed after dose 1 leaves that person's doses behind
  let phone = '';
  let name = '';
  let citizenToken = '';
  /** A citizen with the profile a dose requires (name, ward, birth year), through the API. */
  const newCitizen = async () => {
    phone = randomPhone();
    name = `Phạm Văn Tiêm ${randomSuffix()}`;
    citizenToken = (await apiCitizenSignIn(server.url, adminToken, phone)).token;
    const profile = await apiCall(server.url, citizenToken, 'PUT', '/me/profile', {
      name,
      unitCode: WARD,
      birthYear: 1958,
    });
    expect(profile.status, JSON.stringify(profile.body)).toBe(200);
  };

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    // how long the demo's vaccination campaign took to seed (it runs at every e2e server start)
    console.log(/vaccination seeded in \d+ ms/.exec(server.output())?.[0] ?? 'vaccination seed time not printed');
    adminToken = await apiStaffLogin(server.url, 'admin', server.adminPassword);
    plannerToken = await apiStaffLogin(server.url, 'health.bienhoa', demoPassword(server, 'health.bienhoa'));
    vaccinatorToken = await apiStaffLogin(server.url, 'vaccinator.bienhoa', demoPassword(server, 'vaccinator.bienhoa'));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('runs the whole journey at 360 px', async () => {
    await newCitizen();
    // ——— the citizen registers ———
    const citizen = await openPage(browser, server.url, PHONE_SIZE);
    await citizenSignIn(citizen.page, server.url, adminToken, phone);
    await citizen.page.goto('/vaccinations');
    await citizen.page.getByRole('heading', { level: 1, name: 'Tiêm chủng' }).waitFor();
    await citizen.page.getByLabel('Nhóm ưu tiên').selectOption('age_65_plus');
    await citizen.page.getByRole('button', { name: 'Đăng ký', exact: true }).click();
    await citizen.page.getByText('Đã đăng ký, đang chờ lịch tiêm.').waitFor();
    expect(await documentWidth(citizen.page)).toBeLessThanOrEqual(360);
    await screenshot(citizen.page, 'vaccination-registered-360');

    // ——— the district health worker invites today's session ———
    const sites = await apiCall<{ items: Array<{ id: string }> }>(
      server.url,
      vaccinatorToken,
      'GET',
      '/vaccination/sites',
    );
    const siteId = sites.body.items[0]?.id as string;
    const sessions = await apiCall<{ items: Array<{ id: string }> }>(
      server.url,
      plannerToken,
      'GET',
      `/vaccination/sessions?siteId=${siteId}&day=${localDate(0)}`,
    );
    const sessionId = sessions.body.items[0]?.id as string;
    const planner = await openPage(browser, server.url, PHONE_SIZE);
    await staffSignIn(planner.page, 'health.bienhoa', demoPassword(server, 'health.bienhoa'));
    await planner.page.getByRole('heading', { level: 1, name: 'Trang chủ' }).waitFor();
    await planner.page.goto('/vaccination/planning');
    await planner.page.locator(`[data-session-id="${sessionId}"]`).getByRole('button', { name: 'Gửi lời mời' }).click();
    await planner.page.getByText(/^Đã mời \d+ người/).waitFor();
    expect(await documentWidth(planner.page)).toBeLessThanOrEqual(360);
    await screenshot(planner.page, 'vaccination-invited-360');
    // the SMS is delivered by the job worker from the outbox: wait for it
    let invited = false;
    for (let i = 0; i < 80 && !invited; i++) {
      const sms = await apiCall<Array<{ text: string }>>(
        server.url,
        adminToken,
        'GET',
        `/dev/outbox?to=${encodeURIComponent(internationalPhone(phone))}`,
      );
      invited = sms.body.some((m) => m.text.includes('moi ban tiem vac xin'));
      if (!invited) await new Promise((r) => setTimeout(r, 250));
    }
    expect(invited).toBe(true);
    await citizen.page.reload();
    await citizen.page.getByText(/^Bạn được mời tiêm ngày/).waitFor();

    // ——— at the site: check in with the personal QR, screening, dose 1 a month ago ———
    const qr = (await apiCall<{ qr: string }>(server.url, citizenToken, 'GET', '/me/qr')).body.qr;
    const lots = await apiCall<{ items: Array<{ id: string; product: string; expired: boolean }> }>(
      server.url,
      vaccinatorToken,
      'GET',
      `/vaccination/lots?siteId=${siteId}`,
    );
    const lotId = lots.body.items.find((l) => l.product === 'comirnaty' && !l.expired)?.id as string;
    const site = await openPage(browser, server.url, PHONE_SIZE);
    // a slow network: the screening checklist arrives 1.5 s after each check-in (CI once lost a try to a "save"
    // clicked while it was loading, which then did nothing)
    await site.page.route('**/api/v1/vaccination/checklist', async (route) => {
      await new Promise((r) => setTimeout(r, 1_500));
      await route.continue();
    });
    await staffSignIn(site.page, 'vaccinator.bienhoa', demoPassword(server, 'vaccinator.bienhoa'));
    await site.page.getByRole('heading', { level: 1, name: 'Trang chủ' }).waitFor();
    await site.page.getByTestId('role-home-vaccinator').getByRole('link', { name: 'Điểm tiêm hôm nay' }).click();
    await site.page.getByRole('heading', { level: 1, name: 'Điểm tiêm hôm nay' }).waitFor();
    await site.page.getByText(name).first().waitFor(); // today's queue lists the invited citizen
    const checkIn = async () => {
      await site.page.getByLabel('Số CCCD hoặc mã QR cá nhân').fill(qr);
      await site.page.getByRole('button', { name: 'Tìm', exact: true }).click();
      await site.page.getByRole('heading', { level: 2, name: new RegExp(name) }).waitFor();
      await site.page.getByRole('button', { name: 'Lưu kết quả sàng lọc' }).click();
      await site.page.getByText('Đủ điều kiện tiêm').waitFor();
    };
    await checkIn();
    await site.page.getByLabel('Lô vắc xin').selectOption(lotId);
    await site.page.getByLabel('Thời điểm tiêm').fill(localInput(30));
    // a bad connection: dose 1 reaches the server and is recorded, its answer is lost on the way back
    await loseFirstAnswer(site.page, '**/api/v1/vaccination/doses');
    await site.page.getByRole('button', { name: 'Ghi nhận mũi tiêm' }).click();
    await site.page.getByText('Không kết nối được máy chủ. Vui lòng kiểm tra mạng và thử lại.').waitFor();
    // the vaccinator taps again: the same Idempotency-Key answers with the dose recorded (not "dose 1 again")
    await site.page.getByRole('button', { name: 'Ghi nhận mũi tiêm' }).click();
    await site.page.getByText('Đã ghi nhận mũi tiêm.').waitFor();
    await site.page.unroute('**/api/v1/vaccination/doses');
    await site.page.getByRole('timer').waitFor();
    expect(await site.page.getByRole('timer').textContent()).toMatch(/Theo dõi sau tiêm: còn (29|30):\d\d/);
    // an adverse event during the observation
    await site.page.getByLabel('Sốt', { exact: true }).check();
    await site.page.getByRole('button', { name: 'Ghi nhận phản ứng' }).click();
    await site.page.getByText('Đã ghi nhận phản ứng sau tiêm.').waitFor();
    expect(await documentWidth(site.page)).toBeLessThanOrEqual(360);
    await screenshot(site.page, 'vaccination-dose1-360');

    // ——— dose 2: too early is refused with the reason; then recorded, and the statistics change ———
    const stats = async () =>
      (
        await apiCall<{ totals: { full: number; dose1: number } }>(
          server.url,
          plannerToken,
          'GET',
          '/vaccination/stats',
        )
      ).body.totals;
    const before = await stats();
    await checkIn();
    await site.page.getByLabel('Lô vắc xin').selectOption(lotId);
    expect(await site.page.getByLabel('Mũi thứ').inputValue()).toBe('2');
    await site.page.getByLabel('Thời điểm tiêm').fill(localInput(20));
    await site.page.getByRole('button', { name: 'Ghi nhận mũi tiêm' }).click();
    await site.page
      .getByRole('alert')
      .getByText(/Chưa đủ khoảng cách tối thiểu từ mũi trước \(21 ngày; mới được 10 ngày\)/)
      .waitFor();
    await screenshot(site.page, 'vaccination-too-early-360');
    await site.page.getByLabel('Thời điểm tiêm').fill(localInput(0));
    await site.page.getByRole('button', { name: 'Ghi nhận mũi tiêm' }).click();
    await site.page.getByText('Đã ghi nhận mũi tiêm.').waitFor();
    const after = await stats();
    expect(after.full).toBe(before.full + 1);
    const statsPage = await openPage(browser, server.url, PHONE_SIZE);
    await staffSignIn(statsPage.page, 'health.bienhoa', demoPassword(server, 'health.bienhoa'));
    await statsPage.page.getByRole('heading', { level: 1, name: 'Trang chủ' }).waitFor();
    await statsPage.page.goto('/vaccination/stats');
    await statsPage.page.locator('[data-stat="full"]').getByText(`Tiêm đủ liều cơ bản: ${after.full} người`).waitFor();
    expect(await documentWidth(statsPage.page)).toBeLessThanOrEqual(360);
    await screenshot(statsPage.page, 'vaccination-stats-360');

    // ——— the citizen sees both doses and the booster due; asks to correct dose 1's date with a photo ———
    await citizen.page.reload();
    const doses = citizen.page.locator('li.vx-dose');
    await doses.nth(1).waitFor();
    expect(await doses.count()).toBe(2);
    await citizen.page.getByRole('heading', { level: 2, name: 'Mũi tiếp theo' }).waitFor();
    const dose1 = doses.first();
    await dose1.getByText(shown(30)).waitFor();
    await dose1.getByRole('button', { name: 'Yêu cầu điều chỉnh' }).click();
    await dose1.getByLabel('Thông tin sai').selectOption('givenAt');
    await dose1.getByLabel('Giá trị đúng').fill(localDate(31));
    await dose1
      .getByLabel('Ảnh thẻ/giấy xác nhận tiêm')
      .setInputFiles({ name: 'the.png', mimeType: 'image/png', buffer: PNG });
    await dose1.getByRole('button', { name: 'Gửi yêu cầu' }).click();
    await citizen.page.getByText(/Đã gửi yêu cầu điều chỉnh/).waitFor();
    await screenshot(citizen.page, 'vaccination-correction-sent-360');

    // ——— the district health worker sees the photo and approves ———
    await planner.page.goto('/vaccination/corrections');
    const request = planner.page.locator('li.vx-correction-item').filter({ hasText: name });
    await request.waitFor();
    const photo = request.getByRole('img');
    await photo.waitFor();
    // the photo is a request of its own, after the item is shown (and a loading image counts as visible: its border):
    // wait for it to load before reading its size
    await expect.poll(() => photo.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(1);
    // a reason of the list's end, "other", asks for the reviewer's words
    await request.getByLabel('Lý do').selectOption('other');
    await request.getByLabel('Ghi rõ lý do').fill('Khớp với thẻ tiêm giấy bản gốc');
    await request.getByRole('button', { name: 'Lưu quyết định' }).click();
    await waitGone(request);
    await screenshot(planner.page, 'vaccination-reviewed-360');

    // ——— the citizen's record shows the corrected value ———
    await citizen.page.reload();
    await citizen.page.locator('li.vx-dose').first().getByText(shown(31)).waitFor();
    await citizen.page.getByText(/Ngày tiêm: Đã điều chỉnh \(Khớp với thẻ tiêm giấy bản gốc\)/).waitFor();
    await screenshot(citizen.page, 'vaccination-corrected-360');
    for (const p of [citizen, planner, site, statsPage]) {
      expect(p.problems).toEqual([]);
      await p.context.close();
    }
  }, 240_000);
});
