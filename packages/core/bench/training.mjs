// Local-training throughput of the quickstart model: a 784-256-128-10 MLP with LoRA r = 4 on fc1
// and fc2 (plus the trained head), batch 32, Adam, on tfjs-core's cpu and wasm backends.
// Needs the built package (npx tsc -p tsconfig.build.json). Writes bench/results/training.json at
// the repository root and prints a table.
import { machineInfo, median, writeBenchResults } from './benchResults.mjs';
import { createMlp, initialMlpWeights, LocalTrainer, loraAdapter, useTfBackend } from '../dist/model/index.js';
import { RandomStream, RandomStreams } from '../dist/random/counterRandom.js';

const SAMPLES = 4000;
const CONFIG = { inputSize: 784, hidden: [256, 128], numClasses: 10 };
const TRAINING = { epochs: 1, batchSize: 32, learningRate: 0.001, optimizer: 'adam' };
const ADAPTER = { rank: 4, alpha: 8 };
/** Timed runs per backend; cpu is slow enough that two runs keep the whole bench under a minute. */
const RUNS = { cpu: 2, wasm: 5 };

/** Pixel-like features in [0, 1) with balanced labels, drawn from core's counter random. */
function syntheticData() {
  const stream = new RandomStream({ seed: 1, round: 0, client: 0, stream: RandomStreams.subset });
  const features = Float32Array.from({ length: SAMPLES * CONFIG.inputSize }, () => stream.uniform());
  const labels = Int32Array.from({ length: SAMPLES }, (_, i) => i % CONFIG.numClasses);
  return { count: SAMPLES, featureSize: CONFIG.inputSize, numClasses: CONFIG.numClasses, features, labels };
}

async function measure(backendName, data) {
  const backend = await useTfBackend(backendName);
  const initialisation = { seed: 1, round: 0, client: 0, stream: RandomStreams.initialisation };
  const base = createMlp(CONFIG, initialMlpWeights(CONFIG, initialisation));
  const adapter = loraAdapter.create(base.modules, {
    ...ADAPTER,
    numClasses: CONFIG.numClasses,
    random: initialisation,
  });
  const trainer = new LocalTrainer(base, adapter, TRAINING);
  const start = adapter.initialParameters(base.frozen);
  const all = Uint32Array.from({ length: SAMPLES }, (_, i) => i);
  const client = (indices) => ({ clientId: 0, source: data, indices });

  // A full untimed epoch first: V8 and the wasm heap take a few hundred steps to settle.
  await trainer.train(start, client(all), { ...initialisation, round: 0 });
  const runs = [];
  for (let run = 0; run < RUNS[backendName]; run++) {
    const began = performance.now();
    const result = await trainer.train(start, client(all), { ...initialisation, round: run + 1 });
    const seconds = (performance.now() - began) / 1000;
    runs.push({ seconds, samplesPerSecond: result.samples / seconds, steps: result.steps, meanLoss: result.meanLoss });
  }
  const began = performance.now();
  await trainer.evaluate(start, data);
  const evaluationSamplesPerSecond = SAMPLES / ((performance.now() - began) / 1000);
  trainer.dispose();
  base.dispose();
  const samplesPerSecond = median(runs.map((r) => r.samplesPerSecond));
  return {
    backend,
    samplesPerSecond,
    msPerStep: (1000 * TRAINING.batchSize) / samplesPerSecond,
    evaluationSamplesPerSecond,
    runs,
  };
}

const data = syntheticData();
const results = [];
for (const backend of ['cpu', 'wasm']) results.push(await measure(backend, data));

const report = {
  benchmark: 'local-training',
  description: 'LocalTrainer.train samples/s, median of timed one-epoch runs after an untimed warm-up epoch',
  model: `${CONFIG.inputSize}-${CONFIG.hidden.join('-')}-${CONFIG.numClasses} MLP`,
  adapter: { name: 'lora', ...ADAPTER, targetModules: ['fc1', 'fc2'], trainedHead: true },
  training: TRAINING,
  samples: SAMPLES,
  results,
  machine: machineInfo(),
  date: new Date().toISOString(),
};

const resultsPath = await writeBenchResults('training', report);

console.log(
  `local training, ${report.model}, LoRA r=${ADAPTER.rank} on fc1+fc2 + head, batch ${TRAINING.batchSize}, Adam, ${SAMPLES} samples`
);
console.log('backend | train samples/s | ms/step | eval samples/s');
console.log('--------|-----------------|---------|---------------');
for (const r of results) {
  console.log(
    `${r.backend.padEnd(7)} | ${r.samplesPerSecond.toFixed(0).padStart(15)} | ${r.msPerStep
      .toFixed(2)
      .padStart(7)} | ${r.evaluationSamplesPerSecond.toFixed(0).padStart(14)}`
  );
}
console.log(`wrote ${resultsPath}`);
