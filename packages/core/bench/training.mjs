// Local-training throughput of the quickstart model: a 784-256-128-10 MLP with LoRA r = 4 (alpha 8)
// on fc1 and fc2 plus the trained head, batch 32, Adam lr 1e-3, on tfjs-core's wasm and cpu
// backends; PyTorch's one-thread throughput on the same model, batch and data shape, where Debian's
// python3-torch is installed; and the wall time of a quickstart round (20 clients, through
// runExperiment). Every measurement runs in a process of its own, the sides alternating, and the
// figures are medians. With `--baseline DIR` (another build's packages/core/dist, e.g. of the last
// commit) that build is measured alternately too, for a before/after in the same run.
// Needs the built package (npm run bench:training builds it). Writes bench/results/training.json
// at the repository root and prints a table.
import { machineInfo, median, writeBenchResults } from './benchResults.mjs';
import { alternate, buildsFromArguments, fedtune, summarise, torch, torchUnavailable } from './trainingBench.mjs';

const SAMPLES = 4000;
/** Alternating rounds of wasm and PyTorch measurements, each two timed epochs after a warm-up one. */
const REPEATS = 5;
const RUNS = 2;
/** The cpu backend is some twenty times slower: shorter measurements, fewer of them. */
const CPU_SAMPLES = 1000;
const CPU_REPEATS = 3;
/** Rounds of each quickstart run: round 0 warms up, the last evaluates on the full test set. */
const ROUNDS = 4;
const ROUND_REPEATS = 3;

const builds = buildsFromArguments();
const torchReason = torchUnavailable();
const began = performance.now();

console.error('training, wasm');
const wasmSides = Object.fromEntries(
  builds.map((build) => [build.name, () => fedtune(build, { workload: 'mlp', backend: 'wasm', samples: SAMPLES, runs: RUNS })])
);
if (torchReason === undefined) wasmSides.torch = () => torch({ workload: 'mlp', samples: SAMPLES, runs: RUNS });
const wasm = await alternate(wasmSides, REPEATS);

console.error('training, cpu');
const cpu = await alternate(
  Object.fromEntries(
    builds.map((build) => [build.name, () => fedtune(build, { workload: 'mlp', backend: 'cpu', samples: CPU_SAMPLES, runs: 1 })])
  ),
  CPU_REPEATS
);

console.error('quickstart rounds');
const rounds = await alternate(
  Object.fromEntries(builds.map((build) => [build.name, () => fedtune(build, { workload: 'round', runs: ROUNDS })])),
  ROUND_REPEATS
);

