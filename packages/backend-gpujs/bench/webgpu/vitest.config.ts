import { defineConfig } from 'vitest/config';

// The WebGPU benchmark only (see run.ts); `npm test` never runs it.
export default defineConfig({
  test: {
    include: ['bench/webgpu/run.ts'],
    testTimeout: 1_200_000,
  },
});
