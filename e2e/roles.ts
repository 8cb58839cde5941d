/**
 * What the role-home, administration and accessibility journeys share: the demo province's accounts (their
 * passwords from the start banner), the two screen sizes and two languages every journey runs in, and signing in
 * through the UI in either language.
 */
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { documentWidth, type OpenPage, openPage } from './browser.ts';
import type { TestServer } from './server.ts';

export type Lang = 'vi' | 'en';

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1366, height: 800 };

/** The four ways every journey runs: a phone and a desktop, Vietnamese and English. */
export const VARIANTS: Array<{ name: string; lang: Lang; viewport: { width: number; height: number } }> = [
  { name: 'vi-360', lang: 'vi', viewport: PHONE },
  { name: 'en-360', lang: 'en', viewport: PHONE },
  { name: 'vi-desktop', lang: 'vi', viewport: DESKTOP },
  { name: 'en-desktop', lang: 'en', viewport: DESKTOP },
];

/** The sign-in page's texts in each language. */
const SIGN_IN = {
  vi: { tab: 'Cán bộ', username: 'Tên đăng nhập', password: 'Mật khẩu', button: 'Đăng nhập', home: 'Trang chủ' },
  en: { tab: 'Staff', username: 'Username', password: 'Password', button: 'Sign in', home: 'Home' },
} as const;

/** A demo account's password, read from the start banner (`  leader.dongnai   <password>   leader @ 75`). */
export function demoPassword(server: TestServer, username: string): string {
  const escaped = username.replace(/\./g, '\\.');
  const password = new RegExp(`^ {2}${escaped} +(\\S+) +\\S+ @ \\S+$`, 'm').exec(server.output())?.[1];
  expect(password, `${username} in the banner:\n${server.output()}`).toBeTruthy();
  return password as string;
}

/** A page in the language and at the size asked for (the language is the app's stored choice). */
export async function openIn(
  browser: Browser,
  server: TestServer,
  lang: Lang,
  viewport: { width: number; height: number },
): Promise<OpenPage> {
  const opened = await openPage(browser, server.url, viewport);
  await opened.context.addInitScript((l) => window.localStorage.setItem('truyvet.lang', l), lang);
  return opened;
}

/** Staff sign-in through the UI in `lang`; ends on the home page. */
export async function signIn(page: Page, lang: Lang, username: string, password: string): Promise<void> {
  const t = SIGN_IN[lang];
  await page.goto('/');
  await page.getByRole('tab', { name: t.tab }).click();
  await page.getByLabel(t.username).fill(username);
  await page.getByLabel(t.password, { exact: true }).fill(password);
  await page.getByRole('button', { name: t.button, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: t.home }).waitFor();
}

/** At 360 px nothing may scroll sideways. */
export async function expectNoSideScroll(page: Page, viewport: { width: number }): Promise<void> {
  if (viewport.width <= 360) expect(await documentWidth(page)).toBeLessThanOrEqual(viewport.width);
}
