// The Web Worker of the WebGPU benchmark: a gpujs:webgpu backend whose kernels the page serves.
// Each case is run once and held to the reference (float results within the kit's tolerances,
// integer results identical), then timed. The adapter is reported, so that figures from a
// software adapter are labelled as what they are.
import { counterUniforms, ReferenceBackend } from '@fedtune/core';
import { assertAgrees } from '../../test/browser/agreement.js';
import type { KernelCall } from '../../test/browser/wire.js';
import { GpujsBackend } from '../../src/gpujsBackend.js';
import { connectWebGpuKernelHost } from '../../src/webgpu/hostConnection.js';

/** What the driver asks for: vector lengths, square matmul sides, pairwise row widths. */
export interface BenchTask {
  vectorSizes: number[];
  matmulSides: number[];
  pairwiseWidths: number[];
}

/** One measured case. */
export interface BenchRow {
  kernel: string;
  size: string;
  /** Median wall time of one call in the worker, its wait for the page included. */
  milliseconds: number;
  /** Why the result disagreed with the reference; absent when it agreed. */
  disagreement?: string;
}

export type BenchReport =
  | { name: string; adapter: Record<string, string>; rows: BenchRow[] }
  | { error: string };

const PAIRWISE_ROWS = 32;
const REPETITIONS = 3;
const reference = new ReferenceBackend();

const scope = globalThis as unknown as {
  navigator: { gpu?: { requestAdapter(): Promise<{ info: Record<string, string> } | null> } };
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  addEventListener(type: 'message', listener: (event: { data: BenchTask }) => void): void;
};

let stream = 0;
function signedVector(length: number): Float32Array {
  return counterUniforms({ seed: 2024, round: 0, client: 0, stream: 1000 + stream++ }, length).map((u) => 2 * u - 1);
}

/** The calls of every case, with the kernel name and size they are reported under. */
function cases({ vectorSizes, matmulSides, pairwiseWidths }: BenchTask): { size: string; call: KernelCall }[] {
  const list: { size: string; call: KernelCall }[] = [];
  for (const n of vectorSizes) {
    const [x, y, center] = [signedVector(n), signedVector(n), signedVector(n)];
    const uniforms = counterUniforms({ seed: 2024, round: 1, client: 0, stream: 3 }, n);
    const grid = reference.gridQuantize(x, center, 4);
    const codes = grid.codes.map((code, i) => (code + i) % 32);
    const size = n.toExponential(0).replace('+', '');
    list.push(
      ...(
        [
          { method: 'axpy', args: [0.5, x, y] },
          { method: 'scale', args: [0.5, x] },
          { method: 'weightedSum', args: [[x, y, center, x], [0.25, 0.25, 0.25, 0.25]] },
          { method: 'dot', args: [x, y] },
          { method: 'norm2', args: [x] },
          { method: 'normInf', args: [x] },
          { method: 'stochasticQuantize', args: [x, 15, uniforms] },
          { method: 'stochasticDequantize', args: [reference.stochasticQuantize(x, 15, uniforms), 15] },
          { method: 'gridQuantize', args: [x, center, 4] },
          { method: 'gridDequantize', args: [grid, center, 4] },
          { method: 'topKMask', args: [x, Math.max(1, Math.floor(n / 100))] },
          { method: 'magnitudeMask', args: [x, 0.9] },
          { method: 'maskedApply', args: [x, reference.magnitudeMask(x, 0.5)] },
          { method: 'packBits', args: [codes, 5] },
          { method: 'unpackBits', args: [reference.packBits(codes, 5), 5, n] },
        ] satisfies KernelCall[]
      ).map((call) => ({ size, call }))
    );
  }
  for (const side of matmulSides) {
    const args = [signedVector(side * side), signedVector(side * side), { m: side, k: side, n: side }];
    list.push({ size: `${side}³`, call: { method: 'matmul', args } });
  }
  for (const width of pairwiseWidths) {
    const rows = signedVector(PAIRWISE_ROWS * width);
    const size = `${PAIRWISE_ROWS}×${width}`;
    list.push(
      { size, call: { method: 'pairwiseSquaredEuclidean', args: [rows, PAIRWISE_ROWS, width] } },
      { size, call: { method: 'pairwiseCosine', args: [rows, PAIRWISE_ROWS, width] } }
    );
  }
  return list;
}

function measure(backend: GpujsBackend, size: string, call: KernelCall): BenchRow {
  const kernel = (backend as unknown as Record<string, (...values: unknown[]) => unknown>)[call.method]!;
  const run = (): unknown => kernel.apply(backend, [...call.args]);
  let disagreement: string | undefined;
  try {
    assertAgrees(call, run());
  } catch (error) {
    disagreement = (error as Error).message;
  }
  const times = Array.from({ length: REPETITIONS }, () => {
    const start = performance.now();
    run();
    return performance.now() - start;
  }).sort((a, b) => a - b);
  const row: BenchRow = { kernel: call.method, size, milliseconds: times[Math.floor(REPETITIONS / 2)]! };
  return disagreement === undefined ? row : { ...row, disagreement };
}

async function bench(task: BenchTask): Promise<BenchReport> {
  const adapter = await scope.navigator.gpu?.requestAdapter();
  connectWebGpuKernelHost(scope);
  const backend = new GpujsBackend({ mode: 'webgpu' });
  try {
    const rows = cases(task).map(({ size, call }) => measure(backend, size, call));
    return { name: backend.name, adapter: { ...adapterInfo(adapter?.info) }, rows };
  } finally {
    backend.dispose();
  }
}

/** GPUAdapterInfo's fields are getters on its prototype: copied one by one to survive postMessage. */
function adapterInfo(info: Record<string, string> | undefined): Record<string, string> {
  if (info === undefined) return {};
  const fields = ['vendor', 'architecture', 'device', 'description'];
  return Object.fromEntries(fields.map((key) => [key, String(info[key] ?? '')]));
}

scope.addEventListener('message', (event) => {
  bench(event.data).then(
    (report) => scope.postMessage(report, []),
    (error: unknown) =>
      scope.postMessage({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }, [])
  );
});
