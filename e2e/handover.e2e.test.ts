/**
 * A contact from another district through the real UI, on a 360 px phone: a Biên Hòa tracer names a contact by
 * national ID and sees "someone in Long Khánh" — never the name; the Long Khánh tracer finds the contact among the
 * contacts handed to their area, with the name, and records that they reached them; the case page shows the status.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiCall,
  apiStaffLogin,
  createStaff,
  documentWidth,
  launchBrowser,
  openPage,
  randomPhone,
  randomSuffix,
  screenshot,
  staffSignIn,
} from './browser.ts';
import { startServer, type TestServer } from './server.ts';

const PHONE = { width: 360, height: 780 };

describe('a contact handed to another district', () => {
  let server: TestServer;
  let browser: Browser;
  const tag = randomSuffix();
  const bienHoa = { username: `tracer.bh.${tag}`, password: `Pw-${randomSuffix()}-${randomSuffix()}-long` };
  const longKhanh = { username: `tracer.lk.${tag}`, password: `Pw-${randomSuffix()}-${randomSuffix()}-long` };
  let admin = '';
  // the case and its contact are new for each try (a retry too): a first try that failed after adding the F1 leaves
  // that contact handed over already
  let contactName = '';
  let nationalId = '';
  let caseId = '';

  /** An F0 in Biên Hòa with an open case, and a person of Long Khánh to add as their F1. */
  const newCase = async () => {
    const run = randomSuffix();
    contactName = `Lê Thị Được Giao ${run}`;
    nationalId = `0799${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const f0 = await apiCall<{ id: string }>(server.url, admin, 'POST', '/people', {
      phone: randomPhone(),
      name: `Trần Văn Ca ${run}`,
      unitCode: '25993',
    });
    expect(f0.status).toBe(201);
    const contact = await apiCall(server.url, admin, 'POST', '/people', {
      nationalId,
      phone: randomPhone(),
      name: contactName,
      unitCode: '26077',
    });
    expect(contact.status, JSON.stringify(contact.body)).toBe(201);
    const tracerToken = await apiStaffLogin(server.url, bienHoa.username, bienHoa.password);
    const opened = await apiCall<{ id: string }>(server.url, tracerToken, 'POST', '/cases', {
      person: { personId: f0.body.id },
      confirmedAt: new Date().toISOString(),
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    caseId = opened.body.id;
  };

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    admin = await apiStaffLogin(server.url, 'admin', server.adminPassword);
    for (const [who, unitCode] of [
      [bienHoa, '731'],
      [longKhanh, '732'],
    ] as const) {
      await createStaff(server.url, admin, { ...who, role: 'tracer', unitCode });
    }
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  }, 60_000);

  it("the case's tracer sees only the district; the district's tracer sees who it is and follows up", async () => {
    await newCase();
    const bh = await openPage(browser, server.url, PHONE);
    await staffSignIn(bh.page, bienHoa.username, bienHoa.password);
    await bh.page.getByRole('heading', { level: 1, name: 'Trang chủ' }).waitFor();
    await bh.page.goto(`/cases/${caseId}`);
    await bh.page.getByRole('button', { name: 'Thêm người tiếp xúc từ phỏng vấn' }).click();
    await bh.page.getByLabel('Hoặc số CCCD / số điện thoại').fill(nationalId);
    await bh.page.getByRole('button', { name: 'Thêm F1' }).click();
    await bh.page.getByText('Đã thêm F1 ở địa bàn khác (Thành phố Long Khánh)').waitFor();
    const row = bh.page.locator('[data-out-of-scope]');
    await row.getByText('Người ở địa bàn khác (Thành phố Long Khánh)').waitFor();
    expect(await bh.page.content()).not.toContain(contactName);
    expect(await bh.page.content()).not.toContain(nationalId);
    expect(await documentWidth(bh.page)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(bh.page, 'handover-case-tracer');

    const lk = await openPage(browser, server.url, PHONE);
    await staffSignIn(lk.page, longKhanh.username, longKhanh.password);
    await lk.page.getByRole('heading', { level: 1, name: 'Trang chủ' }).waitFor();
    // the staff home lists the page among the tools
    await lk.page.getByRole('main').getByRole('link', { name: 'Người tiếp xúc được chuyển đến' }).click();
    const task = lk.page.locator('li.cs-task', { hasText: contactName });
    await task.waitFor();
    await task.getByText('Thành phố Biên Hòa').waitFor();
    await task.getByLabel('Đặt trạng thái theo dõi').selectOption({ label: 'Đã liên lạc được' });
    await task.getByRole('button', { name: 'Lưu' }).click();
    await lk.page.locator('li.cs-task', { hasText: contactName }).getByText('Trạng thái: Đã liên lạc được').waitFor();
    expect(await documentWidth(lk.page)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(lk.page, 'handover-district-tracer');

    await bh.page.reload();
    await bh.page.locator('[data-out-of-scope]').getByText('Đã liên lạc được').waitFor();
    expect(bh.problems).toEqual([]);
    expect(lk.problems).toEqual([]);
    await bh.context.close();
    await lk.context.close();
  }, 180_000);
});
