/**
 * Vite build of the web app: root is src/web, output is <repo>/dist/web, which the server serves statically.
 * The hand-written service worker (public/sw.js) gets the list of built files and a build id injected after the
 * bundle is written, so each build installs a fresh app-shell cache and drops the old one.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

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
        .filter((f) => f !== '/sw.js' && !f.endsWith('.map'))
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

export default defineConfig({
  root,
  publicDir: join(root, 'public'),
  base: '/',
  plugins: [react(), serviceWorkerManifest()],
  build: { outDir, emptyOutDir: true, sourcemap: false, target: 'es2022' },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
