/**
 * Accessibility (issue 11, acceptance): axe-core checks every page each demo role reaches from its navigation — and
 * the records they open from there (a case, a person, a venue), the sign-in page and the new-password form — at
 * 360 × 740 and on a desktop: each page is opened once and checked at both sizes (the window resized between the
 * two checks, as the app lays itself out again), where a run per size opened and signed in to everything twice.
 * No serious or critical violation may remain. axe runs inside the page through the
 * DevTools protocol (`page.evaluate`), which the app's strict CSP does not apply to; the app itself is unchanged.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiStaffLogin, citizenSignIn, launchBrowser, randomPhone } from './browser.ts';
import { DESKTOP, demoPassword, openIn, PHONE, signIn } from './roles.ts';
import { startServer, type TestServer } from './server.ts';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The demo province's staff accounts, one per role (`admin` is the national administrator). */
const ACCOUNTS = [
  'admin',
  'admin.dongnai',
  'leader.dongnai',
  'tracer.dongnai',
  'lab.dongnai',
  'hotline.dongnai',
  'quarantine.dongnai',
  'health.bienhoa',
  'vaccinator.bienhoa',
  'doctor.bienhoa',
  'welfare.bienhoa',
  'health.commune',
  'venue.commune',
];

/** Records opened from a list: the first link of the list page that leads to one. */
const DETAILS: Array<{ list: string; link: string }> = [
  { list: '/cases', link: 'a[href^="/cases/"]:not([href="/cases/new"])' },
  { list: '/venues', link: 'a[href^="/venues/"]' },
];

interface Violation {
  page: string;
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/** axe's serious and critical violations on the page as it is now, at 360 × 740 and then on a desktop. */
async function check(page: Page, label: string): Promise<Violation[]> {
  await page.setViewportSize(PHONE);
  const phone = await checkNow(page, `${label} (360)`);
  await page.setViewportSize(DESKTOP);
  // the layout of the new size (media queries, and the components that follow them) before axe reads it; a page
  // that draws no frame meanwhile goes on after a second (axe's own reads lay the page out anyway)
  await within(
    page.evaluate(
      () =>
        new Promise((r) => {
          requestAnimationFrame(() => requestAnimationFrame(r));
          setTimeout(r, 1_000);
        }),
    ),
    `the resize of ${label}`,
  );
  const desktop = await checkNow(page, `${label} (desktop)`);
  await page.setViewportSize(PHONE);
  return [...phone, ...desktop];
}

/**
 * A step in the page (`page.evaluate` has no time-out of its own) bounded, so a page that hangs fails its test at
 * once with what hung, not silently at the test's time-out (CI once lost a try of 300 s so, with no message).
 */
async function within<T>(step: Promise<T>, what: string, ms = 60_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done in ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([step, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** axe's serious and critical violations on the page as it is now. */
async function checkNow(page: Page, label: string): Promise<Violation[]> {
  await page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => undefined);
  // the loading lines go once the page's data is in
  await page
    .locator('[aria-busy="true"]')
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 })
    .catch(() => undefined);
  // folded parts (an account's actions, a quarantine order's) are checked open
  const folded = await page.evaluate(() => {
    const closed = [...document.querySelectorAll('details')].filter((d) => !d.open);
    for (const d of closed) d.open = true;
    return closed.length;
  });
  // what a panel shows is made when it opens (its toggle event)
  if (folded > 0) await page.waitForTimeout(300);
  await within(page.evaluate(AXE), `loading axe into ${label}`);
  const found = await within(
    page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (c: Document, o: object) => Promise<AxeResult> } }).axe;
      interface AxeResult {
        violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: string[] }> }>;
      }
      const result = await axe.run(document, { resultTypes: ['violations'] });
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({
          id: v.id,
          impact: v.impact ?? '',
          help: v.help,
          nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
        }));
    }),
    `axe on ${label}`,
  );
  return found.map((v) => ({ page: label, ...v }));
}

/** The paths of the navigation's links (every screen the role has). */
async function navPaths(page: Page): Promise<string[]> {
  const hrefs = await page
    .getByRole('navigation')
    .first()
    .locator('a')
    .evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  return [...new Set(hrefs.filter((h) => h.startsWith('/')))];
}

