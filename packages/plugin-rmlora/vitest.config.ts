import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // Hooks start worker pools and load bases: on a busy machine they wait for the cores, not for a clock.
    hookTimeout: 120_000,
    // Loading @fedtune/core (tfjs) and fast-check dominates the run; files share them per worker.
    // Safe here: every file that trains picks its tfjs backend in beforeAll.
    isolate: false,
    // The JSON report feeds the repository's test summary.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
