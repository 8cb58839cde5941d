import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiStaffLogin,
  internationalPhone,
  latestOtp,
  launchBrowser,
  openPage,
  outboxMark,
  randomPhone,
  screenshot,
  staffSignIn,
} from './browser.ts';
import { startServer, type TestServer } from './server.ts';

describe('app shell: languages, API errors, installable offline app', () => {
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

  it('switches the interface to English and back, remembering the choice', async () => {
    const { context, page, problems } = await openPage(browser, server.url);
    await page.goto('/');
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('vi');
    await page.getByRole('tab', { name: 'Người dân' }).waitFor();

    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.getByRole('tab', { name: 'Citizen' }).waitFor();
    await page.getByRole('tab', { name: 'Staff' }).waitFor();
    await page.getByLabel('Phone number').waitFor();
    await page.getByRole('button', { name: 'Send code' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await page.title()).toBe('Truyvet — Epidemic response');
    expect(await page.getByText('Gửi mã xác thực').count()).toBe(0);
    await screenshot(page, 'login-en');

    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');

    // staff tab, role names and navigation are translated too
    await page.getByRole('tab', { name: 'Staff' }).click();
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(server.adminPassword);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await page.getByText('Administrator', { exact: true }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'Staff management' }).click();
    await page.getByRole('heading', { level: 1, name: 'Staff management' }).waitFor();
    await page.getByLabel('Role').selectOption('quarantine_officer');
    expect(await page.getByLabel('Role').locator('option:checked').textContent()).toBe('Quarantine officer');
    await screenshot(page, 'staff-management-en');

    await page.getByRole('button', { name: 'Chuyển sang tiếng Việt' }).click();
    await page.getByRole('heading', { level: 1, name: 'Quản lý cán bộ' }).waitFor();
    expect(await page.getByLabel('Vai trò').locator('option:checked').textContent()).toBe('Quản lý cách ly');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('vi');

    expect(problems).toEqual([]);
    await context.close();
  });

  it("shows the API's Vietnamese message for a wrong code, and the English one after switching", async () => {
    const { context, page, problems } = await openPage(browser, server.url);
    const phone = randomPhone();
    await page.goto('/');
    await page.getByLabel('Số điện thoại').fill(phone);
    const since = await outboxMark(server.url, adminToken, phone);
    await page.getByRole('button', { name: 'Gửi mã xác thực' }).click();
    await page.getByLabel('Mã xác thực').waitFor();
    const code = await latestOtp(server.url, adminToken, phone, since);
    const wrong = code === '000000' ? '111111' : '000000';
    await page.getByLabel('Mã xác thực').fill(wrong);
    await page.getByRole('button', { name: 'Xác nhận' }).click();

    const alert = page.getByRole('alert');
    await alert.filter({ hasText: 'Mã xác thực không đúng.' }).waitFor();
    expect(await alert.textContent()).toBe('Mã xác thực không đúng. Còn 4 lần thử.');
    // still on the sign-in page
    expect(await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).count()).toBe(1);
    await screenshot(page, 'otp-wrong-vi');

    await page.getByRole('button', { name: 'Switch to English' }).click();
    await alert.filter({ hasText: 'The one-time code is wrong.' }).waitFor();
    expect(await alert.textContent()).toBe('The one-time code is wrong. 4 attempts left.');

    // the right code still works afterwards
    await page.getByLabel('One-time code').fill(code);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('heading', { level: 1, name: 'Personal QR code' }).waitFor();

    expect(problems).toEqual([]);
    await context.close();
  });

  it('serves hashed assets as immutable for a year and the page itself as always revalidated', async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const script = /\/assets\/[\w.-]+\.js/.exec(await page.text())?.[0];
    expect(script).toBeDefined();
    const asset = await fetch(`${server.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('is installable and starts offline from the service worker cache, never caching the API', async () => {
    const { context, page, problems } = await openPage(browser, server.url);
    await page.goto('/');
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();

    const manifest = await page.evaluate(async () => {
      const link = document.querySelector<HTMLLinkElement>('link[rel="manifest"]');
      return link ? (await fetch(link.href)).json() : null;
    });
    expect(manifest).toMatchObject({ lang: 'vi', display: 'standalone', start_url: '/', theme_color: '#0b5cad' });
    const sizes = (manifest.icons as Array<{ sizes: string }>).map((i) => i.sizes);
    expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512']));

    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(scope).toBe(`${server.url}/`);
    const cached = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) {
        for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
      }
      return urls;
    });
    expect(cached).toContain('/index.html');
    expect(cached.some((u) => /^\/assets\/.+\.js$/.test(u))).toBe(true);
    expect(cached.filter((u) => u.startsWith('/api/'))).toEqual([]);
    // the build's precompressed copies are served in place of the files, never cached as files of their own
    expect(cached.filter((u) => /\.(br|gz)$/.test(u))).toEqual([]);

    // Chromium's own verdict on installability (manifest, icons, service worker)
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
      installabilityErrors: Array<{ errorId: string }>;
    };
    // Playwright's contexts are incognito profiles, which Chromium never lets install anything: the one error allowed
    expect(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito')).toEqual([]);
    await cdp.detach();

    // Online, under the service worker's control: the page's own API calls, and a few never-cached paths, go
    // through the worker to the network, never to a cache
    const apiAnswers: Array<{ url: string; fromServiceWorker: boolean }> = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname.startsWith('/api/')) {
        apiAnswers.push({ url: response.url(), fromServiceWorker: response.fromServiceWorker() });
      }
    });
    // pages come from the network first (a new deployment shows at once): newer than the precached index.html
    const shellDate = await page.evaluate(async () => {
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) {
          if (new URL(request.url).pathname === '/index.html') return (await cache.match(request))?.headers.get('date');
        }
      }
      return null;
    });
    expect(shellDate).toBeTruthy();
    await page.waitForTimeout(1500); // Date has whole seconds
    const reloaded = await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    expect(reloaded?.fromServiceWorker()).toBe(true);
    expect(Date.parse(reloaded?.headers().date ?? '')).toBeGreaterThan(Date.parse(shellDate ?? ''));
    const NEVER_CACHED = ['/api/v1/auth/me', '/docs', '/openapi.json', '/healthz', '/readyz'];
    const online = await page.evaluate(
      (paths) => Promise.all(paths.map(async (path) => (await fetch(path)).status)),
      NEVER_CACHED,
    );
    expect(online).toEqual([401, 200, 200, 200, 200]);
    expect(apiAnswers.length).toBeGreaterThan(0);
    expect(apiAnswers.filter((a) => a.fromServiceWorker)).toEqual([]);

    await context.setOffline(true);
    const offlineStart = await page.reload();
    expect(offlineStart?.headers().date).toBe(shellDate);
    await page.getByRole('link', { name: 'Truyvet — Phòng chống dịch' }).waitFor();
    await page.getByText('Bạn đang ngoại tuyến.', { exact: false }).waitFor();
    await screenshot(page, 'offline-start');
    // the shell answers offline for any page of the app, also one never opened online
    await page.goto('/checkins');
    await page.getByRole('link', { name: 'Truyvet — Phòng chống dịch' }).waitFor();
    await page.getByText('Bạn đang ngoại tuyến.', { exact: false }).waitFor();
    // what was fetched online is not answered offline: nothing under /api/ (nor docs, nor health checks) was kept
    const offline = await page.evaluate(
      (paths) =>
        Promise.all(
          paths.map((path) =>
            fetch(path).then(
              (r) => `${path}: ${r.status}`,
              () => `${path}: network error`,
            ),
          ),
        ),
      NEVER_CACHED,
    );
    expect(offline).toEqual(NEVER_CACHED.map((path) => `${path}: network error`));
    expect(apiAnswers.filter((a) => a.fromServiceWorker)).toEqual([]);
    await context.setOffline(false);

    expect(problems).toEqual([]);
    await context.close();
  });
  it('lets an admin read the fake SMS outbox, and starts keyboard users at a skip link', async () => {
    const phone = randomPhone();
    const since = await outboxMark(server.url, adminToken, phone);
    const sent = await fetch(`${server.url}/api/v1/auth/citizen/otp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone }),
    });
    expect(sent.status).toBe(202);
    const code = await latestOtp(server.url, adminToken, phone, since);

    const { context, page, problems } = await openPage(browser, server.url);
    await page.goto('/');
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Bỏ qua, đến nội dung chính');

    await staffSignIn(page, 'admin', server.adminPassword);
    await page.getByRole('heading', { level: 1, name: 'Trang chủ' }).waitFor();
    await page
      .getByRole('navigation', { name: 'Điều hướng chính' })
      .getByRole('link', { name: 'Hộp thư thử nghiệm' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Hộp thư thử nghiệm' }).waitFor();
    await page.getByLabel('Lọc theo số điện thoại').fill(phone);
    await page.getByRole('button', { name: 'Lọc', exact: true }).click();
    // the unfiltered list shown before the filter holds this message too (it is the newest): wait for the filter's
    // answer, the one message, before reading it
    await expect.poll(() => page.locator('.cards > li').count()).toBe(1);
    await page.getByText(`Đến ${internationalPhone(phone)}`, { exact: false }).waitFor();
    await page.getByText(`Ma xac thuc Truyvet: ${code}`, { exact: false }).waitFor();
    await screenshot(page, 'outbox');

    expect(problems).toEqual([]);
    await context.close();
  });
});
