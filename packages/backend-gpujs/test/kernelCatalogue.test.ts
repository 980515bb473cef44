import { expect, it } from 'vitest';
import * as bitKernels from '../src/kernels/bitKernels.js';
import { KERNEL_CATALOGUE } from '../src/kernels/catalogue.js';
import * as maskKernels from '../src/kernels/maskKernels.js';
import * as matrixKernels from '../src/kernels/matrixKernels.js';
import * as quantizeKernels from '../src/kernels/quantizeKernels.js';
import * as reductionKernels from '../src/kernels/reductionKernels.js';
import * as vectorKernels from '../src/kernels/vectorKernels.js';
import type { KernelSpec } from '../src/runtime/kernelRunner.js';

it('lists every kernel the kernel families define, under its own name, for the WebGPU kernel host', () => {
  const defined = [bitKernels, maskKernels, matrixKernels, quantizeKernels, reductionKernels, vectorKernels]
    .flatMap((module) => Object.values(module))
    .filter((value): value is KernelSpec => typeof (value as { source?: unknown }).source === 'function');
  expect(defined).toHaveLength(19);
  expect([...KERNEL_CATALOGUE.values()].sort((a, b) => a.name.localeCompare(b.name))).toEqual(
    defined.sort((a, b) => a.name.localeCompare(b.name))
  );
  for (const [name, spec] of KERNEL_CATALOGUE) expect(spec.name).toBe(name);
});
