// Throughput of every Backend kernel on the reference backend, on gpujs (the platform's GPU engine:
// headless-gl in Node) and, where tfjs-core has the operation, on tfjs's cpu and wasm backends.
//
// Run after building (from packages/backend-gpujs): `npm run bench` (it runs under xvfb-run -a when
// no X display is set). FEDTUNE_GPUJS_MODE picks another gpujs engine (wasm, cpu). On a machine
// with a real GPU and an X server the same command measures that GPU.
//
// Memory-bound kernels report GB/s (bytes the call reads from its inputs plus bytes it writes),
// matmul and the pairwise kernels GFLOP/s, each from the median wall time of a few calls after a
// warm-up call; where the previous size predicts a long call, fewer calls (see timeCall).
// For gpujs the wall time is split into upload (the call's input arrays into textures), download
// (reading its output back) and the rest (GPU compute plus the kernel's host work), from transfer
// probes of the same sizes: a kernel that only receives the inputs, and one that only writes the
// output. tfjs's times include creating the input tensors and reading the result (dataSync); its cpu
// and wasm tensors live in host memory, so there is no device transfer to split off.
// Results go to <repo root>/bench/results/gpujs-kernels.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { counterUniforms, ReferenceBackend } from '@fedtune/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import gpujs from 'gpu.js';
import { GpujsBackend } from '../dist/index.js';

const VECTOR_SIZES = [1e5, 1e6, 1e7];
const MATMUL_SIZES = [128, 256, 512, 1024];
/** The transposed product is timed up to 512³: at 1024³ it would double the longest part of the run. */
const TRANSPOSED_MATMUL_MAX = 512;
const PAIRWISE_ROWS = 32;
const PAIRWISE_WIDTHS = [1e3, 1e4, 1e5];
const QSGD_LEVELS = 15;
const GRID_BITS = 4;
const PACKED_BITS = 5;
/** Timed calls per measurement, after a warm-up call. */
const REPETITIONS = 3;
/** Calls predicted longer than this are timed once after the warm-up. */
const SLOW_CALL_MS = 100;
/** Calls predicted longer than this are timed once, without a warm-up: compilation is long done, and one-off texture allocation is small beside them. */
const LONG_CALL_MS = 2000;
const OUTPUT = fileURLToPath(new URL('../../../bench/results/gpujs-kernels.json', import.meta.url));

const reference = new ReferenceBackend();
const gpujsBackend = new GpujsBackend({ mode: process.env.FEDTUNE_GPUJS_MODE ?? 'gpu' });
const probes = transferProbes(gpujsBackend.engine);

let stream = 0;
/** Deterministic test data in [−1, 1) from the project's counter-based generator. */
function signedVector(length) {
  return counterUniforms({ seed: 2024, round: 0, client: 0, stream: 1000 + stream++ }, length).map((u) => 2 * u - 1);
}

