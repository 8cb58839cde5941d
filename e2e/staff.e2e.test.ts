import * as OTPAuth from 'otpauth';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiCall,
  apiStaffLogin,
  createStaff,
  launchBrowser,
  openPage,
  randomSuffix,
  screenshot,
  staffSignIn,
} from './browser.ts';
import { startServer, type TestServer } from './server.ts';

describe('staff administration journey', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lets the admin create a district health worker who then sees people lookup but not staff management', async () => {
    const { context, page, problems } = await openPage(browser, server.url);
    const username = `hw.bienhoa.${randomSuffix()}`;
    const password = `Pw-${randomSuffix()}-${randomSuffix()}-long`;

    // the admin signs in on the staff tab
    await page.goto('/');
    await page.getByRole('tab', { name: 'Cán bộ' }).click();
    await page.getByLabel('Tên đăng nhập').fill('admin');
    await page.getByLabel('Mật khẩu').fill(server.adminPassword);
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Trang chủ' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
    expect(await nav.getByRole('link', { name: 'Hộp thư thử nghiệm' }).count()).toBe(1);

    // staff management: create a health worker scoped to Biên Hòa, found by typing in the unit picker
    await nav.getByRole('link', { name: 'Quản lý cán bộ' }).click();
    await page.getByRole('heading', { level: 1, name: 'Quản lý cán bộ' }).waitFor();
    await page.locator('[data-username="admin"]').waitFor();
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Tên hiển thị').fill('Cán bộ y tế Biên Hòa (e2e)');
    await page.getByLabel('Mật khẩu ban đầu').fill(password);
    await page.getByLabel('Vai trò').selectOption('health_worker');
    await page.getByLabel('Tìm theo tên').fill('Biên Hòa');
    await page.getByRole('button', { name: /^Thành phố Biên Hòa/ }).click();
    await page.getByText('Thành phố Biên Hòa', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Tạo tài khoản' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Đã tạo tài khoản ${username}.` })
      .waitFor();

    const row = page.locator(`[data-username="${username}"]`);
    await row.waitFor();
    const rowText = await row.textContent();
    expect(rowText).toContain('Cán bộ y tế');
    expect(rowText).toContain('Thành phố Biên Hòa');
    expect(rowText).toContain('Đang hoạt động');
    await screenshot(page, 'staff-management');

    // a too-short password is refused before it reaches the server
    await page.getByLabel('Tên đăng nhập').fill(`short.${randomSuffix()}`);
    await page.getByLabel('Mật khẩu ban đầu').fill('short');
    await page.getByRole('button', { name: 'Tạo tài khoản' }).click();
    await page.getByText('Mật khẩu cần ít nhất 12 ký tự.').waitFor();

    // sign out, then the new health worker signs in
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
    await page.getByRole('tab', { name: 'Cán bộ' }).click();
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(password);
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Trang chủ' }).waitFor();
    await page.getByText('Xin chào, Cán bộ y tế Biên Hòa (e2e)').waitFor();
    expect(await nav.getByRole('link', { name: 'Tra cứu người dân' }).count()).toBe(1);
    expect(await nav.getByRole('link', { name: 'Quản lý cán bộ' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Hộp thư thử nghiệm' }).count()).toBe(0);
    await screenshot(page, 'health-worker-home');

    // the health worker looks people up in their district
    await nav.getByRole('link', { name: 'Tra cứu người dân' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tra cứu người dân' }).waitFor();
    await page.getByLabel('Số CCCD, số điện thoại hoặc họ tên').fill('Nguyễn');
    await page.getByRole('button', { name: 'Tìm kiếm' }).click();
    await page.getByText(/^\d+ kết quả$/).waitFor();
    const firstPerson = page.locator('.person-card h3 a').first();
    const personName = (await firstPerson.textContent()) ?? '';
    await firstPerson.click();
    await page.getByRole('heading', { level: 1, name: 'Thông tin người dân' }).waitFor();
    await page.getByText(personName, { exact: true }).waitFor();
    await screenshot(page, 'person-detail');

    // registers a new person in a ward of the district; registering the same national ID again is refused
    await page.getByRole('link', { name: 'Quay lại tra cứu' }).click();
    const nationalId = `0759${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const register = async (name: string, pickUnit: boolean) => {
      await page.getByLabel('Họ và tên').fill(name);
      await page.getByLabel(/^Số CCCD \(/).fill(nationalId);
      await page.getByLabel('Năm sinh').fill('1985');
      await page.getByLabel('Giới tính').selectOption('male');
      if (pickUnit) {
        await page.getByLabel('Tìm theo tên').fill('an binh');
        await page.getByRole('button', { name: 'Phường An Bình thuộc Thành phố Biên Hòa' }).click();
      }
      await page.getByRole('button', { name: 'Đăng ký', exact: true }).click();
    };
    await register('Lê Văn Bình', true);
    await page.getByRole('status').filter({ hasText: 'Đã đăng ký Lê Văn Bình.' }).waitFor();
    // the ward stays chosen for the next registration
    await page.getByText('Phường An Bình', { exact: true }).waitFor();
    await register('Lê Văn Bình (trùng)', false);
    await page.getByRole('alert').filter({ hasText: 'Đã có người với số CCCD này.' }).waitFor();
    await page.getByRole('link', { name: 'Mở hồ sơ đã có' }).click();
    await page.getByRole('heading', { level: 1, name: 'Thông tin người dân' }).waitFor();
    await page.getByText('Lê Văn Bình', { exact: true }).waitFor();
    await page.getByText(nationalId, { exact: true }).waitFor();

    // and the staff screens stay closed to them even by address
    await page.goto('/staff');
    await page.getByRole('heading', { level: 1, name: 'Không tìm thấy trang' }).waitFor();

    expect(problems).toEqual([]);
    await context.close();
  });
  it('asks for the two-factor code when the account has TOTP, and signs in with it', async () => {
    const adminToken = await apiStaffLogin(server.url, 'admin', server.adminPassword);
    const username = `tracer.${randomSuffix()}`;
    const password = `Pw-${randomSuffix()}-${randomSuffix()}-long`;
    await createStaff(server.url, adminToken, {
      username,
      password,
      role: 'tracer',
      unitCode: '75',
      displayName: 'Truy vết (2FA)',
    });
    const userToken = await apiStaffLogin(server.url, username, password);
    const setup = await apiCall<{ secret: string }>(server.url, userToken, 'POST', '/auth/staff/totp/setup');
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setup.body.secret) });
    expect(
      (
        await apiCall(server.url, userToken, 'POST', '/auth/staff/totp/enable', {
          code: totp.generate(),
          currentPassword: password,
        })
      ).status,
    ).toBe(204);

    const { context, page, problems } = await openPage(browser, server.url);
    await staffSignIn(page, username, password);
    await page.getByRole('alert').filter({ hasText: 'Cần mã xác thực hai lớp (TOTP).' }).waitFor();
    const codeField = page.getByLabel('Mã xác thực hai lớp');
    await codeField.waitFor();
    expect(await codeField.evaluate((el) => el === document.activeElement)).toBe(true);
    await screenshot(page, 'staff-totp');
    // the code that enabled two-factor is spent: sign in with the next 30-second step's code (within the window)
    await codeField.fill(totp.generate({ timestamp: Date.now() + totp.period * 1000 }));
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Trang chủ' }).waitFor();
    await page.getByText('Xin chào, Truy vết (2FA)').waitFor();
    await page.getByText('Truy vết — Tỉnh Đồng Nai').waitFor();

    expect(problems).toEqual([]);
    await context.close();
  });

  it('signs a staff member out at once when an admin disables the account', async () => {
    const adminToken = await apiStaffLogin(server.url, 'admin', server.adminPassword);
    const username = `lab.${randomSuffix()}`;
    const password = `Pw-${randomSuffix()}-${randomSuffix()}-long`;
    await createStaff(server.url, adminToken, {
      username,
      password,
      role: 'lab',
      unitCode: '75',
    });

    const worker = await openPage(browser, server.url);
    await staffSignIn(worker.page, username, password);
    await worker.page.getByRole('heading', { level: 1, name: 'Trang chủ' }).waitFor();
    const workerNav = worker.page.getByRole('navigation', { name: 'Điều hướng chính' });
    await workerNav.getByRole('link', { name: 'Tra cứu người dân' }).click();
    await worker.page.getByRole('heading', { level: 1, name: 'Tra cứu người dân' }).waitFor();

    const admin = await openPage(browser, server.url);
    await staffSignIn(admin.page, 'admin', server.adminPassword);
    await admin.page.getByRole('heading', { level: 1, name: 'Trang chủ' }).waitFor();
    await admin.page.goto('/staff');
    const row = admin.page.locator(`[data-username="${username}"]`);
    await row.getByRole('button', { name: `Khóa tài khoản ${username}` }).click();
    await row.getByText('Đã khóa', { exact: true }).waitFor();
    await row.getByRole('button', { name: `Mở khóa tài khoản ${username}` }).waitFor();

    // the worker's next request finds the session revoked and the app returns to the sign-in page
    await worker.page.getByLabel('Số CCCD, số điện thoại hoặc họ tên').fill('Nguyễn');
    await worker.page.getByRole('button', { name: 'Tìm kiếm' }).click();
    await worker.page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
    await staffSignIn(worker.page, username, password);
    await worker.page.getByRole('alert').filter({ hasText: 'Tên đăng nhập hoặc mật khẩu không đúng.' }).waitFor();
    expect(await worker.page.getByRole('heading', { level: 1, name: 'Trang chủ' }).count()).toBe(0);

    expect([...worker.problems, ...admin.problems]).toEqual([]);
    await worker.context.close();
    await admin.context.close();
  });
});
