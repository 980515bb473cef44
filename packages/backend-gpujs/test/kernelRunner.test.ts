import { counterUniforms } from '@fedtune/core';
import { expect, it } from 'vitest';
import { GpujsBackend } from '../src/index.js';
import { describeWithGpu } from './support/gpuTests.js';

/** Calls every kernel once on vectors of `n` (and n×n-ish matrices). */
function callEveryKernel(backend: GpujsBackend, n: number): void {
  const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 10);
  const y = Float32Array.from({ length: n }, (_, i) => Math.cos(i));
  backend.matmul(x, y, { m: 1, k: n, n: 1 });
  backend.axpy(0.5, x, y);
  backend.scale(2, x);
  backend.weightedSum([x, y], [0.25, 0.75]);
  backend.dot(x, y);
  backend.norm2(x);
  backend.normInf(x);
  backend.pairwiseSquaredEuclidean(x, 1, n);
  backend.pairwiseCosine(x, 1, n);
  const codes = backend.stochasticQuantize(x, 15, counterUniforms({ seed: 1, round: 0, client: 0, stream: 3 }, n));
  backend.stochasticDequantize(codes, 15);
  const grid = backend.gridQuantize(x, y, 4);
  backend.gridDequantize(grid, y, 4);
  const mask = backend.topKMask(x, Math.ceil(n / 3));
  backend.magnitudeMask(x, 1);
  backend.maskedApply(x, mask);
  backend.unpackBits(backend.packBits(grid.codes, 20), 20, n);
}

describeWithGpu('compiled kernels', () => {
  it('are built once per kernel and reused at every size', () => {
    const backend = new GpujsBackend({ mode: 'headlessgl' });
    try {
      callEveryKernel(backend, 5);
      const afterFirstSize = backend.compiledKernelCount;
      // 19 kernels: the 17 Backend methods use 19 gpu.js kernels (top-k uses three).
      expect(afterFirstSize).toBe(19);
      for (const n of [1, 97, 1000, 20_011]) callEveryKernel(backend, n);
      expect(backend.compiledKernelCount).toBe(afterFirstSize);
    } finally {
      backend.dispose();
    }
  });
});
