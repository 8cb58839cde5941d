/**
 * The testing platform's acceptance journey in a real browser at 360 × 740: a health worker collects a pooled tube of
 * five people and — with the network cut — an individual tube, which waits in the device's queue ("Chờ gửi: 1 ống")
 * and is sent when the network returns; the lab uploads a results file making the pool and the individual tube
 * positive; the five people show "re-test" and get an SMS; the individual becomes an F0 case (within 20 s, opened by
 * the cases module from the `test.result.positive` event) whose F1 — met at a market three hours earlier — is texted;
 * the citizen sees their result on their phone, and a pool member sees "Cần xét nghiệm lại".
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiCall,
  apiCitizenSignIn,
  apiStaffLogin,
  citizenSignIn,
  createStaff,
  documentWidth,
  internationalPhone,
  launchBrowser,
  metAtMarket,
  openPage,
  randomPhone,
  randomSuffix,
  screenshot,
  staffSignIn,
} from './browser.ts';
import { startServer, type TestServer } from './server.ts';

const WARD = '25993';
const PHONE_SIZE = { width: 360, height: 740 };

interface Citizen {
  phone: string;
  personId: string;
  token: string;
}

async function citizenApiSignIn(baseURL: string, adminToken: string, name: string): Promise<Citizen> {
  const phone = randomPhone();
  const { token, personId } = await apiCitizenSignIn(baseURL, adminToken, phone);
  const profile = await apiCall(baseURL, token, 'PUT', '/me/profile', { name, unitCode: WARD });
  expect(profile.status, JSON.stringify(profile.body)).toBe(200);
  return { phone, personId, token };
}

async function outbox(baseURL: string, adminToken: string, phone: string): Promise<string[]> {
  const r = await apiCall<Array<{ text: string }>>(
    baseURL,
    adminToken,
    'GET',
    `/dev/outbox?to=${encodeURIComponent(internationalPhone(phone))}`,
  );
  return r.body.map((m) => m.text);
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('testing: collection → lab → positive → F0 case → F1 alerted', () => {
  let server: TestServer;
  let browser: Browser;
  let adminToken: string;
  const collector = { username: `laymau.${randomSuffix()}`, password: `pw-${randomSuffix()}-${randomSuffix()}` };
  const labUser = { username: `xetnghiem.${randomSuffix()}`, password: `pw-${randomSuffix()}-${randomSuffix()}` };
  const poolPhones = Array.from({ length: 5 }, () => randomPhone());
  let f0: Citizen;
  let f1: Citizen;
  const barcodes: { pool: string; single: string } = { pool: '', single: '' };
  // every tube a try of the first test shipped: a retry ships two more, and the lab counts them all in transit
  const shipped: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    adminToken = await apiStaffLogin(server.url, 'admin', server.adminPassword);
    for (const [user, role, unitCode] of [
      [collector, 'health_worker', '731'],
      [labUser, 'lab', '75'],
    ] as const) {
      await createStaff(server.url, adminToken, { ...user, role, unitCode });
    }
    // the future F0 and their F1 were at a market three hours ago (the door's queue synced the scans with their times)
    f0 = await citizenApiSignIn(server.url, adminToken, `Trần Thị Xét ${randomSuffix()}`);
    f1 = await citizenApiSignIn(server.url, adminToken, `Lê Văn Nghiệm ${randomSuffix()}`);
    const at = Date.now() - 3 * 3600_000;
    await metAtMarket(
      server.url,
      adminToken,
      { name: `Chợ Biên Hòa ${randomSuffix()}`, unitCode: WARD, address: '1 Đường số 2' },
      [
        { token: f0.token, at },
        { token: f1.token, at: at + 10 * 60_000 },
      ],
    );
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a collector makes a pooled tube of 5 online and an individual tube offline, synced when the network returns', async () => {
    const { context, page, problems } = await openPage(browser, server.url, PHONE_SIZE);
    await staffSignIn(page, collector.username, collector.password);
    await page.getByRole('heading', { level: 1, name: 'Trang chủ' }).waitFor();
    await page
      .getByRole('navigation', { name: 'Điều hướng chính' })
      .getByRole('link', { name: 'Lấy mẫu xét nghiệm' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Lấy mẫu xét nghiệm' }).waitFor();
    await page.getByText(/Còn \d+ mã vạch dự phòng/).waitFor();

    await page.getByLabel('Tìm theo tên').fill('an binh');
    await page.getByRole('button', { name: 'Phường An Bình thuộc Thành phố Biên Hòa' }).click();
    await page.getByLabel('Loại mẫu').selectOption('rt-pcr-pool');
    const who = page.getByLabel('Quét QR cá nhân hoặc nhập CCCD / số điện thoại');
    for (const [i, phone] of poolPhones.entries()) {
      await who.fill(phone);
      await page.getByLabel(/^Họ tên/).fill(`Người gộp ${i + 1}`);
      await page.getByRole('button', { name: 'Thêm người vào ống' }).click();
    }
    await page.getByRole('heading', { name: 'Người trong ống (5)' }).waitFor();
    await page.getByRole('button', { name: 'Lưu ống mẫu' }).click();
    const poolTube = page.locator('li.ts-tube').first();
    await poolTube.getByText('Đã gửi').waitFor();
    barcodes.pool = (await poolTube.getAttribute('data-barcode')) ?? '';
    expect(barcodes.pool).toMatch(/^\d{12}$/);

    // the network drops: the individual tube waits on the device, with its label already printable
    await context.setOffline(true);
    await page.getByText('Mất mạng — ống mẫu được lưu trên máy').waitFor();
    await page.getByLabel('Loại mẫu').selectOption('rt-pcr');
    await who.fill(f0.phone);
    await page.getByRole('button', { name: 'Thêm người vào ống' }).click();
    await page.getByRole('button', { name: 'Lưu ống mẫu' }).click();
    await page.getByTestId('ts-pending-count').filter({ hasText: 'Chờ gửi: 1 ống' }).waitFor();
    const single = page.locator('li.ts-tube').first();
    barcodes.single = (await single.getAttribute('data-barcode')) ?? '';
    expect(barcodes.single).not.toBe(barcodes.pool);
    expect(await documentWidth(page)).toBeLessThanOrEqual(360);
    await screenshot(page, 'testing-collect-offline');

    await context.setOffline(false);
    await single.getByText('Đã gửi').waitFor({ timeout: 30_000 });
    await page.getByTestId('ts-pending-count').filter({ hasText: 'Chờ gửi: 0 ống' }).waitFor();

    // both tubes go to the lab in one shipment
    await page.getByRole('button', { name: 'Tạo chuyến gửi' }).click();
    await page.getByText('Đã tạo chuyến gửi 2 ống.').waitFor();
    shipped.push(barcodes.pool, barcodes.single);

    // the label prints as Code 128
    await single.getByRole('link', { name: 'In nhãn' }).click();
    await page.getByRole('heading', { level: 1, name: 'In nhãn ống mẫu' }).waitFor();
    await page.getByRole('img', { name: barcodes.single }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the lab imports a results file making both positive; the pool shows re-test, the individual becomes an F0 whose F1 is alerted', async () => {
    // the tubes as the server has them: a retry of this test finds its file imported by the earlier try (the
    // import is then not repeated: a second import would answer "already recorded") and every tube an earlier try
    // of the first test shipped still in transit
    const collectorToken = await apiStaffLogin(server.url, collector.username, collector.password);
    const tubes = (
      await apiCall<{ items: Array<{ id: string; barcode: string; status: string }> }>(
        server.url,
        collectorToken,
        'GET',
        '/samples?limit=50',
      )
    ).body.items;
    const status = (barcode: string) => tubes.find((s) => s.barcode === barcode)?.status;
    if (status(barcodes.pool) !== 'resulted' || status(barcodes.single) !== 'resulted') {
      expect([status(barcodes.pool), status(barcodes.single)]).toEqual(['shipped', 'shipped']);
      const inTransit = shipped.filter((b) => status(b) === 'shipped').length;
      const { context, page, problems } = await openPage(browser, server.url, PHONE_SIZE);
      await staffSignIn(page, labUser.username, labUser.password);
      await page.getByRole('heading', { level: 1, name: 'Trang chủ' }).waitFor();
      await page
        .getByRole('navigation', { name: 'Điều hướng chính' })
        .getByRole('link', { name: 'Phòng xét nghiệm' })
        .click();
      await page.getByRole('heading', { level: 1, name: 'Phòng xét nghiệm' }).waitFor();
      await page
        .getByTestId('ts-lab-counts')
        .filter({ hasText: `Đang chuyển đến: ${inTransit}` })
        .waitFor();
      const testedAt = new Date().toISOString();
      const csv = `\uFEFFbarcode,result,ct,tested_at\r\n${barcodes.pool},positive,26.1,${testedAt}\r\n${barcodes.single},positive,21.4,${testedAt}\r\n000000000000,negative,,${testedAt}\r\n`;
      await page
        .locator('#ts-file')
        .setInputFiles({ name: 'ket-qua.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await page.getByRole('button', { name: 'Tải lên' }).click();
      await page.getByText('Đã ghi 2 kết quả (2 dương tính, 0 đã có từ trước).').waitFor();
      await page.getByTestId('ts-import-rejected').getByRole('cell', { name: '4', exact: true }).waitFor();
      expect(await documentWidth(page)).toBeLessThanOrEqual(360);
      await screenshot(page, 'testing-lab-import');
      expect(problems).toEqual([]);
      await context.close();
    }

    // the five pool members: re-test, and an SMS each
    const pool = tubes.find((s) => s.barcode === barcodes.pool);
    const view = await apiCall<{ people: Array<{ status: string }> }>(
      server.url,
      collectorToken,
      'GET',
      `/samples/${pool?.id}`,
    );
    expect(view.body.people.map((p) => p.status)).toEqual(Array(5).fill('retest'));
    for (const phone of poolPhones) {
      await eventually(`the re-test SMS to ${phone}`, async () =>
        (await outbox(server.url, adminToken, phone)).some((m) => m.includes('xet nghiem lai')) ? true : undefined,
      );
    }

    // the individual: an open case within 20 s, and their F1 is texted
    const cases = await eventually('the F0 case', async () => {
      const r = await apiCall<Array<{ id: string; displayCode: string }>>(
        server.url,
        adminToken,
        'GET',
        `/cases?personId=${f0.personId}`,
      );
      return r.body.length === 1 ? r.body : undefined;
    });
    expect(cases[0]?.displayCode).toMatch(/^BN75-/);
    await eventually('the F1 message', async () =>
      (await outbox(server.url, adminToken, f1.phone)).some((m) => /\(F1\)/.test(m)) ? true : undefined,
    );
  });

  it("the health station sees the people to re-test and the demo campaign's coverage and pool advice", async () => {
    const { context, page, problems } = await openPage(browser, server.url, PHONE_SIZE);
    await staffSignIn(page, collector.username, collector.password);
    await page.getByRole('heading', { level: 1, name: 'Trang chủ' }).waitFor();
    await page.getByRole('heading', { name: 'Xét nghiệm 14 ngày qua' }).waitFor();
    await page
      .getByRole('navigation', { name: 'Điều hướng chính' })
      .getByRole('link', { name: 'Xét nghiệm: thống kê' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Xét nghiệm: thống kê' }).waitFor();
    const tasks = page.locator('ul.ts-tasks li').filter({ hasText: 'Mẫu gộp dương tính — xét nghiệm lại cá nhân' });
    // the tasks come in a request of their own after the heading
    await expect.poll(() => tasks.count()).toBeGreaterThanOrEqual(5);
    await page.getByRole('link', { name: 'Xét nghiệm toàn dân Biên Hòa — vòng 1' }).click();
    await page.getByRole('heading', { level: 1, name: 'Xét nghiệm toàn dân Biên Hòa — vòng 1' }).waitFor();
    await page.getByRole('heading', { name: 'Độ bao phủ' }).waitFor();
    expect(await page.locator('.ts-table tbody tr').count()).toBeGreaterThan(0);
    expect(await documentWidth(page)).toBeLessThanOrEqual(360);
    await screenshot(page, 'testing-campaign');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the citizen sees their positive result on their phone; a pool member sees "Cần xét nghiệm lại"', async () => {
    const { context, page, problems } = await openPage(browser, server.url, PHONE_SIZE);
    await citizenSignIn(page, server.url, adminToken, f0.phone);
    await page
      .getByRole('navigation', { name: 'Điều hướng chính' })
      .getByRole('link', { name: 'Kết quả xét nghiệm' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Kết quả xét nghiệm' }).waitFor();
    const card = page.locator('li.ts-result').first();
    await card.getByText('Dương tính').waitFor();
    await card.getByText(/^Có kết quả:/).waitFor();
    expect(await documentWidth(page)).toBeLessThanOrEqual(360);
    await screenshot(page, 'testing-citizen-result');
    await context.close();

    const member = await openPage(browser, server.url, PHONE_SIZE);
    await citizenSignIn(member.page, server.url, adminToken, poolPhones[0] as string);
    await member.page.goto('/tests');
    await member.page.locator('li.ts-result').first().getByText('Cần xét nghiệm lại').waitFor();
    expect([...problems, ...member.problems]).toEqual([]);
    await member.context.close();
  });

  it("an admin issues an API key for the lab's own system (shown once) and keeps the pool maximum", async () => {
    const { context, page, problems } = await openPage(browser, server.url, PHONE_SIZE);
    await staffSignIn(page, 'admin', server.adminPassword);
    await page.getByRole('heading', { level: 1, name: 'Trang chủ' }).waitFor();
    await page
      .getByRole('navigation', { name: 'Điều hướng chính' })
      .getByRole('link', { name: 'Phòng xét nghiệm và cấu hình' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Phòng xét nghiệm và cấu hình' }).waitFor();
    const lab = page.locator('article.ts-lab').first();
    await lab.getByLabel('Tên khóa (hệ thống nào dùng)').fill('LIS e2e');
    await lab.getByRole('button', { name: 'Cấp khóa' }).click();
    const key = (await lab.locator('code.ts-key').textContent()) ?? '';
    expect(key).toMatch(/^tvlab_/);
    expect(await page.getByLabel('Số người tối đa trong một mẫu gộp').inputValue()).toBe('10');
    expect(await documentWidth(page)).toBeLessThanOrEqual(360);
    expect(problems).toEqual([]);
    await context.close();
  });
});
