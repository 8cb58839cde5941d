/**
 * Vite build of the web app: root is src/web, output is <repo>/dist/web, which the server serves statically.
 * The hand-written service worker (public/sw.js) gets the list of built files and a build id injected after the
 * bundle is written, so each build installs a fresh app-shell cache and drops the old one.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { CITIZEN_ENTRY_BUDGET_BYTES } from './budget.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../../dist/web', import.meta.url));

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : [full];
  });
}

/** Fills the PRECACHE list and BUILD id of dist/web/sw.js from the files actually written. */
function serviceWorkerManifest(): Plugin {
  return {
    name: 'truyvet-sw-manifest',
    apply: 'build',
    closeBundle() {
      const swPath = join(outDir, 'sw.js');
      const files = listFiles(outDir)
        .map((f) => `/${relative(outDir, f).split(sep).join('/')}`)
        .filter((f) => f !== '/sw.js' && !/\.(map|br|gz)$/.test(f))
        .sort();
      const hash = createHash('sha256');
      for (const f of files) hash.update(f).update(readFileSync(join(outDir, f)));
      const build = hash.digest('hex').slice(0, 12);
      const source = readFileSync(swPath, 'utf8')
        .replace(/\/\*PRECACHE\*\/[\s\S]*?\/\*END\*\//, JSON.stringify(['/', ...files]))
        .replace('__TRUYVET_BUILD__', build);
      writeFileSync(swPath, source);
    },
  };
}

const gzipSize = (bytes: Buffer) => gzipSync(bytes, { level: 9 }).length;

/**
 * Prints the gzip size of the citizen entry (index.html's module script and modulepreloads) and fails the build
 * above CITIZEN_ENTRY_BUDGET_BYTES, so a heavy import into the citizen's first screen cannot land unnoticed.
 */
function entryBudget(): Plugin {
  return {
    name: 'truyvet-entry-budget',
    apply: 'build',
    closeBundle() {
      const html = readFileSync(join(outDir, 'index.html'), 'utf8');
      const files = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\/([^"]+\.js)"/g)]
        .map((m) => m[1] as string)
        .filter((f, i, all) => all.indexOf(f) === i);
      const total = files.reduce((sum, f) => sum + gzipSize(readFileSync(join(outDir, f))), 0);
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
      console.log(
        `citizen entry: ${kb(total)} of JavaScript gzip in ${files.length} files (budget ${kb(CITIZEN_ENTRY_BUDGET_BYTES)})`,
      );
      if (total > CITIZEN_ENTRY_BUDGET_BYTES) {
        throw new Error(`the citizen entry is ${kb(total)} gzip, over its ${kb(CITIZEN_ENTRY_BUDGET_BYTES)} budget`);
      }
    },
  };
}

/**
 * Writes `<file>.br` and `<file>.gz` beside every text asset, so the server sends compressed files without
 * compressing per request (@fastify/static preCompressed). node:zlib does both; a plugin dependency would only
 * wrap these two calls.
 */
function precompress(): Plugin {
  return {
    name: 'truyvet-precompress',
    apply: 'build',
    closeBundle() {
      for (const file of listFiles(outDir)) {
        // sw.js is rewritten by the service-worker plugin in this same phase: never compress a copy of it that
        // could predate the rewrite (it is a few KB and must always be current)
        if (!/\.(js|css|html|svg|json|webmanifest|txt)$/.test(file) || file === join(outDir, 'sw.js')) continue;
        const bytes = readFileSync(file);
        if (bytes.length < 1024) continue;
        writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(bytes, {
            params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length },
          }),
        );
      }
    },
  };
}

export default defineConfig({
  root,
  publicDir: join(root, 'public'),
  base: '/',
  // order matters: the service worker's file list is taken before the .br/.gz copies exist
  plugins: [react(), serviceWorkerManifest(), entryBudget(), precompress()],
  build: { outDir, emptyOutDir: true, sourcemap: false, target: 'es2022' },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
