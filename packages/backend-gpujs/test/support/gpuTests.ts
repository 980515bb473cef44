import { describe, it } from 'vitest';

/**
 * Whether the GPU tests were explicitly switched off with FEDTUNE_SKIP_GPU=1. Without it, a
 * machine that cannot open a GPU context fails these tests with the backend's message.
 */
export const GPU_TESTS_SKIPPED = process.env.FEDTUNE_SKIP_GPU === '1';

/** Registers `body` as a describe block, or one skipped test saying why when GPU tests are off. */
export function describeWithGpu(title: string, body: () => void): void {
  if (GPU_TESTS_SKIPPED) {
    describe.skip(title, () => {
      it('needs a GPU context (FEDTUNE_SKIP_GPU=1 is set)', () => {});
    });
  } else {
    describe(title, body);
  }
}
