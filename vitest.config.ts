import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code (packages/*/src/**/*.test.ts); end-to-end tests that run
// the built bins on generated media live in test/. Two cores: at most two test files at once.
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'fixtures/src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 180_000,
    hookTimeout: 300_000,
    reporters: ['default'],
  },
});
