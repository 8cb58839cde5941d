import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiStaffLogin,
  citizenSignIn,
  documentWidth,
  latestOtp,
  launchBrowser,
  openPage,
  outboxMark,
  randomPhone,
  screenshot,
} from './browser.ts';
import { startServer, type TestServer } from './server.ts';

function randomNationalId(): string {
  return `0751${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
}

describe('citizen journey', () => {
  let server: TestServer;
  let browser: Browser;
  let adminToken: string;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    adminToken = await apiStaffLogin(server.url, 'admin', server.adminPassword);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('signs a citizen in by SMS code, shows their QR, completes the profile and adds a dependant', async () => {
    const { context, page, problems } = await openPage(browser, server.url);
    const phone = randomPhone();

    await page.goto('/');
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
    await page.getByLabel('Số điện thoại').fill(phone);
    const since = await outboxMark(server.url, adminToken, phone);
    await page.getByRole('button', { name: 'Gửi mã xác thực' }).click();
    await page.getByText(`Đã gửi mã xác thực đến ${phone}.`, { exact: false }).waitFor();
    const code = await latestOtp(server.url, adminToken, phone, since);
    // the fake SMS adapter also shows the code on screen, marked as a dev aid
    expect(await page.getByTestId('dev-code').textContent()).toBe(`Mã thử nghiệm (dev): ${code}`);
    await screenshot(page, 'citizen-otp');
    await page.getByLabel('Mã xác thực').fill(code);
    await page.getByRole('button', { name: 'Xác nhận' }).click();

    // lands on the personal QR page with a real QR image
    await page.getByRole('heading', { level: 1, name: 'Mã QR cá nhân' }).waitFor();
    const qr = page.getByRole('img', { name: /^Mã QR cá nhân của/ });
    await qr.waitFor();
    const image = await qr.evaluate((img: HTMLImageElement) => ({
      src: img.src.slice(0, 22),
      width: img.naturalWidth,
      shown: img.getBoundingClientRect().width,
    }));
    expect(image.src).toBe('data:image/png;base64,');
    expect(image.width).toBeGreaterThanOrEqual(256);
    expect(image.shown).toBeGreaterThan(200);
    const me = await page.evaluate(async () => (await fetch('/api/v1/me/qr')).json());
    expect(await qr.getAttribute('data-qr')).toBe(me.qr);
    await page.getByText('Hồ sơ của bạn chưa đầy đủ.').waitFor();
    await screenshot(page, 'citizen-qr');

    // completes the profile, choosing the ward through the unit picker
    const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
    await nav.getByRole('link', { name: 'Hồ sơ' }).click();
    await page.getByRole('heading', { level: 1, name: 'Hồ sơ cá nhân' }).waitFor();
    await page.getByLabel('Họ và tên').fill('Trần Thị Thu Hà');
    await page.getByLabel('Số CCCD').fill('12345');
    await page.getByLabel('Năm sinh').fill('1990');
    await page.getByLabel('Giới tính').selectOption('female');
    await page.getByLabel('Tìm theo tên').fill('an binh');
    await page.getByRole('button', { name: 'Phường An Bình thuộc Thành phố Biên Hòa' }).click();
    await page.getByLabel('Địa chỉ (số nhà, đường)').fill('12 Đồng Khởi');
    await page.getByRole('button', { name: 'Lưu' }).click();
    // the server's Vietnamese message for a malformed national ID
    await page.getByRole('alert').filter({ hasText: 'Số CCCD phải gồm đúng 12 chữ số.' }).waitFor();
    await page.getByLabel('Số CCCD').fill(randomNationalId());
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByRole('status').filter({ hasText: 'Đã lưu hồ sơ.' }).waitFor();
    await page.getByText('Đang đăng nhập: Trần Thị Thu Hà').waitFor();
    await screenshot(page, 'citizen-profile');

    // after a reload the saved profile is shown again
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Hồ sơ cá nhân' }).waitFor();
    await page.getByText('Phường An Bình', { exact: true }).waitFor();
    expect(await page.getByLabel('Họ và tên').inputValue()).toBe('Trần Thị Thu Hà');

    // the QR page now shows the name and no incomplete-profile notice
    await nav.getByRole('link', { name: 'Mã QR của tôi' }).click();
    await page.getByRole('img', { name: 'Mã QR cá nhân của Trần Thị Thu Hà' }).waitFor();
    expect(await page.getByText('Hồ sơ của bạn chưa đầy đủ.').count()).toBe(0);

    // adds a dependant and opens their QR
    await nav.getByRole('link', { name: 'Người phụ thuộc' }).click();
    await page.getByRole('heading', { level: 1, name: 'Người phụ thuộc' }).waitFor();
    await page.getByText('Chưa có người phụ thuộc nào.').waitFor();
    await page.getByLabel('Họ và tên').fill('Nguyễn Minh An');
    await page.getByLabel('Quan hệ').selectOption('child');
    await page.getByLabel('Năm sinh').fill('2018');
    await page.getByRole('button', { name: 'Thêm', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Đã thêm Nguyễn Minh An.' }).waitFor();
    const card = page.locator('.person-card').filter({ hasText: 'Nguyễn Minh An' });
    await card.waitFor();
    expect(await card.textContent()).toContain('Con');
    await card.getByRole('button', { name: 'Xem mã QR' }).click();
    const dependantQr = card.getByRole('img', { name: 'Mã QR của Nguyễn Minh An' });
    await dependantQr.waitFor();
    expect(await dependantQr.getAttribute('data-qr')).not.toBe(me.qr);
    await screenshot(page, 'citizen-dependants');

    expect(problems).toEqual([]);
    await context.close();
  });

  it('fits a 360 px wide phone screen without horizontal scrolling', async () => {
    const { context, page, problems } = await openPage(browser, server.url, { width: 360, height: 740 });
    await page.goto('/');
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
    expect(await documentWidth(page)).toBeLessThanOrEqual(360);
    await screenshot(page, 'login-360');

    await citizenSignIn(page, server.url, adminToken, randomPhone());
    await page.getByRole('img', { name: /^Mã QR cá nhân của/ }).waitFor();
    expect(await documentWidth(page)).toBeLessThanOrEqual(360);
    const box = await page.getByRole('img', { name: /^Mã QR cá nhân của/ }).boundingBox();
    expect(box?.width).toBeGreaterThan(250); // big enough to scan
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(360);
    await screenshot(page, 'citizen-qr-360');

    // on a 360×640 phone the header is one row, the navigation a tab bar at the bottom, and the whole QR shows
    // between them without scrolling
    await page.setViewportSize({ width: 360, height: 640 });
    const header = await page.locator('.header-bar').boundingBox();
    expect(header?.height).toBeLessThanOrEqual(56);
    const tabs = await page.getByRole('navigation', { name: 'Điều hướng chính' }).boundingBox();
    expect(tabs?.y).toBeGreaterThan(560);
    const qr = await page.getByRole('img', { name: /^Mã QR cá nhân của/ }).boundingBox();
    expect(qr?.y).toBeGreaterThanOrEqual(header?.height ?? 0);
    expect((qr?.y ?? 0) + (qr?.height ?? 0)).toBeLessThanOrEqual(tabs?.y ?? 0);
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    await screenshot(page, 'citizen-qr-360x640');

    const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
    await nav.getByRole('link', { name: 'Hồ sơ' }).click();
    await page.getByLabel('Tìm theo tên').fill('Biên Hòa');
    await page.getByRole('button', { name: /^Thành phố Biên Hòa/ }).waitFor();
    expect(await documentWidth(page)).toBeLessThanOrEqual(360);
    await screenshot(page, 'citizen-profile-360');

    await nav.getByRole('link', { name: 'Người phụ thuộc' }).click();
    await page.getByRole('heading', { level: 1, name: 'Người phụ thuộc' }).waitFor();
    expect(await documentWidth(page)).toBeLessThanOrEqual(360);

    expect(problems).toEqual([]);
    await context.close();
  });
});