/** Median milliseconds of `repetitions` calls of `run`, after a warm-up call when `warmUp`. */
function medianMilliseconds(run, { repetitions = REPETITIONS, warmUp = true } = {}) {
  if (warmUp) run();
  const times = [];
  for (let i = 0; i < repetitions; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Milliseconds per unit of work of each (kernel, engine) at its last size, to predict the next. */
const lastRates = new Map();

/**
 * Times `run` (a call doing `work` units) for `key`, spending calls by the time the previous size
 * predicts: the full median for short calls, one timed call after a warm-up for slow ones, one
 * call alone for long ones, so the largest sizes do not dominate the run.
 */
function timeCall(key, work, run) {
  const rate = lastRates.get(key);
  const predicted = rate === undefined ? 0 : rate * work;
  const milliseconds =
    predicted > LONG_CALL_MS
      ? medianMilliseconds(run, { repetitions: 1, warmUp: false })
      : medianMilliseconds(run, { repetitions: predicted > SLOW_CALL_MS ? 1 : REPETITIONS });
  lastRates.set(key, milliseconds / work);
  return milliseconds;
}

/**
 * gpu.js kernels on the backend's engine that move data and do nothing else: `upload(arrays, n)`
 * times handing `arrays` float arrays of n values to a kernel (which ignores them), `download(n)`
 * times reading back an output of n values; each less the cost of an empty call.
 */
function transferProbes(engine) {
  const gpu = new gpujs.GPU({ mode: engine === 'wasm' ? 'webasm' : engine });
  const settings = { precision: 'single', tactic: 'precision', dynamicOutput: true, dynamicArguments: true };
  const receive = gpu.createKernel(
    function receive(a) {
      return 0;
    },
    { ...settings, output: [1], argumentTypes: { a: 'Array' } }
  );
  const produce = gpu.createKernel(
    function produce() {
      return 1;
    },
    { ...settings, output: [1] }
  );
  const empty = medianMilliseconds(() => receive(new Float32Array(1)));
  const uploads = new Map();
  const downloads = new Map();
  return {
    upload(arrays, n) {
      if (!uploads.has(n)) {
        const values = signedVector(n);
        uploads.set(n, Math.max(0, medianMilliseconds(() => receive(values)) - empty));
      }
      return arrays * uploads.get(n);
    },
    download(n) {
      if (!downloads.has(n)) {
        produce.setOutput([n]);
        downloads.set(n, Math.max(0, medianMilliseconds(() => produce()) - empty));
      }
      return downloads.get(n);
    },
  };
}

/** Milliseconds of one tfjs call on `backendName`, creating the input tensors and reading the result included. */
function tfjsMilliseconds(key, work, backendName, makeInputs, op) {
  tf.setBackend(backendName);
  return timeCall(key, work, () =>
    tf.tidy(() => {
      op(...makeInputs()).dataSync();
    })
  );
}

/**
 * Vector kernels at n elements: bytes per call, the arrays gpujs uploads (count, length) and
 * reads back (length), the backend call, and the tfjs equivalent where tfjs has one.
 */
function vectorCases(n) {
  const x = signedVector(n);
  const y = signedVector(n);
  const center = signedVector(n);
  const uniforms = counterUniforms({ seed: 2024, round: 1, client: 0, stream: 3 }, n);
  const mask = reference.magnitudeMask(x, 0.5);
  const stochastic = reference.stochasticQuantize(x, QSGD_LEVELS, uniforms);
  const grid = reference.gridQuantize(x, center, GRID_BITS);
  const codes = grid.codes.map((code, i) => (code + i) % 2 ** PACKED_BITS);
  const packed = reference.packBits(codes, PACKED_BITS);
  const packedBytes = packed.length;
  const k = Math.max(1, Math.floor(n / 100));
  const tensor = (values) => () => [tf.tensor1d(values)];
  return [
    {
      kernel: 'axpy',
      bytes: 12 * n,
      upload: [2, n],
      download: n,
      run: (b) => b.axpy(0.5, x, y),
      tfjs: [() => [tf.tensor1d(x), tf.tensor1d(y)], (a, c) => tf.add(tf.mul(a, 0.5), c)],
    },
    {
      kernel: 'scale',
      bytes: 8 * n,
      upload: [1, n],
      download: n,
      run: (b) => b.scale(0.5, x),
      tfjs: [tensor(x), (a) => tf.mul(a, 0.5)],
    },
    {
      kernel: 'weightedSum (4 vectors)',
      bytes: 20 * n,
      upload: [4, n],
      download: n,
      run: (b) => b.weightedSum([x, y, center, x], [0.25, 0.25, 0.25, 0.25]),
      tfjs: [() => [x, y, center, x].map((v) => tf.tensor1d(v)), (...v) => tf.addN(v.map((t) => tf.mul(t, 0.25)))],
    },
    {
      kernel: 'dot',
      bytes: 8 * n,
      upload: [4, n],
      download: n / 64,
      run: (b) => b.dot(x, y),
      tfjs: [() => [tf.tensor1d(x), tf.tensor1d(y)], (a, c) => tf.dot(a, c)],
    },
    {
      kernel: 'norm2',
      bytes: 4 * n,
      upload: [3, n],
      download: n / 64,
      run: (b) => b.norm2(x),
      tfjs: [tensor(x), (a) => tf.norm(a)],
    },
    {
      kernel: 'normInf',
      bytes: 4 * n,
      upload: [1, n],
      download: n / 64,
      run: (b) => b.normInf(x),
      tfjs: [tensor(x), (a) => tf.max(tf.abs(a))],
    },
    {
      kernel: `stochasticQuantize (s=${QSGD_LEVELS})`,
      bytes: 12 * n,
      upload: [2, n],
      download: n,
      run: (b) => b.stochasticQuantize(x, QSGD_LEVELS, uniforms),
    },
    {
      kernel: `stochasticDequantize (s=${QSGD_LEVELS})`,
      bytes: 8 * n,
      upload: [1, n],
      download: n,
      run: (b) => b.stochasticDequantize(stochastic, QSGD_LEVELS),
    },
    {
      kernel: `gridQuantize (${GRID_BITS} bits)`,
      bytes: 12 * n,
      upload: [2, n],
      download: n,
      run: (b) => b.gridQuantize(x, center, GRID_BITS),
    },
    {
      kernel: `gridDequantize (${GRID_BITS} bits)`,
      bytes: 12 * n,
      upload: [2, n],
      download: n,
      run: (b) => b.gridDequantize(grid, center, GRID_BITS),
    },
    {
      kernel: 'topKMask (k = n/100)',
      bytes: 5 * n,
      upload: [1, n],
      download: n,
      run: (b) => b.topKMask(x, k),
      tfjs: [tensor(x), (a) => tf.topk(tf.abs(a), k).indices],
    },
    {
      kernel: 'magnitudeMask',
      bytes: 5 * n,
      upload: [1, n],
      download: n,
      run: (b) => b.magnitudeMask(x, 0.9),
      tfjs: [tensor(x), (a) => tf.greaterEqual(tf.abs(a), 0.9)],
    },
    {
      kernel: 'maskedApply',
      bytes: 9 * n,
      upload: [2, n],
      download: n,
      run: (b) => b.maskedApply(x, mask),
      tfjs: [() => [tf.tensor1d(x), tf.tensor1d(mask, 'float32')], (a, m) => tf.mul(a, m)],
    },
    {
      kernel: `packBits (${PACKED_BITS} bits)`,
      bytes: 4 * n + packedBytes,
      upload: [1, n],
      download: packedBytes,
      run: (b) => b.packBits(codes, PACKED_BITS),
    },
    {
      kernel: `unpackBits (${PACKED_BITS} bits)`,
      bytes: 4 * n + packedBytes,
      upload: [1, packedBytes],
      download: n,
      run: (b) => b.unpackBits(packed, PACKED_BITS, n),
    },
  ];
}

/** Compute-bound kernels: flops per call, uploads and downloads, the call, and tfjs's where it has one. */
function computeCases() {
  const cases = [];
  for (const size of MATMUL_SIZES) {
    const [a, b] = [signedVector(size * size), signedVector(size * size)];
    const transposedToo = size <= TRANSPOSED_MATMUL_MAX;
    cases.push({
      kernel: 'matmul A·B',
      size: `${size}³`,
      flops: 2 * size ** 3,
      upload: [2, size * size],
      download: size * size,
      run: (backend) => backend.matmul(a, b, { m: size, k: size, n: size }),
      tfjs: [() => [tf.tensor2d(a, [size, size]), tf.tensor2d(b, [size, size])], (p, q) => tf.matMul(p, q)],
    });
    if (!transposedToo) continue;
    cases.push({
      kernel: 'matmul Aᵀ·Bᵀ',
      size: `${size}³`,
      flops: 2 * size ** 3,
      upload: [2, size * size],
      download: size * size,
      run: (backend) => backend.matmul(a, b, { m: size, k: size, n: size, transposeA: true, transposeB: true }),
      tfjs: [() => [tf.tensor2d(a, [size, size]), tf.tensor2d(b, [size, size])], (p, q) => tf.matMul(p, q, true, true)],
    });
  }
  const pairs = (PAIRWISE_ROWS * (PAIRWISE_ROWS - 1)) / 2;
  for (const width of PAIRWISE_WIDTHS) {
    const rows = signedVector(PAIRWISE_ROWS * width);
    const size = `${PAIRWISE_ROWS}×${width}`;
    const common = { size, upload: [1, PAIRWISE_ROWS * width], download: PAIRWISE_ROWS * PAIRWISE_ROWS };
    cases.push({
      ...common,
      kernel: 'pairwiseSquaredEuclidean',
      flops: 3 * pairs * width,
      run: (b) => b.pairwiseSquaredEuclidean(rows, PAIRWISE_ROWS, width),
    });
    cases.push({
      ...common,
      kernel: 'pairwiseCosine',
      flops: 2 * pairs * width + 2 * PAIRWISE_ROWS * width,
      run: (b) => b.pairwiseCosine(rows, PAIRWISE_ROWS, width),
    });
  }
  return cases;
}

/** Times one case on every engine it runs on; `work` is bytes or flops, `unit` how to report it. */
function measure(testCase, size, work, unit) {
  const rate = (milliseconds) => work / milliseconds / 1e6;
  const rows = [];
  const key = (engine) => `${testCase.kernel} on ${engine}`;
  const referenceMs = timeCall(key('reference'), work, () => testCase.run(reference));
  rows.push({
    kernel: testCase.kernel,
    size,
    engine: 'reference',
    milliseconds: referenceMs,
    unit,
    value: rate(referenceMs),
  });
  const gpujsMs = timeCall(key('gpujs'), work, () => testCase.run(gpujsBackend));
  const uploadMs = probes.upload(testCase.upload[0], testCase.upload[1]);
  const downloadMs = probes.download(Math.ceil(testCase.download));
  rows.push({
    kernel: testCase.kernel,
    size,
    engine: gpujsBackend.name,
    milliseconds: gpujsMs,
    uploadMs,
    downloadMs,
    computeMs: Math.max(0, gpujsMs - uploadMs - downloadMs),
    unit,
    value: rate(gpujsMs),
  });
  if (testCase.tfjs !== undefined) {
    for (const backendName of ['cpu', 'wasm']) {
      const milliseconds = tfjsMilliseconds(key(`tfjs-${backendName}`), work, backendName, ...testCase.tfjs);
      rows.push({
        kernel: testCase.kernel,
        size,
        engine: `tfjs-${backendName}`,
        milliseconds,
        unit,
        value: rate(milliseconds),
      });
    }
  }
  return rows;
}

/** For each kernel, the smallest size from which gpujs is faster than the reference at every larger size. */
function crossovers(results) {
  const byKernel = new Map();
  for (const row of results) {
    if (!byKernel.has(row.kernel)) byKernel.set(row.kernel, new Map());
    const sizes = byKernel.get(row.kernel);
    if (!sizes.has(row.size)) sizes.set(row.size, {});
    sizes.get(row.size)[
      row.engine === 'reference' ? 'reference' : row.engine === gpujsBackend.name ? 'gpujs' : row.engine
    ] = row.milliseconds;
  }
  return Object.fromEntries(
    [...byKernel].map(([kernel, sizes]) => {
      const entries = [...sizes];
      let from = null;
      for (let i = entries.length - 1; i >= 0; i--) {
        const { reference: ref, gpujs } = entries[i][1];
        if (gpujs < ref) from = entries[i][0];
        else break;
      }
      return [kernel, from];
    })
  );
}

await tf.ready();
const started = performance.now();
const loadAtStart = os.loadavg()[0];
const results = [];
const vectorRows = [];
for (const n of VECTOR_SIZES) {
  vectorCases(n).forEach((testCase, order) => {
    const size = n.toExponential(0).replace('+', '');
    for (const row of measure(testCase, size, testCase.bytes, 'GB/s')) vectorRows.push({ order, row });
    console.error(`${testCase.kernel} at ${size} done`);
  });
}
// Grouped by kernel, sizes ascending within each.
results.push(...vectorRows.sort((a, b) => a.order - b.order).map(({ row }) => row));
for (const testCase of computeCases()) {
  results.push(...measure(testCase, testCase.size, testCase.flops, 'GFLOP/s'));
  console.error(`${testCase.kernel} at ${testCase.size} done`);
}

const report = {
  engines: { gpujs: gpujsBackend.name, tfjs: ['tfjs-cpu', 'tfjs-wasm'], reference: 'reference' },
  date: new Date().toISOString(),
  machine: {
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    logicalCpus: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.arch()}`,
    node: process.version,
    display: process.env.DISPLAY ?? null,
    // Other processes share these CPUs; the one-minute load average says how much.
    loadAverage: { atStart: loadAtStart, atEnd: os.loadavg()[0] },
    virtualDisplay: (process.env.XAUTHORITY ?? '').includes('xvfb-run'),
  },
  method: {
    repetitions: REPETITIONS,
    statistic: `median of ${REPETITIONS} timed calls after a warm-up call; one call after the warm-up when the previous size predicts over ${SLOW_CALL_MS} ms, one call alone over ${LONG_CALL_MS} ms`,
    bytes: 'input bytes read plus output bytes written per call',
    split:
      'gpujs: uploadMs and downloadMs from transfer probes of the same sizes (a kernel receiving the inputs, one writing the output), computeMs = the rest (GPU compute and host work); tfjs: creating the input tensors and reading the result included',
  },
  crossover: crossovers(results),
  totalSeconds: (performance.now() - started) / 1000,
  results,
};
mkdirSync(dirname(OUTPUT), { recursive: true });
writeFileSync(OUTPUT, `${JSON.stringify(report, null, 2)}\n`);
gpujsBackend.dispose();

const kernelWidth = Math.max(...results.map((r) => r.kernel.length));
console.log(
  `gpujs engine ${gpujsBackend.name} on ${report.machine.cpuModel} (${report.machine.logicalCpus} CPUs), Node ${report.machine.node}`
);
console.log(
  `${'kernel'.padEnd(kernelWidth)}  ${'size'.padStart(10)}  ${'engine'.padEnd(16)}  ${'ms/call'.padStart(
    10
  )}  throughput   upload/download ms`
);
for (const r of results) {
  const transfer =
    r.uploadMs === undefined
      ? ''
      : `  ${r.uploadMs.toFixed(2)}${r.downloadMs === undefined ? '' : ` / ${r.downloadMs.toFixed(2)}`}`;
  console.log(
    `${r.kernel.padEnd(kernelWidth)}  ${r.size.padStart(10)}  ${r.engine.padEnd(16)}  ${r.milliseconds
      .toFixed(3)
      .padStart(10)}  ${r.value.toFixed(3)} ${r.unit}${transfer}`
  );
}
console.log('gpujs faster than the reference from:', report.crossover);
console.log(`wrote ${OUTPUT} in ${report.totalSeconds.toFixed(1)} s`);
