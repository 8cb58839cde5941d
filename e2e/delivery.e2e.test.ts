/**
 * What a cheap phone on a slow line downloads: compressed files, the citizen entry within its budget, and no staff
 * screens for a citizen.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CITIZEN_ENTRY_BUDGET_BYTES } from '../src/web/budget.ts';
import { apiStaffLogin, citizenSignIn, launchBrowser, openPage, randomPhone } from './browser.ts';
import { startServer, type TestServer } from './server.ts';

describe('delivery to a phone', () => {
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

  it('serves the built files precompressed (brotli, else gzip, else plain) and compresses large API answers', async () => {
    const page = await fetch(`${server.url}/`, { headers: { 'accept-encoding': 'identity' } });
    const html = await page.text();
    expect(page.headers.get('content-encoding')).toBeNull();
    // the entry chunk (vite.config.ts names the group of everything the entry loads at start "app")
    const script = /\/assets\/app-[\w-]+\.js/.exec(html)?.[0];
    expect(script).toBeDefined();
    const plain = await (await fetch(`${server.url}${script}`, { headers: { 'accept-encoding': 'identity' } })).text();

    const br = await fetch(`${server.url}${script}`, { headers: { 'accept-encoding': 'gzip, br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // fetch decodes the body: the same script, whatever the encoding
    expect(await br.text()).toBe(plain);

    const gz = await fetch(`${server.url}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(await gz.text()).toBe(plain);

    // the service worker is compressed only once it is complete: each copy is the file itself, precache list included
    const sw = await (await fetch(`${server.url}/sw.js`, { headers: { 'accept-encoding': 'identity' } })).text();
    expect(sw).toContain('"url":"index.html"');
    expect(sw).not.toContain('__WB_MANIFEST');
    for (const encoding of ['br', 'gzip']) {
      const copy = await fetch(`${server.url}/sw.js`, { headers: { 'accept-encoding': encoding } });
      expect(copy.headers.get('content-encoding')).toBe(encoding);
      expect(copy.headers.get('cache-control')).toBe('no-cache');
      expect(await copy.text()).toBe(sw);
    }

    // a large JSON answer (the OpenAPI document) is compressed per request; node's fetch sees the raw header
    const api = await fetch(`${server.url}/openapi.json`, { headers: { 'accept-encoding': 'gzip' } });
    expect(api.headers.get('content-encoding')).toBe('gzip');
    expect(JSON.parse(await api.text()).openapi).toBe('3.0.3');
    // a small one is not worth it
    const small = await fetch(`${server.url}/healthz`, { headers: { 'accept-encoding': 'gzip' } });
    expect(small.headers.get('content-encoding')).toBeNull();
  });

  it("keeps a citizen's first QR within the JavaScript budget and never downloads staff screens", async () => {
    const { context, page, problems } = await openPage(browser, server.url, { width: 360, height: 740 });
    const scripts: Array<{ url: string; encoded: number; encoding: string | null }> = [];
    page.on('requestfinished', (request) => {
      if (request.resourceType() !== 'script') return;
      void request.sizes().then(async (sizes) => {
        const response = await request.response();
        scripts.push({
          url: request.url(),
          encoded: sizes.responseBodySize,
          encoding: (await response?.allHeaders())?.['content-encoding'] ?? null,
        });
      });
    });
    await citizenSignIn(page, server.url, adminToken, randomPhone());
    await page.getByRole('img', { name: /^Mã QR cá nhân của/ }).waitFor();
    await page.waitForLoadState('networkidle');

    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(s.encoding, s.url).toBe('br');
    const total = scripts.reduce((sum, s) => sum + s.encoded, 0);
    // brotli is smaller than the gzip the budget is set in, so this holds whenever the build's check held
    expect(total).toBeLessThanOrEqual(CITIZEN_ENTRY_BUDGET_BYTES);
    expect(scripts.filter((s) => /StaffPages|GraphPage/.test(s.url))).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
