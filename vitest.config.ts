import { defineConfig } from 'vitest/config';

// Server unit + integration tests. Each test file builds its own app on a fresh database (PGlite in memory,
// or a fresh PostgreSQL database when TEST_DATABASE_URL is set), so files run in parallel safely.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['e2e/**', 'node_modules/**'],
    // on PGlite, the migrated cluster each file's database starts from (test/global-setup.ts)
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
