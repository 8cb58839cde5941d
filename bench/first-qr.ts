/**
 * bench/first-qr: how long a signed-in citizen waits for their personal QR on a cold start (empty cache, no service
 * worker) — on this machine, and on an emulated cheap phone (1.6 Mbps down, 750 kbps up, 150 ms RTT, 4× CPU
 * slowdown: Chromium's DevTools throttling). In one run, against the compiled server and built web app:
 *   baseline  the same cold start on the slow phone with compression refused (Accept-Encoding: identity)
 *   measured  the cold start on the slow phone as it ships (brotli)
 * Prints the median of --runs cold starts each, the bytes of JavaScript received, and measured/baseline.
 * Needs `npm run build` and Chromium (/usr/bin/chromium or CHROMIUM_PATH).
 *   node bin/run-ts.js bench/first-qr.ts [--runs 5]
 */
import { apiStaffLogin, latestOtp, launchBrowser, outboxMark, randomPhone } from '../e2e/browser.ts';
import { startServer } from '../e2e/server.ts';
import { argNumber } from './lib.ts';

const runs = argNumber('runs', 5);
const SLOW_PHONE = { latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 };

const server = await startServer();
const browser = await launchBrowser();
try {
  const adminToken = await apiStaffLogin(server.url, 'admin', server.adminPassword);
  const phone = randomPhone();
  const since = await outboxMark(server.url, adminToken, phone);
  await fetch(`${server.url}/api/v1/auth/citizen/otp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone }),
  });
  const code = await latestOtp(server.url, adminToken, phone, since);
  const verified = await fetch(`${server.url}/api/v1/auth/citizen/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone, code }),
  });
  const { token } = (await verified.json()) as { token: string };

  /** One cold start: a fresh browser context, so no HTTP cache and no service worker. */
  async function coldStart(slow: boolean, identity: boolean): Promise<{ ms: number; scriptBytes: number }> {
    const context = await browser.newContext({
      baseURL: server.url,
      viewport: { width: 360, height: 740 },
      locale: 'vi-VN',
      serviceWorkers: 'block',
      ...(identity ? { extraHTTPHeaders: { 'accept-encoding': 'identity' } } : {}),
    });
    await context.addCookies([{ name: 'tv_session', value: token, url: server.url }]);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    if (slow) {
      await cdp.send('Network.emulateNetworkConditions', { offline: false, ...SLOW_PHONE });
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    }
    let scriptBytes = 0;
    cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => {
      scriptBytes += e.encodedDataLength;
    });
    const started = performance.now();
    await page.goto('/');
    await page.getByRole('img', { name: /^Mã QR cá nhân của/ }).waitFor({ timeout: 120_000 });
    const ms = performance.now() - started;
    await context.close();
    return { ms, scriptBytes };
  }

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const scenarios = [
    { name: 'this machine, brotli', slow: false, identity: false },
    { name: 'slow phone, uncompressed (baseline)', slow: true, identity: true },
    { name: 'slow phone, brotli (measured)', slow: true, identity: false },
  ];
  const results: Array<{ name: string; ms: number; kb: number }> = [];
  for (const s of scenarios) {
    await coldStart(s.slow, s.identity); // warm the server's own caches, not the browser's
    const samples = [];
    for (let i = 0; i < runs; i++) samples.push(await coldStart(s.slow, s.identity));
    results.push({
      name: s.name,
      ms: median(samples.map((x) => x.ms)),
      kb: median(samples.map((x) => x.scriptBytes)) / 1024,
    });
  }
  console.log(`\ncold start to the personal QR, median of ${runs} (bytes: everything received)`);
  for (const r of results)
    console.log(`  ${r.name.padEnd(40)} ${r.ms.toFixed(0).padStart(6)} ms  ${r.kb.toFixed(0)} KB`);
  const [, baseline, measured] = results as [unknown, { ms: number }, { ms: number }];
  console.log(`ratio measured/baseline (time): ${(measured.ms / baseline.ms).toFixed(2)}`);
} finally {
  await browser.close();
  await server.stop();
}
