/**
 * The demo province on first start (`truyvet start`, 300 people here): the banner explains `admin` and
 * `admin.dongnai` and points at no address that needs a sign-in without saying so; an outbreak is going on, so the
 * tracer's case list on a 360 × 740 phone shows cases with their F1 and F2.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentWidth, launchBrowser, openPage, screenshot, staffSignIn } from './browser.ts';
import { startServer, type TestServer } from './server.ts';

describe('the demo province', () => {
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

  it('explains admin and admin.dongnai at start, and says which addresses need a sign-in', () => {
    const out = server.output();
    expect(out).toMatch(/Demo outbreak: \d+ cases, \d+ F1 and \d+ F2 traced, \d+ quarantine orders/);
    expect(Number(/Demo outbreak: (\d+) cases/.exec(out)?.[1])).toBeGreaterThanOrEqual(10);
    expect(out).toMatch(/^ {4}admin {11}the national administrator/m);
    expect(out).toMatch(/^ {4}admin\.dongnai {3}the demo province's administrator \(Đồng Nai only\)/m);
    expect(out).toContain('Sign in there');
    // the fake outbox is a page for a signed-in admin, and said so; the API's own address is not offered as a page
    expect(out).not.toContain('/api/v1/dev/outbox');
    expect(out).toMatch(/signed in as admin, every message sent is on the page "Hộp thư thử nghiệm"/);
    expect(out).toMatch(/API docs: \S+\/docs {2}\(open to read; trying a call needs a bearer token/);
    expect(out).toMatch(/Public URL: derived per request/);
  });

  it("shows the outbreak's cases in the tracer's case list on a 360 × 740 phone", async () => {
    const password = /^ {2}tracer\.dongnai +(\S+) +tracer @ 75$/m.exec(server.output())?.[1];
    expect(password, server.output()).toBeTruthy();
    const { context, page, problems } = await openPage(browser, server.url, { width: 360, height: 740 });
    await staffSignIn(page, 'tracer.dongnai', password as string);
    await page.getByRole('heading', { level: 1, name: 'Trang chủ' }).waitFor();
    await page.goto('/cases');
    await page.getByRole('heading', { level: 1, name: 'Ca bệnh' }).waitFor();
    const cards = page.locator('li.cs-case-card');
    await cards.first().waitFor();
    expect(await cards.count()).toBeGreaterThanOrEqual(10);
    await page.getByText(/^\d+ ca bệnh$/).waitFor();
    const codes = await cards.evaluateAll((items) => items.map((li) => li.getAttribute('data-case-code')));
    expect(codes.every((c) => /^BN75-\d{6}$/.test(c ?? ''))).toBe(true);
    // traced: cases with F1 and F2 contacts
    const f1 = await cards.locator('.cs-counts span').filter({ hasText: /^F1: / }).allTextContents();
    expect(f1.filter((t) => t !== 'F1: 0').length).toBeGreaterThanOrEqual(5);
    expect(await documentWidth(page)).toBeLessThanOrEqual(360);
    await screenshot(page, 'demo-tracer-cases-360');

    expect(problems).toEqual([]);
    await context.close();
  });
});
