import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiCall,
  apiCitizenSignIn,
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
import { demoPassword, expectNoSideScroll, PHONE, signIn } from './roles.ts';
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

  it('keeps a national ID the citizen typed "not verified" until commune staff check the card and verify it (360 px)', async () => {
    // the commune the demo's commune health worker serves, as their account names it
    const staffUser = 'health.commune';
    const staffPassword = demoPassword(server, staffUser);
    const staffToken = await apiStaffLogin(server.url, staffUser, staffPassword);
    const me = await apiCall<{ user: { grants: Array<{ role: string; unitName: string | null }> } }>(
      server.url,
      staffToken,
      'GET',
      '/auth/me',
    );
    const commune = me.body.user.grants.find((g) => g.role === 'health_worker')?.unitName;
    expect(commune, JSON.stringify(me.body)).toBeTruthy();
    const communeName = commune as string;
    // '0750' and 8 random digits: a synthetic number no demo person holds
    const nationalId = `0750${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const name = 'Võ Thị Kim Ngân';
    const note = 'Số CCCD chưa được xác minh: mang thẻ CCCD đến trạm y tế xã/phường để xác minh.';

    // a citizen signs in with a new phone and gives their national ID on the profile, living in that commune
    const citizen = await openPage(browser, server.url, PHONE);
    const cp = citizen.page;
    await citizenSignIn(cp, server.url, adminToken, randomPhone());
    await cp.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Hồ sơ' }).click();
    await cp.getByRole('heading', { level: 1, name: 'Hồ sơ cá nhân' }).waitFor();
    await cp.getByLabel('Họ và tên').fill(name);
    await cp.getByLabel('Số CCCD').fill(nationalId);
    await cp.getByLabel('Năm sinh').fill('1992');
    await cp.getByLabel('Tìm theo tên').fill(communeName);
    const escaped = communeName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await cp.getByRole('button', { name: new RegExp(`^${escaped} thuộc `) }).click();
    await cp.getByRole('button', { name: 'Lưu' }).click();
    // stored as the citizen's claim, not refused, and the citizen is told how it gets verified
    await cp.getByRole('status').filter({ hasText: 'Đã lưu hồ sơ.' }).waitFor();
    await cp.getByText(note).waitFor();
    await cp.reload();
    await cp.getByRole('heading', { level: 1, name: 'Hồ sơ cá nhân' }).waitFor();
    await cp.getByText(note).waitFor();
    await expectNoSideScroll(cp, PHONE);
    await screenshot(cp, 'national-id-claim-profile-360');

    // the commune health worker finds the person by that number: the number is marked "Chưa xác minh"
    const staff = await openPage(browser, server.url, PHONE);
    const sp = staff.page;
    await signIn(sp, 'vi', staffUser, staffPassword);
    await sp.goto('/people');
    await sp.getByRole('heading', { level: 1, name: 'Tra cứu người dân' }).waitFor();
    await sp.getByLabel('Số CCCD, số điện thoại hoặc họ tên').fill(nationalId);
    await sp.getByRole('button', { name: 'Tìm kiếm' }).click();
    await sp.getByText('1 kết quả', { exact: true }).waitFor();
    const card = sp.getByRole('listitem').filter({ hasText: nationalId });
    await card.getByText('Chưa xác minh', { exact: true }).waitFor();
    await expectNoSideScroll(sp, PHONE);
    await screenshot(sp, 'national-id-claim-search-360');

    // opens the record, compares with the card and verifies: the badge is gone
    await card.getByRole('link', { name }).click();
    await sp.getByRole('heading', { level: 1, name: 'Thông tin người dân' }).waitFor();
    await sp.getByText(nationalId, { exact: true }).waitFor();
    await sp.getByText('Chưa xác minh', { exact: true }).waitFor();
    await sp.getByText('Đối chiếu với thẻ CCCD trước khi xác minh.').waitFor();
    await expectNoSideScroll(sp, PHONE);
    await screenshot(sp, 'national-id-claim-person-360');
    await sp.getByRole('button', { name: 'Xác minh CCCD' }).click();
    await sp.getByRole('status').filter({ hasText: 'Đã xác minh số CCCD.' }).waitFor();
    expect(await sp.getByText('Chưa xác minh', { exact: true }).count()).toBe(0);
    expect(await sp.getByRole('button', { name: 'Xác minh CCCD' }).count()).toBe(0);
    expect(await sp.getByRole('alert').count()).toBe(0);
    await sp.getByText(nationalId, { exact: true }).waitFor();
    await screenshot(sp, 'national-id-verified-person-360');

    // verified on the server: loaded again, the record and the citizen's profile carry no mark
    await sp.reload();
    await sp.getByRole('heading', { level: 1, name: 'Thông tin người dân' }).waitFor();
    await sp.getByText(nationalId, { exact: true }).waitFor();
    expect(await sp.getByText('Chưa xác minh', { exact: true }).count()).toBe(0);
    await cp.reload();
    await cp.getByRole('heading', { level: 1, name: 'Hồ sơ cá nhân' }).waitFor();
    expect(await cp.getByLabel('Số CCCD').inputValue()).toBe(nationalId);
    expect(await cp.getByText(note).count()).toBe(0);

    expect(citizen.problems).toEqual([]);
    expect(staff.problems).toEqual([]);
    await staff.context.close();
    await citizen.context.close();
  });

  it('lists the national IDs the commune must verify, oldest first; one verified from the list leaves it (360 px)', async () => {
    const staffUser = 'health.commune';
    const staffPassword = demoPassword(server, staffUser);
    const staffToken = await apiStaffLogin(server.url, staffUser, staffPassword);
    const me = await apiCall<{ user: { grants: Array<{ role: string; unitCode: string | null }> } }>(
      server.url,
      staffToken,
      'GET',
      '/auth/me',
    );
    const communeCode = me.body.user.grants.find((g) => g.role === 'health_worker')?.unitCode;
    expect(communeCode, JSON.stringify(me.body)).toBeTruthy();
    // a citizen of that commune types their national ID in the app (through the API: the profile page is the test
    // above): a claim, newer than the demo's
    const nationalId = `0750${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const name = 'Đinh Thị Mỹ Duyên';
    const citizen = await apiCitizenSignIn(server.url, adminToken, randomPhone());
    const saved = await apiCall(server.url, citizen.token, 'PUT', '/me/profile', {
      name,
      nationalId,
      birthYear: 1990,
      unitCode: communeCode,
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);

    // the commune's health worker finds the list on the home page
    const staff = await openPage(browser, server.url, PHONE);
    const sp = staff.page;
    await signIn(sp, 'vi', staffUser, staffPassword);
    const tile = sp.getByTestId('home-national-ids');
    await tile.getByRole('heading', { level: 2, name: 'CCCD chờ xác minh' }).waitFor();
    await tile.getByRole('link', { name: 'Mở danh sách CCCD chờ xác minh' }).click();
    await sp.getByRole('heading', { level: 1, name: 'CCCD chờ xác minh' }).waitFor();
    const list = sp.getByRole('list', { name: 'CCCD chờ xác minh' });
    const cards = list.getByRole('listitem');
    const mine = cards.filter({ hasText: nationalId });
    await mine.waitFor();
    // every card a claim, marked; the demo's numbers typed days ago come first, the citizen's of today last
    const count = await cards.count();
    expect(count).toBeGreaterThan(1);
    expect(await list.getByText('Chưa xác minh', { exact: true }).count()).toBe(count);
    expect(await cards.last().textContent()).toContain(nationalId);
    await mine.getByText('Chưa xác minh', { exact: true }).waitFor();
    expect(await mine.getByText('Trùng với hồ sơ đã xác minh').count()).toBe(0);
    // the demo's claim of a number another record holds verified is marked so
    await list.getByText('Trùng với hồ sơ đã xác minh', { exact: true }).first().waitFor();
    await sp.getByText(`${count} số CCCD chờ xác minh`, { exact: true }).waitFor();
    await expectNoSideScroll(sp, PHONE);
    await screenshot(sp, 'national-id-claims-list-360');
    // the unit filter offers the health worker's own commune only: another district is not found
    const unitSearch = sp.getByRole('searchbox', { name: 'Tìm theo tên' });
    await unitSearch.fill('Long Khánh');
    await sp.getByText('Không tìm thấy đơn vị nào.', { exact: true }).last().waitFor();
    await unitSearch.fill('');

    // opens the citizen's record from the list, compares with the card, verifies, and goes back to the list
    await mine.getByRole('link', { name }).click();
    await sp.getByRole('heading', { level: 1, name: 'Thông tin người dân' }).waitFor();
    await sp.getByText(nationalId, { exact: true }).waitFor();
    await sp.getByRole('button', { name: 'Xác minh CCCD' }).click();
    await sp.getByRole('status').filter({ hasText: 'Đã xác minh số CCCD.' }).waitFor();
    await expectNoSideScroll(sp, PHONE);
    await sp.getByRole('link', { name: 'Về danh sách CCCD chờ xác minh' }).click();
    await sp.getByRole('heading', { level: 1, name: 'CCCD chờ xác minh' }).waitFor();
    await sp.getByText(`${count - 1} số CCCD chờ xác minh`, { exact: true }).waitFor();
    expect(await list.getByRole('listitem').filter({ hasText: nationalId }).count()).toBe(0);
    await screenshot(sp, 'national-id-claims-list-after-verify-360');

    // the people page links to the list too; loaded afresh, the verified number is still not on it
    await sp.goto('/people');
    await sp.getByRole('heading', { level: 1, name: 'Tra cứu người dân' }).waitFor();
    await sp.getByRole('link', { name: 'CCCD chờ xác minh', exact: true }).click();
    await sp.getByRole('heading', { level: 1, name: 'CCCD chờ xác minh' }).waitFor();
    await sp.getByText(`${count - 1} số CCCD chờ xác minh`, { exact: true }).waitFor();
    expect(await sp.getByText(nationalId).count()).toBe(0);

    expect(staff.problems).toEqual([]);
    await staff.context.close();
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
