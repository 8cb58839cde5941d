import { defineConfig } from 'vitest/config';

// Browser journeys through the real UI (e2e/). Each file starts its own server on a fresh database, and files
// run one after another: a Chromium plus a server each is plenty for one machine. Build first (`npm run build`:
// the journeys run the compiled server with the built web app).
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
    maxWorkers: 1,
  },
});