const byBuild = Object.fromEntries(
  builds.map((build) => [
    build.name,
    {
      wasm: summarise(wasm[build.name], 'samplesPerSecond'),
      cpu: summarise(cpu[build.name], 'samplesPerSecond'),
      round: {
        roundWallMs: median(rounds[build.name].map((r) => r.roundWallMs)),
        cpuMsPerRound: median(rounds[build.name].map((r) => r.cpuMsPerRound)),
        peakRssBytes: median(rounds[build.name].map((r) => r.peakRssBytes)),
        finalAccuracy: rounds[build.name].map((r) => r.finalAccuracy),
        runs: rounds[build.name],
      },
    },
  ])
);
const torchResult = torchReason === undefined ? summarise(wasm.torch, 'samplesPerSecond') : { skipped: torchReason };
const current = byBuild.current;
const report = {
  benchmark: 'local-training',
  description:
    'LocalTrainer.train samples/s per tfjs backend (median of timed one-epoch runs after an untimed warm-up epoch, each ' +
    'process alone, builds and PyTorch alternating), PyTorch 1-thread samples/s on the same model, batch, optimiser and ' +
    `data shape, and the quickstart round wall time (median of rounds 1–${ROUNDS - 2} of ${ROUNDS}) and CPU time per round ` +
    `(every thread's, over the same rounds); per CPU second figures ` +
    'discount other work on a shared machine; peak RSS is each process’s maxRSS',
  model: '784-256-128-10 MLP',
  adapter: { name: 'lora', rank: 4, alpha: 8, targetModules: ['fc1', 'fc2'], trainedHead: true },
  training: { epochs: 1, batchSize: 32, learningRate: 0.001, optimizer: 'adam' },
  samples: { wasm: SAMPLES, cpu: CPU_SAMPLES, torch: SAMPLES },
  builds: byBuild,
  torch: torchResult,
  ratioToTorch:
    torchReason === undefined
      ? {
          wasm: current.wasm.samplesPerSecond / torchResult.samplesPerSecond,
          wasmPerCpuSecond: current.wasm.samplesPerCpuSecond / torchResult.samplesPerCpuSecond,
        }
      : null,
  speedUpOverBaseline:
    byBuild.baseline === undefined
      ? null
      : {
          wasm: current.wasm.samplesPerSecond / byBuild.baseline.wasm.samplesPerSecond,
          wasmPerCpuSecond: current.wasm.samplesPerCpuSecond / byBuild.baseline.wasm.samplesPerCpuSecond,
          cpu: current.cpu.samplesPerSecond / byBuild.baseline.cpu.samplesPerSecond,
          round: byBuild.baseline.round.roundWallMs / current.round.roundWallMs,
          roundCpu: byBuild.baseline.round.cpuMsPerRound / current.round.cpuMsPerRound,
        },
  benchSeconds: (performance.now() - began) / 1000,
  machine: machineInfo(),
  date: new Date().toISOString(),
};
const written = await writeBenchResults('training', report);

const mib = (bytes) => (bytes / 2 ** 20).toFixed(0);
console.log(`local training, ${report.model}, LoRA r=4 on fc1+fc2 + head, batch 32, Adam`);
console.log('side     | wasm samples/s | per CPU s | cpu samples/s | peak RSS MiB | round ms | round CPU ms | round peak RSS MiB');
console.log('---------|----------------|-----------|---------------|--------------|----------|--------------|-------------------');
for (const [name, r] of Object.entries(byBuild)) {
  console.log(
    `${name.padEnd(8)} | ${r.wasm.samplesPerSecond.toFixed(0).padStart(14)} | ${r.wasm.samplesPerCpuSecond.toFixed(0).padStart(9)} | ${r.cpu.samplesPerSecond
      .toFixed(0)
      .padStart(13)} | ${mib(r.wasm.peakRssBytes).padStart(12)} | ${r.round.roundWallMs.toFixed(0).padStart(8)} | ${r.round.cpuMsPerRound
      .toFixed(0)
      .padStart(12)} | ${mib(r.round.peakRssBytes).padStart(18)}`
  );
}
if (torchReason === undefined) {
  console.log(
    `torch    | ${torchResult.samplesPerSecond.toFixed(0).padStart(14)} | ${torchResult.samplesPerCpuSecond.toFixed(0).padStart(9)} | ${'-'.padStart(13)} | ${mib(
      torchResult.peakRssBytes
    ).padStart(12)} |`
  );
  console.log(`ratio to PyTorch (wasm): ${report.ratioToTorch.wasm.toFixed(2)}× (per CPU second ${report.ratioToTorch.wasmPerCpuSecond.toFixed(2)}×)`);
} else console.log(`PyTorch skipped: ${torchReason}`);
if (report.speedUpOverBaseline !== null) {
  const s = report.speedUpOverBaseline;
  console.log(`over the baseline: wasm ${s.wasm.toFixed(2)}× (per CPU second ${s.wasmPerCpuSecond.toFixed(2)}×), cpu ${s.cpu.toFixed(2)}×, round ${s.round.toFixed(2)}× (CPU time ${s.roundCpu.toFixed(2)}×)`);
}
console.log(`wrote ${written}`);
