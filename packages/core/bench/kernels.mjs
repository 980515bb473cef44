// Throughput of the reference backend's kernels at three or four sizes each.
//
// Run after building: `npx tsc -p tsconfig.build.json && node bench/kernels.mjs` (from packages/core).
// Memory-bound kernels report GB/s counted as the bytes the call reads from its inputs plus the bytes
// it writes to its output (scratch space inside a kernel is not counted); matmul and the pairwise
// kernels report GFLOP/s. Each figure is the median of several timed repetitions after a warm-up;
// a repetition repeats the call until it has run for at least MIN_REPETITION_MS, so tiny sizes are
// not lost in timer resolution. Results go to <repo root>/bench/results/reference-kernels.json.
import { ReferenceBackend } from '../dist/backend/index.js';
import { counterUniforms } from '../dist/random/counterRandom.js';
import { machineInfo, median, writeBenchResults } from './benchResults.mjs';

const REPETITIONS = 5;
const MIN_REPETITION_MS = 20;
const VECTOR_SIZES = [1e4, 1e5, 1e6, 1e7];
const MATMUL_SIZES = [64, 256, 512];
const PAIRWISE_ROWS = 32;
const PAIRWISE_WIDTHS = [1e3, 1e4, 1e5];
const WEIGHTED_SUM_VECTORS = 4;
const QSGD_LEVELS = 15;
const GRID_BITS = 4;
const PACKED_BITS = 5;

const backend = new ReferenceBackend();

/** Deterministic test data in [−1, 1) from the project's counter-based generator, one stream per `which`. */
function signedVector(length, which) {
  return counterUniforms({ seed: 2024, round: 0, client: 0, stream: 1000 + which }, length).map((u) => 2 * u - 1);
}

/** Inputs shared by the vector kernels at one size (drawing 10^7 numbers costs more than most kernels). */
function vectorInputs(n) {
  const vectors = Array.from({ length: WEIGHTED_SUM_VECTORS }, (_, which) => signedVector(n, which));
  const [x, y] = vectors;
  const uniforms = counterUniforms({ seed: 2024, round: 1, client: 0, stream: 3 }, n);
  const codes = Uint32Array.from(x, (v) => Math.floor((v + 1) * 2 ** (PACKED_BITS - 1)));
  return { n, x, y, vectors, uniforms, codes };
}

/** Median milliseconds per call of `run` after one warm-up call. */
function medianMilliseconds(run) {
  run();
  const perCall = [];
  for (let repetition = 0; repetition < REPETITIONS; repetition++) {
    let calls = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      run();
      calls++;
      elapsed = performance.now() - start;
    } while (elapsed < MIN_REPETITION_MS);
    perCall.push(elapsed / calls);
  }
  return median(perCall);
}

/** Vector kernels: name, bytes moved per call for n elements, and the timed call on shared inputs. */
const vectorKernels = [
  {
    kernel: 'axpy',
    bytes: (n) => 12 * n,
    prepare:
      ({ x, y }) =>
      () =>
        backend.axpy(0.5, x, y),
  },
  {
    kernel: 'scale',
    bytes: (n) => 8 * n,
    prepare:
      ({ x }) =>
      () =>
        backend.scale(0.5, x),
  },
  {
    kernel: `weightedSum (${WEIGHTED_SUM_VECTORS} vectors)`,
    bytes: (n) => 4 * n * (WEIGHTED_SUM_VECTORS + 1),
    prepare: ({ vectors }) => {
      const weights = vectors.map(() => 1 / WEIGHTED_SUM_VECTORS);
      return () => backend.weightedSum(vectors, weights);
    },
  },
  {
    kernel: 'dot',
    bytes: (n) => 8 * n,
    prepare:
      ({ x, y }) =>
      () =>
        backend.dot(x, y),
  },
  {
    kernel: 'norm2',
    bytes: (n) => 4 * n,
    prepare:
      ({ x }) =>
      () =>
        backend.norm2(x),
  },
  {
    kernel: 'normInf',
    bytes: (n) => 4 * n,
    prepare:
      ({ x }) =>
      () =>
        backend.normInf(x),
  },
  {
    kernel: `stochasticQuantize (s=${QSGD_LEVELS})`,
    bytes: (n) => 12 * n,
    prepare:
      ({ x, uniforms }) =>
      () =>
        backend.stochasticQuantize(x, QSGD_LEVELS, uniforms),
  },
  {
    kernel: `stochasticDequantize (s=${QSGD_LEVELS})`,
    bytes: (n) => 8 * n,
    prepare: ({ x, uniforms }) => {
      const codes = backend.stochasticQuantize(x, QSGD_LEVELS, uniforms);
      return () => backend.stochasticDequantize(codes, QSGD_LEVELS);
    },
  },
  {
    kernel: `gridQuantize (${GRID_BITS} bits)`,
    bytes: (n) => 12 * n,
    prepare:
      ({ x, y }) =>
      () =>
        backend.gridQuantize(x, y, GRID_BITS),
  },
  {
    kernel: `gridDequantize (${GRID_BITS} bits)`,
    bytes: (n) => 12 * n,
    prepare: ({ x, y }) => {
      const codes = backend.gridQuantize(x, y, GRID_BITS);
      return () => backend.gridDequantize(codes, y, GRID_BITS);
    },
  },
  {
    kernel: 'topKMask (k = n/100)',
    bytes: (n) => 5 * n,
    prepare:
      ({ n, x }) =>
      () =>
        backend.topKMask(x, n / 100),
  },
  {
    kernel: 'magnitudeMask',
    bytes: (n) => 5 * n,
    prepare:
      ({ x }) =>
      () =>
        backend.magnitudeMask(x, 0.9),
  },
  {
    kernel: 'maskedApply',
    bytes: (n) => 9 * n,
    prepare: ({ x }) => {
      const mask = backend.magnitudeMask(x, 0.5);
      return () => backend.maskedApply(x, mask);
    },
  },
  {
    kernel: `packBits (${PACKED_BITS} bits)`,
    bytes: (n) => 4 * n + Math.ceil((n * PACKED_BITS) / 8),
    prepare:
      ({ codes }) =>
      () =>
        backend.packBits(codes, PACKED_BITS),
  },
  {
    kernel: `unpackBits (${PACKED_BITS} bits)`,
    bytes: (n) => 4 * n + Math.ceil((n * PACKED_BITS) / 8),
    prepare: ({ n, codes }) => {
      const bytes = backend.packBits(codes, PACKED_BITS);
      return () => backend.unpackBits(bytes, PACKED_BITS, n);
    },
  },
];

