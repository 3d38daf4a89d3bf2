import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // tests/browser: the personal tab in Debian's Chromium (playwright-core, /usr/bin/chromium).
    include: ['tests/**/*.test.ts', 'tests/browser/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
