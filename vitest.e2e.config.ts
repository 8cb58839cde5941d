import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Browser journeys through the real UI (e2e/). Each file starts its own server on a fresh data directory and its own
// Chromium, so files are independent: two run at once on a machine with two cores or more (a 2-core machine ran the
// suite in 416 s against 669 s one at a time, every test passing). Build first (`npm run build`: the journeys run
// the compiled server with the built web app).
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // expect.poll's own default (1 s) is shorter than a server's answer on a loaded CI machine: polls that wait for
    // the page to catch up get 15 s unless they say otherwise
    expect: { poll: { timeout: 15_000 } },
    fileParallelism: true,
    pool: 'forks',
    maxWorkers: Math.min(2, availableParallelism()),
  },
});