/** Every page of the navigation, and the first record behind each list that has one. */
async function checkReachable(page: Page, who: string): Promise<Violation[]> {
  const violations: Violation[] = [];
  const paths = await navPaths(page);
  for (const path of paths) {
    await page.goto(path);
    await page.locator('h1').first().waitFor();
    violations.push(...(await check(page, `${who} ${path}`)));
    const detail = DETAILS.find((d) => d.list === path);
    const link = detail ? page.locator(detail.link).first() : null;
    if (link && (await link.count()) > 0) {
      const href = (await link.getAttribute('href')) ?? '';
      await page.goto(href);
      await page.locator('h1').first().waitFor();
      violations.push(...(await check(page, `${who} ${path} → record`)));
    }
  }
  if (paths.includes('/people')) {
    await page.goto('/people');
    await page.getByLabel('Số CCCD, số điện thoại hoặc họ tên').fill('Nguyễn');
    await page.getByRole('button', { name: 'Tìm kiếm', exact: true }).click();
    await page
      .getByText(/^\d+ kết quả$|^Không tìm thấy/)
      .first()
      .waitFor();
    const person = page.locator('.person-card h3 a').first();
    // (a commune may have nobody of that name)
    if ((await person.count()) > 0) {
      await person.click();
      await page.getByRole('heading', { level: 1, name: 'Thông tin người dân' }).waitFor();
      violations.push(...(await check(page, `${who} /people → person`)));
    }
    // the national IDs to verify, linked from the people page for those who may verify them
    await page.goto('/people');
    await page.getByRole('heading', { level: 1, name: 'Tra cứu người dân' }).waitFor();
    const claims = page.getByRole('link', { name: 'CCCD chờ xác minh', exact: true });
    if ((await claims.count()) > 0) {
      await claims.click();
      await page.getByRole('heading', { level: 1, name: 'CCCD chờ xác minh' }).waitFor();
      await page
        .getByText(/số CCCD chờ xác minh$|^Không có số CCCD nào chờ xác minh\.$|^Đang hiện/)
        .first()
        .waitFor();
      violations.push(...(await check(page, `${who} /people → national IDs to verify`)));
    }
  }
  return violations;
}

const report = (violations: Violation[]) =>
  violations.map((v) => `${v.page}: ${v.impact} ${v.id} — ${v.help} [${v.nodes.join(' | ')}]`);

describe('no serious or critical accessibility violation on any page', () => {
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

  it('signed out: the sign-in page and the new-password form', async () => {
    const { context, page } = await openIn(browser, server, 'vi', PHONE);
    await page.goto('/');
    const violations = await check(page, 'sign-in (citizen tab)');
    await page.getByRole('tab', { name: 'Cán bộ' }).click();
    violations.push(...(await check(page, 'sign-in (staff tab)')));
    await page.goto('/set-password#u=someone&c=ABCD-EFGH-JKLM-NPQR');
    await page.getByRole('heading', { level: 2, name: 'Đặt mật khẩu mới' }).waitFor();
    violations.push(...(await check(page, 'new-password form')));
    expect(report(violations)).toEqual([]);
    // the check itself works, at both sizes: an image without a text alternative is a critical violation
    await page.evaluate(() => document.querySelector('main')?.append(document.createElement('img')));
    expect((await check(page, 'planted')).filter((v) => v.id === 'image-alt').map((v) => v.page)).toEqual([
      'planted (360)',
      'planted (desktop)',
    ]);
    await context.close();
  });

  it("a citizen's pages", async () => {
    const { context, page } = await openIn(browser, server, 'vi', PHONE);
    await citizenSignIn(page, server.url, adminToken, randomPhone());
    const violations = await checkReachable(page, 'citizen');
    expect(report(violations)).toEqual([]);
    await context.close();
  }, 300_000);

  for (const username of ACCOUNTS) {
    it(`${username}'s pages`, async () => {
      const { context, page } = await openIn(browser, server, 'vi', PHONE);
      const password = username === 'admin' ? server.adminPassword : demoPassword(server, username);
      await signIn(page, 'vi', username, password);
      const violations = await check(page, `${username} /`);
      violations.push(...(await checkReachable(page, username)));
      expect(report(violations)).toEqual([]);
      await context.close();
    }, 300_000);
  }
});
