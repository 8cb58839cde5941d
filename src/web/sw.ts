/**
 * Truyvet service worker, made of Workbox modules and built by vite-plugin-pwa (injectManifest, vite.config.ts),
 * which compiles this file to dist/web/sw.js and writes the list of built files with their revisions where
 * `self.__WB_MANIFEST` stands.
 *
 * - The app shell (index.html, the hashed assets, icons, manifest) is precached, so the app starts offline after a
 *   first visit. A new deployment is a new sw.js (the list changes): it installs the new files, takes over at once
 *   and removes the files the new list no longer has.
 * - Pages go to the network first, so a new deployment shows at once; offline, the precached index.html answers.
 * - Nothing else is cached: API answers (/api/), the API docs, /openapi.json and the health checks carry personal
 *   data or must be fresh, and no route here ever matches them.
 *
 * Typed without the WebWorker lib (the project compiles against the DOM lib): the few worker globals used here are
 * declared below.
 */
import { clientsClaim, setCacheNameDetails } from 'workbox-core';
import { enable as enableNavigationPreload } from 'workbox-navigation-preload';
import {
  cleanupOutdatedCaches,
  type PrecacheEntry,
  PrecacheFallbackPlugin,
  precacheAndRoute,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { NetworkOnly } from 'workbox-strategies';

interface ExtendableEventLike extends Event {
  waitUntil(promise: Promise<unknown>): void;
}

declare const self: {
  __WB_MANIFEST: Array<PrecacheEntry | string>;
  location: Location;
  skipWaiting(): Promise<void>;
  addEventListener(type: 'activate', listener: (event: ExtendableEventLike) => void): void;
};

/** Paths never answered from a cache: personal data, or answers that must be fresh. */
const NEVER_CACHE = ['/api/', '/docs', '/openapi.json', '/healthz', '/readyz'];
const SHELL = '/index.html';

// caches named truyvet-precache-v2-<scope>, told apart from other apps' on a shared origin
setCacheNameDetails({ prefix: 'truyvet' });

const pathOf = (url: string) => new URL(url, self.location.href).pathname;
const neverCached = (path: string) => NEVER_CACHE.some((prefix) => path.startsWith(prefix));

// Pages: network first (navigation preload starts the request while this worker wakes up), the precached shell when
// the network fails. Registered before the precache route, which would otherwise answer "/" from the cache.
enableNavigationPreload();
registerRoute(
  new NavigationRoute(new NetworkOnly({ plugins: [new PrecacheFallbackPlugin({ fallbackURL: SHELL })] }), {
    denylist: NEVER_CACHE.map((prefix) => new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)),
  }),
);

// The app shell: cache first (hashed names never change; the others carry a revision). The build only lists files of
// dist/web, never an API path; the filter keeps it so whatever the build's globs become.
precacheAndRoute(
  self.__WB_MANIFEST.filter((entry) => !neverCached(pathOf(typeof entry === 'string' ? entry : entry.url))),
);
cleanupOutdatedCaches();

// A new deployment takes over without waiting for every tab to close, as the hand-written worker did.
void self.skipWaiting();
clientsClaim();

// The hand-written worker this one replaces kept the shell in caches named truyvet-shell-<build>: drop them.
self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('truyvet-shell-')).map((k) => caches.delete(k)))),
  );
});
