import { defineConfig } from 'vitest/config';

/** Browser tests: the real server on a demo database, driven in Debian's Chromium. Run one file at a time. */
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/e2e/**/*.e2e.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 600_000,
    globalSetup: ['test/e2e/support/global-setup.ts'],
  },
});
