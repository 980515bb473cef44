import { defineConfig } from 'vitest/config';

export default defineConfig({
  oxc: { decorator: { legacy: true } },
  test: {
    setupFiles: ['reflect-metadata'],
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
