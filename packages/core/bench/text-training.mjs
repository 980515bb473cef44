// Local-training throughput of the fortunes transformer (byte tokens, d_model 64, 2 blocks, 4 heads,
// 64-byte context: the size `fedtune pretrain --model text` trains) in tokens per second: LoRA
// fine-tuning (r = 4, alpha 8 on every attention and MLP projection, plus a trained 10-class head,
// as the topic task would run) on tfjs-core's wasm and cpu backends, PyTorch's one-thread LoRA
// fine-tuning of the same network where Debian's python3-torch is installed, and full pre-training
// steps (every weight, next-byte loss at every position) on wasm. Batch 32, Adam. Random byte
// windows stand in for text: the cost does not depend on which bytes they are. Every measurement
// runs in a process of its own, the sides alternating; figures are medians. `--baseline DIR` adds
// another build, as in training.mjs. Needs the built package (npm run bench:training builds it).
// Writes bench/results/text-training.json at the repository root.
import { machineInfo, writeBenchResults } from './benchResults.mjs';
import { alternate, buildsFromArguments, fedtune, summarise, torch, torchUnavailable } from './trainingBench.mjs';

const SIZE = { contextLength: 64, dModel: 64, layers: 2, heads: 4 };
/** Windows per LoRA run (8 steps of 32) and per pre-training run; cpu is so much slower that it runs less. */
const WINDOWS = { wasm: 256, cpu: 64 };
const REPEATS = 3;

const builds = buildsFromArguments();
const torchReason = torchUnavailable();
const began = performance.now();

console.error('LoRA fine-tuning, wasm');
const loraSides = Object.fromEntries(
  builds.map((build) => [build.name, () => fedtune(build, { workload: 'text', backend: 'wasm', samples: WINDOWS.wasm, runs: 1 })])
);
if (torchReason === undefined) loraSides.torch = () => torch({ workload: 'text', samples: WINDOWS.wasm, runs: 1 });
const lora = await alternate(loraSides, REPEATS);

console.error('LoRA fine-tuning, cpu');
const cpu = await alternate(
  Object.fromEntries(
    builds.map((build) => [build.name, () => fedtune(build, { workload: 'text', backend: 'cpu', samples: WINDOWS.cpu, runs: 1 })])
  ),
  REPEATS
);

console.error('pre-training, wasm');
const pretrain = await alternate(
  Object.fromEntries(
    builds.map((build) => [build.name, () => fedtune(build, { workload: 'pretrain', backend: 'wasm', samples: WINDOWS.wasm, runs: 1 })])
  ),
  REPEATS
);

const byBuild = Object.fromEntries(
  builds.map((build) => [
    build.name,
    {
      loraWasm: summarise(lora[build.name], 'tokensPerSecond'),
      loraCpu: summarise(cpu[build.name], 'tokensPerSecond'),
      pretrainWasm: summarise(pretrain[build.name], 'tokensPerSecond'),
    },
  ])
);
const torchResult = torchReason === undefined ? summarise(lora.torch, 'tokensPerSecond') : { skipped: torchReason };
const current = byBuild.current;
const report = {
  benchmark: 'text-training',
  description:
    'tokens/s (one token per window position) of LoRA fine-tuning (LocalTrainer.train) per tfjs backend and of PyTorch ' +
    '1-thread LoRA fine-tuning of the same network, and of full pre-training steps (pretrainTransformer), median of timed ' +
    'runs after an untimed warm-up, each process alone, the sides alternating; per CPU second figures discount other work ' +
    'on a shared machine; peak RSS is each process’s maxRSS',
  model: `byte transformer d${SIZE.dModel} L${SIZE.layers} H${SIZE.heads} context ${SIZE.contextLength}`,
  adapter: { name: 'lora', rank: 4, alpha: 8, targetModules: 'every attention and MLP projection', trainedHead: 10 },
  batchSize: 32,
  windows: WINDOWS,
  builds: byBuild,
  torch: torchResult,
  ratioToTorch:
    torchReason === undefined
      ? {
          wasm: current.loraWasm.tokensPerSecond / torchResult.tokensPerSecond,
          wasmPerCpuSecond: current.loraWasm.tokensPerCpuSecond / torchResult.tokensPerCpuSecond,
        }
      : null,
  speedUpOverBaseline:
    byBuild.baseline === undefined
      ? null
      : {
          loraWasm: current.loraWasm.tokensPerSecond / byBuild.baseline.loraWasm.tokensPerSecond,
          loraWasmPerCpuSecond: current.loraWasm.tokensPerCpuSecond / byBuild.baseline.loraWasm.tokensPerCpuSecond,
          loraCpu: current.loraCpu.tokensPerSecond / byBuild.baseline.loraCpu.tokensPerSecond,
          pretrainWasm: current.pretrainWasm.tokensPerSecond / byBuild.baseline.pretrainWasm.tokensPerSecond,
        },
  benchSeconds: (performance.now() - began) / 1000,
  machine: machineInfo(),
  date: new Date().toISOString(),
};
const written = await writeBenchResults('text-training', report);

console.log(`local training, ${report.model}, batch 32, Adam`);
console.log('side     | LoRA wasm tokens/s | per CPU s | LoRA cpu tokens/s | pre-training wasm tokens/s');
console.log('---------|--------------------|-----------|-------------------|---------------------------');
for (const [name, r] of Object.entries(byBuild)) {
  console.log(
    `${name.padEnd(8)} | ${r.loraWasm.tokensPerSecond.toFixed(0).padStart(18)} | ${r.loraWasm.tokensPerCpuSecond.toFixed(0).padStart(9)} | ${r.loraCpu.tokensPerSecond
      .toFixed(0)
      .padStart(17)} | ${r.pretrainWasm.tokensPerSecond.toFixed(0).padStart(26)}`
  );
}
if (torchReason === undefined) {
  console.log(`torch    | ${torchResult.tokensPerSecond.toFixed(0).padStart(18)} | ${torchResult.tokensPerCpuSecond.toFixed(0).padStart(9)} |`);
  console.log(`ratio to PyTorch (wasm): ${report.ratioToTorch.wasm.toFixed(2)}× (per CPU second ${report.ratioToTorch.wasmPerCpuSecond.toFixed(2)}×)`);
} else console.log(`PyTorch skipped: ${torchReason}`);
if (report.speedUpOverBaseline !== null) {
  const s = report.speedUpOverBaseline;
  console.log(
    `over the baseline: LoRA wasm ${s.loraWasm.toFixed(2)}× (per CPU second ${s.loraWasmPerCpuSecond.toFixed(2)}×), LoRA cpu ${s.loraCpu.toFixed(2)}×, pre-training ${s.pretrainWasm.toFixed(2)}×`
  );
}
console.log(`wrote ${written}`);
