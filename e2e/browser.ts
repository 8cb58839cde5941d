/** Chromium (Debian's, never downloaded) and small helpers the journeys share. */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';

const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface OpenPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and CSP violations seen so far: a journey ends by asserting there are none. */
  problems: string[];
}

export async function openPage(
  browser: Browser,
  baseURL: string,
  viewport: { width: number; height: number } = { width: 1280, height: 900 },
  /** the device's time zone (default: the machine's): the app shows and reads times in Việt Nam time whatever it is */
  timezoneId?: string,
): Promise<OpenPage> {
  // E2E_TIMEZONE runs every page in that zone: an audit that the app reads and shows Việt Nam time whatever the
  // device's zone is
  const zone = timezoneId ?? process.env.E2E_TIMEZONE;
  const context = await browser.newContext({
    baseURL,
    viewport,
    locale: 'vi-VN',
    ...(zone ? { timezoneId: zone } : {}),
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) {
      problems.push(`console: ${message.text()}`);
    }
  });
  return { context, page, problems };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

/** A random Vietnamese mobile number (09xxxxxxxx), so reruns against a kept database never collide. */
export function randomPhone(): string {
  return `09${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
}

export function internationalPhone(local: string): string {
  return `+84${local.slice(1)}`;
}

export function randomSuffix(): string {
  return Math.random().toString(36).slice(2, 8);
}

/** Staff sign-in through the API; returns the bearer token. */
export async function apiStaffLogin(baseURL: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${baseURL}/api/v1/auth/staff/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`staff login failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

type OutboxMessage = { id: number; text: string };

async function outbox(baseURL: string, adminToken: string, phone: string): Promise<OutboxMessage[]> {
  const response = await fetch(`${baseURL}/api/v1/dev/outbox?to=${encodeURIComponent(internationalPhone(phone))}`, {
    headers: { authorization: `Bearer ${adminToken}` },
  });
  if (response.status !== 200) throw new Error(`outbox read failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as OutboxMessage[];
}

/**
 * Where the phone's outbox stands before a code is asked for: pass it to `latestOtp` as `since`, and only a message
 * recorded after it counts. (A time "a second ago" also matched the code of a sign-in made less than a second before —
 * already spent — when the new code's message was not recorded yet: a sign-in that failed on a fast machine.)
 */
export async function outboxMark(baseURL: string, adminToken: string, phone: string): Promise<{ afterId: number }> {
  const messages = await outbox(baseURL, adminToken, phone);
  return { afterId: Math.max(0, ...messages.map((m) => m.id)) };
}

/**
 * The newest one-time code the fake SMS adapter sent to `phone` (read from the dev outbox as admin), recorded after
 * `since`: an `outboxMark` taken before the code was asked for.
 */
export async function latestOtp(
  baseURL: string,
  adminToken: string,
  phone: string,
  since: { afterId: number },
): Promise<string> {
  // codes are delivered by the job worker, and the phone may have other messages (F1 notices): wait for a code
  // message recorded after `since`
  let messages: OutboxMessage[] = [];
  for (let attempt = 0; attempt < 75; attempt++) {
    messages = await outbox(baseURL, adminToken, phone);
    const latest = messages.find((m) => m.text.startsWith('Ma xac thuc') && m.id > since.afterId);
    const code = latest?.text.match(/\b(\d{6})\b/)?.[1];
    if (code) return code;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no code in the outbox for ${phone}: ${JSON.stringify(messages)}`);
}

/**
 * Signs a citizen in through the API (a code asked for, read from the outbox, verified): their token and person id.
 * Fails when the code is not sent (202) or not accepted (200).
 */
export async function apiCitizenSignIn(
  baseURL: string,
  adminToken: string,
  phone: string,
): Promise<{ token: string; personId: string }> {
  const post = (path: string, body: unknown) =>
    fetch(`${baseURL}/api/v1/auth/citizen/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const since = await outboxMark(baseURL, adminToken, phone);
  const sent = await post('otp', { phone });
  if (sent.status !== 202) throw new Error(`code request failed: ${sent.status} ${await sent.text()}`);
  const code = await latestOtp(baseURL, adminToken, phone, since);
  const verified = await post('verify', { phone, code });
  if (verified.status !== 200) throw new Error(`code verification failed: ${verified.status} ${await verified.text()}`);
  const { token, person } = (await verified.json()) as { token: string; person: { personId: string } };
  return { token, personId: person.personId };
}

/** Citizen sign-in through the UI, reading the code from the outbox; ends on the QR page. */
export async function citizenSignIn(page: Page, baseURL: string, adminToken: string, phone: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Số điện thoại').fill(phone);
  const since = await outboxMark(baseURL, adminToken, phone);
  await page.getByRole('button', { name: 'Gửi mã xác thực' }).click();
  await page.getByLabel('Mã xác thực').waitFor();
  const code = await latestOtp(baseURL, adminToken, phone, since);
  await page.getByLabel('Mã xác thực').fill(code);
  await page.getByRole('button', { name: 'Xác nhận' }).click();
  await page.getByRole('heading', { level: 1, name: 'Mã QR cá nhân' }).waitFor();
}

/** Whether the document is wider than the viewport (horizontal scrolling). */
export async function documentWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

/**
 * Waits until `item` has left the page after an action on it (a decision, a removal). Fails at once with the page's
 * words when an alert shows inside the item instead, and after `timeout` with the item's text — so a refusal or a
 * request that never came back reads as itself in the report, not as a bare time-out.
 */
export async function waitGone(item: Locator, timeout = 30_000): Promise<void> {
  const alert = item.getByRole('alert');
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if ((await item.count()) === 0) return;
    if ((await alert.count()) > 0) throw new Error(`the page refused: ${await alert.first().textContent()}`);
    await item.page().waitForTimeout(100);
  }
  throw new Error(`still on the page after ${timeout} ms: ${await item.first().textContent()}`);
}

/**
 * A bad connection for the next write to `url` (a glob): it reaches the server and is answered `status`, then its
 * answer is lost on the way back (the connection reset in the browser). Later requests go through as they are; the
 * answer of the first is checked against `status`. `unroute(url)` after the journey's retry ends it.
 */
export async function loseFirstAnswer(page: Page, url: string, status = 201): Promise<void> {
  let lost = false;
  await page.route(url, async (route) => {
    if (lost) return route.continue();
    lost = true;
    const answer = await route.fetch();
    if (answer.status() !== status) throw new Error(`${url} answered ${answer.status()}, not ${status}`);
    await route.abort('connectionreset');
  });
}

/** A JSON API call with a bearer token; returns status and parsed body. */
export async function apiCall<T = unknown>(
  baseURL: string,
  token: string,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseURL}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** A staff account made by an admin through the API (`POST /staff`); fails the test with the answer unless 201. */
export async function createStaff(
  baseURL: string,
  adminToken: string,
  account: { username: string; password: string; role: string; unitCode: string; displayName?: string },
): Promise<void> {
  const created = await apiCall(baseURL, adminToken, 'POST', '/staff', account);
  if (created.status !== 201)
    throw new Error(`POST /staff answered ${created.status}: ${JSON.stringify(created.body)}`);
}

/**
 * People who met at a market some hours ago, as tracing finds them: the first registers the market (a citizen's own
 * venue), its door scanned their personal QR codes at the given times, and the door's offline queue was synced later by
 * a staff account (only staff and commune-verified venues may send past times). Returns the market's id.
 */
export async function metAtMarket(
  baseURL: string,
  adminToken: string,
  market: { name: string; unitCode: string; address: string },
  visits: Array<{ token: string; at: number }>,
): Promise<string> {
  const [owner] = visits;
  if (!owner) throw new Error('metAtMarket needs at least one visit');
  const venue = await apiCall<{ id: string }>(baseURL, owner.token, 'POST', '/venues', {
    ...market,
    category: 'market_supermarket_mall_shop',
    defaultStayMinutes: 90,
  });
  if (venue.status !== 201) throw new Error(`market not registered: ${venue.status} ${JSON.stringify(venue.body)}`);
  const items = [];
  for (const visit of visits) {
    const qr = await apiCall<{ qr: string }>(baseURL, visit.token, 'GET', '/me/qr');
    if (qr.status !== 200) throw new Error(`no personal QR: ${qr.status} ${JSON.stringify(qr.body)}`);
    items.push({
      idempotencyKey: `e2e-${randomSuffix()}-${randomSuffix()}`,
      venueId: venue.body.id,
      personQr: qr.body.qr,
      at: new Date(visit.at).toISOString(),
    });
  }
  const synced = await apiCall<{ accepted: number }>(baseURL, adminToken, 'POST', '/checkins/batch', { items });
  if (synced.body.accepted !== visits.length) throw new Error(`scans not synced: ${JSON.stringify(synced.body)}`);
  return venue.body.id;
}

/** Staff sign-in through the UI's staff tab (Vietnamese). */
export async function staffSignIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByRole('tab', { name: 'Cán bộ' }).click();
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
}

/**
 * axe-core's serious and critical violations on the page as it is (as e2e/a11y checks every page; e2e/checkins and
 * e2e/greenpass run it on the door scanner's results).
 */
export async function seriousViolations(page: Page): Promise<Array<{ id: string; nodes: string[] }>> {
  await page.evaluate(readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));
  return page.evaluate(async () => {
    interface AxeResult {
      violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: string[] }> }>;
    }
    const axe = (window as unknown as { axe: { run: (c: Document, o: object) => Promise<AxeResult> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
}
