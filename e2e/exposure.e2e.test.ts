/**
 * Bluetooth exposure notification in a real browser: an F0's code is issued for their case, their "phone" (this test,
 * with the exposure library) verifies it and uploads a key, an admin publishes a batch; a citizen on a 360 × 740
 * phone opens "Kiểm tra Bluetooth", chooses the sightings file their phone's app exported, and the page downloads the
 * batches, checks their signature, matches and alerts — under the app's strict CSP; with consent the citizen tells
 * the health service, and the case's Bluetooth page (linked from the case page) shows the contact with its evidence.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deriveRpik,
  EN_INTERVAL_SECONDS,
  enIntervalNumber,
  generateTek,
  rollingProximityIdentifiers,
  toBase64,
  toHex,
} from '../src/exposure/crypto.ts';
import {
  apiCall,
  apiCitizenSignIn,
  apiStaffLogin,
  citizenSignIn,
  documentWidth,
  launchBrowser,
  openPage,
  randomPhone,
  screenshot,
  staffSignIn,
} from './browser.ts';
import { startServer, type TestServer } from './server.ts';

/** A citizen signed in through the API, living in a Biên Hòa commune. */
async function apiCitizen(baseURL: string, adminToken: string, phone: string, name: string) {
  const citizen = await apiCitizenSignIn(baseURL, adminToken, phone);
  const profile = await apiCall(baseURL, citizen.token, 'PUT', '/me/profile', { name, unitCode: '25993' });
  expect(profile.status).toBe(200);
  return citizen;
}

describe('Bluetooth exposure check', () => {
  let server: TestServer;
  let browser: Browser;
  let adminToken: string;
  const dir = mkdtempSync(join(tmpdir(), 'truyvet-e2e-en-'));

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    adminToken = await apiStaffLogin(server.url, 'admin', server.adminPassword);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('alerts a citizen who was near an F0 at 360 px, and their consented report reaches the case', async () => {
    // the F0, their case, their code and their phone's upload of the key of two days ago (yesterday's is
    // held back until 02:00 UTC: the 2 h publication embargo)
    const f0 = await apiCitizen(server.url, adminToken, randomPhone(), 'Nguyễn Văn Phát');
    const opened = await apiCall<{ id: string }>(server.url, adminToken, 'POST', '/cases', {
      person: { personId: f0.personId },
      confirmedAt: new Date(Date.now() - 3600_000).toISOString(),
    });
    expect(opened.status).toBe(201);
    const caseId = opened.body.id;
    const issued = await apiCall<{ code: string }>(server.url, adminToken, 'POST', '/exposure/verification-codes', {
      caseId,
    });
    expect(issued.status).toBe(201);
    const verified = await apiCall<{ token: string }>(server.url, adminToken, 'POST', '/exposure/verify', {
      code: issued.body.code,
    });
    expect(verified.status).toBe(200);
    const dayBefore = Math.floor(enIntervalNumber(Date.now() / 1000) / 144) * 144 - 288;
    const tek = { ...generateTek(Date.now() / 1000), rollingStartIntervalNumber: dayBefore };
    const uploaded = await apiCall(server.url, adminToken, 'POST', '/exposure/keys', {
      token: verified.body.token,
      keys: [{ key: toBase64(tek.keyData), rollingStartIntervalNumber: dayBefore, rollingPeriod: 144 }],
    });
    expect(uploaded.body).toEqual({ inserted: 1 });
    const published = await apiCall<{ keys: number }>(server.url, adminToken, 'POST', '/exposure/exports');
    expect(published.status).toBe(201);
    expect(published.body.keys).toBe(1);

    // what the neighbour's phone heard: the F0 for 30 minutes at about a metre, that day from 10:00 UTC
    const rpis = rollingProximityIdentifiers(deriveRpik(tek.keyData), dayBefore, 144);
    const sightings = [0, 5, 10, 15, 20, 25, 30].map((m) => {
      const j = 60 + Math.floor(m / 10);
      return {
        rpi: toHex(rpis.subarray(j * 16, j * 16 + 16)),
        at: (dayBefore + 60) * EN_INTERVAL_SECONDS + m * 60,
        attenuation: 50,
      };
    });
    const file = join(dir, 'sightings.json');
    writeFileSync(file, JSON.stringify(sightings));

    const phone = randomPhone();
    const { context, page, problems } = await openPage(browser, server.url, { width: 360, height: 740 });
    await citizenSignIn(page, server.url, adminToken, phone);
    await page.getByRole('link', { name: 'Kiểm tra Bluetooth' }).click();
    await page.getByRole('heading', { level: 1, name: 'Kiểm tra tiếp xúc qua Bluetooth' }).waitFor();
    await page.getByLabel('Tệp ghi nhận Bluetooth (JSON)').setInputFiles(file);
    await page.getByText('Đã đọc 7 lần ghi nhận.').waitFor();
    await page.getByRole('button', { name: 'Kiểm tra', exact: true }).click();
    const result = page.getByTestId('exposure-result');
    await result.waitFor();
    expect(await result.getAttribute('data-alert')).toBe('true');
    await page.getByText(/Bạn đã ở gần một người được xác nhận mắc bệnh: khoảng 35 phút/).waitFor();
    await page.getByText(/Đã kiểm tra \d+ khóa trong 1 gói có chữ ký hợp lệ/).waitFor();
    expect(await documentWidth(page)).toBeLessThanOrEqual(360);
    await screenshot(page, 'exposure-check-360');

    const report = page.getByRole('button', { name: 'Báo cho cơ quan y tế' });
    expect(await report.isDisabled()).toBe(true);
    await page.getByLabel(/Tôi đồng ý cho cơ quan y tế biết/).check();
    await report.click();
    await page.getByText(/^Đã gửi \d+ lần tiếp xúc cho cơ quan y tế\. Nếu có liên quan đến ca bệnh/).waitFor();
    expect(problems).toEqual([]);
    await context.close();

    // the case's Bluetooth page, as the tracers see it
    const contacts = await apiCall<Array<{ minutes: number; minAttenuation: number }>>(
      server.url,
      adminToken,
      'GET',
      `/exposure/cases/${caseId}/ble-contacts`,
    );
    expect(contacts.body).toEqual([expect.objectContaining({ minutes: 35, minAttenuation: 50 })]);
    const staff = await openPage(browser, server.url);
    await staffSignIn(staff.page, 'admin', server.adminPassword);
    await staff.page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
    await staff.page.goto(`/cases/${caseId}`);
    await staff.page.getByRole('link', { name: 'Bluetooth: mã xác nhận và người tiếp xúc' }).click();
    await staff.page.getByText(/35 phút, điểm nguy cơ 35/).waitFor();
    await staff.page.getByRole('button', { name: 'Cấp mã xác nhận' }).click();
    await staff.page
      .getByTestId('en-code')
      .getByText(/Mã: \d{8}/)
      .waitFor();
    await screenshot(staff.page, 'exposure-ble-contacts');
    expect(staff.problems).toEqual([]);
    await staff.context.close();
  }, 180_000);
});