/** Compute-bound kernels: name, size label, floating-point operations per call, timed call. */
function computeCases() {
  const cases = [];
  for (const size of MATMUL_SIZES) {
    const [a, b] = [signedVector(size * size, 0), signedVector(size * size, 1)];
    for (const [variant, transposes] of [
      ['matmul A·B', {}],
      ['matmul Aᵀ·Bᵀ', { transposeA: true, transposeB: true }],
    ]) {
      cases.push({
        kernel: variant,
        size: `${size}³`,
        flops: 2 * size ** 3,
        run: () => backend.matmul(a, b, { m: size, k: size, n: size, ...transposes }),
      });
    }
  }
  const pairs = (PAIRWISE_ROWS * (PAIRWISE_ROWS - 1)) / 2;
  for (const width of PAIRWISE_WIDTHS) {
    const rows = signedVector(PAIRWISE_ROWS * width, 0);
    const size = `${PAIRWISE_ROWS}×${width}`;
    // Per pair: subtract, multiply, add for distances; multiply-add for the dot product of cosines,
    // whose row norms add one multiply-add per entry.
    cases.push({
      kernel: 'pairwiseSquaredEuclidean',
      size,
      flops: 3 * pairs * width,
      run: () => backend.pairwiseSquaredEuclidean(rows, PAIRWISE_ROWS, width),
    });
    cases.push({
      kernel: 'pairwiseCosine',
      size,
      flops: 2 * pairs * width + 2 * PAIRWISE_ROWS * width,
      run: () => backend.pairwiseCosine(rows, PAIRWISE_ROWS, width),
    });
  }
  return cases;
}

const started = performance.now();
const vectorResults = [];
for (const n of VECTOR_SIZES) {
  const inputs = vectorInputs(n);
  vectorKernels.forEach(({ kernel, bytes, prepare }, order) => {
    const milliseconds = medianMilliseconds(prepare(inputs));
    const size = n.toExponential(0).replace('+', '');
    vectorResults.push({ order, kernel, size, milliseconds, unit: 'GB/s', value: bytes(n) / milliseconds / 1e6 });
  });
}
// Stable sort: grouped by kernel, sizes ascending within each.
const results = vectorResults.sort((a, b) => a.order - b.order).map(({ order, ...result }) => result);
for (const { kernel, size, flops, run } of computeCases()) {
  const milliseconds = medianMilliseconds(run);
  results.push({ kernel, size, milliseconds, unit: 'GFLOP/s', value: flops / milliseconds / 1e6 });
}

const report = {
  backend: backend.name,
  date: new Date().toISOString(),
  machine: { ...machineInfo(), v8: process.versions.v8 },
  method: {
    repetitions: REPETITIONS,
    minRepetitionMilliseconds: MIN_REPETITION_MS,
    statistic: 'median over repetitions of milliseconds per call, after one warm-up call',
    bytes: 'input bytes read plus output bytes written per call',
  },
  totalSeconds: (performance.now() - started) / 1000,
  results,
};
const output = await writeBenchResults('reference-kernels', report);

const kernelWidth = Math.max(...results.map((r) => r.kernel.length));
console.log(`reference backend on ${report.machine.cpuModel}, Node ${report.machine.node}`);
console.log(`${'kernel'.padEnd(kernelWidth)}  ${'size'.padStart(10)}  ${'ms/call'.padStart(10)}  throughput`);
for (const r of results) {
  console.log(
    `${r.kernel.padEnd(kernelWidth)}  ${r.size.padStart(10)}  ${r.milliseconds
      .toFixed(3)
      .padStart(10)}  ${r.value.toFixed(2)} ${r.unit}`
  );
}
console.log(`wrote ${output} in ${report.totalSeconds.toFixed(1)} s`);
