import type { KernelRunner } from './kernelRunner.js';

/** What the kernel families share: the compiled kernels and the size limits of one call. */
export interface GpuContext {
  readonly runner: KernelRunner;
  /** Most threads of a 1-D output in one call. */
  readonly threadsPerCall: number;
  /** Largest side of a 2-D output tile, and of the textures gpu.js lays vectors out in. */
  readonly tileSide: number;
  /** Most values one array argument may hold (gpu.js packs four float32 per texel). */
  readonly valuesPerUpload: number;
}
