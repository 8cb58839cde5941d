#!/usr/bin/env node
// Entry point of the `truyvet` CLI: runs the compiled server in dist/server (`npm run build`). A checkout that has
// not been built can run the TypeScript sources with `npm run dev` (bin/truyvet-dev.js).
import { existsSync } from 'node:fs';

const main = new URL('../dist/server/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('truyvet: the server is not built; run `npm run build` first (or `npm run dev` to run from source)');
  process.exit(1);
}
await import(main.href);
