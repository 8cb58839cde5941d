/**
 * The administrator's tools (issue 11, item 14), at 360 × 740 and on a desktop, in Vietnamese and English: the
 * province's admin changes an officer's role and area, forces their logout, resets their password — the officer
 * chooses a new one from the link, and again from the sign-in page with the code — then reads the audit log by
 * actor, by module, and "who viewed this person" from a person's record.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall, apiStaffLogin, createStaff, launchBrowser, randomSuffix, screenshot } from './browser.ts';
import { demoPassword, expectNoSideScroll, type Lang, openIn, signIn, VARIANTS } from './roles.ts';
import { startServer, type TestServer } from './server.ts';

const TEXT = {
  vi: {
    staffNav: 'Quản lý cán bộ',
    staffTitle: 'Quản lý cán bộ',
    manage: (u: string) => `Quản lý tài khoản ${u}`,
    role: 'Vai trò',
    changeUnit: 'Đổi đơn vị',
    searchUnit: 'Tìm theo tên',
    saveGrant: 'Lưu quyền',
    grantSaved: (u: string) => `Đã lưu quyền của ${u}.`,
    logout: 'Buộc đăng xuất',
    logoutDone: (u: string) => `Mọi phiên đăng nhập của ${u} đã kết thúc.`,
    reset: 'Đặt lại mật khẩu',
    setTitle: 'Đặt mật khẩu mới',
    username: 'Tên đăng nhập',
    code: 'Mã đặt lại mật khẩu',
    newPassword: 'Mật khẩu mới',
    confirm: 'Nhập lại mật khẩu mới',
    setSubmit: 'Đặt mật khẩu và đăng nhập',
    staffTab: 'Cán bộ',
    password: 'Mật khẩu',
    signIn: 'Đăng nhập',
    home: 'Trang chủ',
    dueTitle: 'Lệnh cách ly đến hạn',
    auditNav: 'Nhật ký truy cập',
    auditTitle: 'Nhật ký truy cập',
    actor: 'Tên đăng nhập của cán bộ',
    action: 'Hành động',
    filter: 'Lọc',
    clear: 'Xóa bộ lọc',
    count: /^\d+ mục$/,
    peopleNav: 'Tra cứu người dân',
    peopleSearch: 'Số CCCD, số điện thoại hoặc họ tên',
    search: 'Tìm kiếm',
    personTitle: 'Thông tin người dân',
    whoViewed: 'Ai đã xem người này?',
  },
  en: {
    staffNav: 'Staff management',
    staffTitle: 'Staff management',
    manage: (u: string) => `Manage the account ${u}`,
    role: 'Role',
    changeUnit: 'Change unit',
    searchUnit: 'Search by name',
    saveGrant: 'Save the grant',
    grantSaved: (u: string) => `${u}'s grant was saved.`,
    logout: 'Force logout',
    logoutDone: (u: string) => `Every session of ${u} has ended.`,
    reset: 'Reset the password',
    setTitle: 'Choose a new password',
    username: 'Username',
    code: 'Password reset code',
    newPassword: 'New password',
    confirm: 'New password again',
    setSubmit: 'Set the password and sign in',
    staffTab: 'Staff',
    password: 'Password',
    signIn: 'Sign in',
    home: 'Home',
    dueTitle: 'Quarantine orders due',
    auditNav: 'Access log',
    auditTitle: 'Access log',
    actor: 'Staff username',
    action: 'Action',
    filter: 'Filter',
    clear: 'Clear the filters',
    count: /^\d+ entr(y|ies)$/,
    peopleNav: 'People lookup',
    peopleSearch: 'National ID, phone number or name',
    search: 'Search',
    personTitle: 'Person details',
    whoViewed: 'Who viewed this person?',
  },
} as const;

interface Listed {
  id: string;
  username: string;
  grants: Array<{ role: string; unitCode: string | null }>;
}

describe("the administrator's tools", () => {
  let server: TestServer;
  let browser: Browser;
  let national: string;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    national = await apiStaffLogin(server.url, 'admin', server.adminPassword);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** The officer sets a new password on the form the reset opened, and lands on their home. */
  async function chooseNewPassword(page: Page, lang: Lang, username: string, code: string, password: string) {
    const text = TEXT[lang];
    await page.getByRole('heading', { level: 2, name: text.setTitle }).waitFor();
    expect(await page.getByLabel(text.username, { exact: true }).inputValue()).toBe(username);
    expect(await page.getByLabel(text.code).inputValue()).toBe(code);
    await page.getByLabel(text.newPassword, { exact: true }).fill(password);
    await page.getByLabel(text.confirm).fill(password);
    await page.getByRole('button', { name: text.setSubmit }).click();
    await page.getByRole('heading', { level: 1, name: text.home }).waitFor();
  }

  for (const { name, lang, viewport } of VARIANTS) {
    const text = TEXT[lang];

    it(`manages an officer and reads the audit log (${name})`, async () => {
      // an officer of the province, signed in elsewhere
      const officer = `officer.${name}.${randomSuffix()}`;
      const password = `Pw-${randomSuffix()}-${randomSuffix()}-long`;
      await createStaff(server.url, national, {
        username: officer,
        password,
        role: 'health_worker',
        unitCode: '75',
      });
      const officerToken = await apiStaffLogin(server.url, officer, password);

      const admin = await openIn(browser, server, lang, viewport);
      const page = admin.page;
      await signIn(page, lang, 'admin.dongnai', demoPassword(server, 'admin.dongnai'));
      await page.getByRole('navigation').getByRole('link', { name: text.staffNav }).click();
      await page.getByRole('heading', { level: 1, name: text.staffTitle }).waitFor();
      const card = page.locator(`[data-username="${officer}"]`);
      await card.getByText(text.manage(officer)).click();

      // role and area: quarantine officer of Biên Hòa
      await card.getByLabel(text.role, { exact: true }).selectOption('quarantine_officer');
      await card.getByRole('button', { name: text.changeUnit }).click();
      await card.getByLabel(text.searchUnit).fill('Biên Hòa');
      await card.getByRole('button', { name: /^Thành phố Biên Hòa/ }).click();
      await card.getByRole('button', { name: text.saveGrant }).click();
      await page
        .getByRole('status')
        .filter({ hasText: text.grantSaved(officer) })
        .waitFor();
      const list = await apiCall<Listed[]>(server.url, national, 'GET', '/staff');
      expect(list.body.find((u) => u.username === officer)?.grants).toMatchObject([
        { role: 'quarantine_officer', unitCode: '731' },
      ]);

      // force logout: the officer's session ends at once
      const reopened = page.locator(`[data-username="${officer}"]`);
      // the list was read again; the account's panel stays open
      expect(await reopened.locator('details').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
      await reopened.getByRole('button', { name: text.logout }).click();
      await page
        .getByRole('status')
        .filter({ hasText: text.logoutDone(officer) })
        .waitFor();
      expect((await apiCall(server.url, officerToken, 'GET', '/auth/me')).status).toBe(401);

      // reset: a one-time code and a link, shown once
      await reopened.getByRole('button', { name: text.reset }).click();
      const code = (await reopened.getByTestId('reset-code').textContent()) ?? '';
      expect(code).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
      const link = (await reopened.getByTestId('reset-link').textContent()) ?? '';
      expect(link).toBe(`${server.url}/set-password#u=${encodeURIComponent(officer)}&c=${code}`);
      await expectNoSideScroll(page, viewport);
      await screenshot(page, `staff-reset-${name}`);

      // the officer opens the link and chooses a new password: their home is now the quarantine officer's
      const them = await openIn(browser, server, lang, viewport);
      await them.page.goto(link.slice(server.url.length));
      const newPassword = `New-${randomSuffix()}-${randomSuffix()}-pw`;
      await chooseNewPassword(them.page, lang, officer, code, newPassword);
      await them.page.getByTestId('role-home-quarantine_officer').getByText(text.dueTitle).waitFor();
      await expectNoSideScroll(them.page, viewport);
      await screenshot(them.page, `set-password-done-${name}`);
      expect(them.problems).toEqual([]);
      await them.context.close();

      // a second reset, used on the sign-in page: the code opens the same form
      await reopened.getByRole('button', { name: text.reset }).click();
      await reopened.getByTestId('reset-code').filter({ hasNotText: code }).waitFor();
      const code2 = (await reopened.getByTestId('reset-code').textContent()) ?? '';
      const again = await openIn(browser, server, lang, viewport);
      await again.page.goto('/');
      await again.page.getByRole('tab', { name: text.staffTab }).click();
      await again.page.getByLabel(text.username).fill(officer);
      await again.page.getByLabel(text.password, { exact: true }).fill(code2);
      await again.page.getByRole('button', { name: text.signIn, exact: true }).click();
      await chooseNewPassword(again.page, lang, officer, code2, `${newPassword}-2`);
      expect(again.problems).toEqual([]);
      await again.context.close();

      // the audit log: what the officer did, then what was done to accounts
      await page.getByRole('navigation').getByRole('link', { name: text.auditNav }).click();
      await page.getByRole('heading', { level: 1, name: text.auditTitle }).waitFor();
      await page.getByLabel(text.actor).fill(officer);
      await page.getByRole('button', { name: text.filter, exact: true }).click();
      await page.locator(`li[data-action="auth.password.reset"][data-username="${officer}"]`).first().waitFor();
      await page.locator(`li[data-action="cases.quarantine.list"][data-username="${officer}"]`).first().waitFor();
      await page.getByText(text.count).waitFor();
      await page.getByLabel(text.actor).fill('');
      await page.getByLabel(text.action).selectOption('staff');
      await page.getByRole('button', { name: text.filter, exact: true }).click();
      for (const action of ['staff.grant.change', 'staff.sessions.revoke', 'staff.password.reset']) {
        await page.locator(`li[data-action="${action}"][data-username="admin.dongnai"]`).first().waitFor();
      }
      await expectNoSideScroll(page, viewport);
      await screenshot(page, `audit-${name}`);

      // who viewed this person: from the person's record
      await page.getByRole('navigation').getByRole('link', { name: text.peopleNav }).click();
      await page.getByLabel(text.peopleSearch).fill('Nguyễn');
      await page.getByRole('button', { name: text.search, exact: true }).click();
      await page.locator('.person-card h3 a').first().click();
      await page.getByRole('heading', { level: 1, name: text.personTitle }).waitFor();
      await page.getByRole('link', { name: text.whoViewed }).click();
      await page.getByRole('heading', { level: 1, name: text.auditTitle }).waitFor();
      await page.getByTestId('audit-person').waitFor();
      await page.locator('li[data-action="people.read"][data-username="admin.dongnai"]').first().waitFor();
      await page.locator('li[data-action="people.search"][data-username="admin.dongnai"]').first().waitFor();
      await expectNoSideScroll(page, viewport);
      await screenshot(page, `audit-who-viewed-${name}`);
      await page.getByRole('button', { name: text.clear }).click();
      await page.getByTestId('audit-person').waitFor({ state: 'detached' });
      expect(admin.problems).toEqual([]);
      await admin.context.close();
    });
  }
});
