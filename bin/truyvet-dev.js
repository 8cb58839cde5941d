#!/usr/bin/env node
// The `truyvet` CLI from the TypeScript sources, through tsx's loader: `npm run dev`, the server test suites and the
// benchmarks use it so they always run the code as it is in the checkout. Production runs the build (bin/truyvet.js).
import { register } from 'tsx/esm/api';

register();
await import('../src/server/main.ts');
