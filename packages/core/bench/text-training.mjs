// Local-training throughput of the fortunes transformer (byte tokens, d_model 64, 2 blocks, 4 heads,
// 64-byte context: the size `fedtune pretrain --model text` trains) in tokens per second, on
// tfjs-core's cpu and wasm backends side by side: LoRA fine-tuning (r = 4 on every attention and
// MLP projection, plus a trained 10-class head, as the topic task would run) and full pre-training
// steps (every weight, next-byte loss at every position). Batch 32, Adam. Random byte windows stand
// in for text: the cost does not depend on which bytes they are. Needs the built package
// (npx tsc -p tsconfig.build.json). Writes bench/results/text-training.json at the repository root.
import {
  byteTransformerConfig,
  createTransformer,
  initialTransformerWeights,
  LocalTrainer,
  loraAdapter,
  pretrainTransformer,
  useTfBackend,
} from '../dist/model/index.js';
import { RandomStream, RandomStreams } from '../dist/random/counterRandom.js';
import { machineInfo, median, writeBenchResults } from './benchResults.mjs';

const SIZE = { contextLength: 64, dModel: 64, layers: 2, heads: 4 };
const BATCH = 32;
const ADAPTER = { rank: 4, alpha: 8 };
const CLASSES = 10;
/** Windows per LoRA run and steps per pre-training run; cpu is so much slower that it runs less. */
const WORK = { cpu: { windows: 64, steps: 2, runs: 2 }, wasm: { windows: 512, steps: 16, runs: 3 } };

/** `count` full windows of random bytes, labelled round-robin. */
function randomWindows(count, numClasses) {
  const stream = new RandomStream({ seed: 1, round: 0, client: 0, stream: RandomStreams.subset });
  const features = Float32Array.from({ length: count * SIZE.contextLength }, () => stream.int(256));
  const labels = Int32Array.from({ length: count }, (_, i) => i % numClasses);
  return { count, featureSize: SIZE.contextLength, numClasses, features, labels };
}

async function measure(backendName) {
  const backend = await useTfBackend(backendName);
  const work = WORK[backendName];
  const initialisation = { seed: 1, round: 0, client: 0, stream: RandomStreams.initialisation };
  const config = byteTransformerConfig(SIZE);
  const { weights, tensors } = initialTransformerWeights(config, initialisation);
  const base = createTransformer(config, weights, tensors);
  const adapter = loraAdapter.create(base.modules, { ...ADAPTER, numClasses: CLASSES, random: initialisation });
  const trainer = new LocalTrainer(base, adapter, { epochs: 1, batchSize: BATCH, learningRate: 0.001, optimizer: 'adam' });
  const start = adapter.initialParameters(base.frozen);
  const data = randomWindows(work.windows, CLASSES);
  const client = { clientId: 0, source: data, indices: Uint32Array.from({ length: data.count }, (_, i) => i) };

  // An untimed epoch first: V8 and the wasm heap take a few steps to settle.
  await trainer.train(start, client, initialisation);
  const lora = [];
  for (let run = 0; run < work.runs; run++) {
    const began = performance.now();
    const result = await trainer.train(start, client, { ...initialisation, round: run + 1 });
    const seconds = (performance.now() - began) / 1000;
    lora.push({ seconds, tokensPerSecond: (result.samples * SIZE.contextLength) / seconds, steps: result.steps });
  }
  trainer.dispose();
  base.dispose();

  const windows = randomWindows(BATCH * work.steps, 256);
  const pretrain = async (steps) =>
    (await pretrainTransformer({ data: windows, size: SIZE, steps, batchSize: BATCH, learningRate: 0.003, seed: 1 })).dispose();
  await pretrain(1);
  const full = [];
  for (let run = 0; run < work.runs; run++) {
    const began = performance.now();
    await pretrain(work.steps);
    const seconds = (performance.now() - began) / 1000;
    full.push({ seconds, tokensPerSecond: (work.steps * BATCH * SIZE.contextLength) / seconds, steps: work.steps });
  }
  return {
    backend,
    loraTokensPerSecond: median(lora.map((r) => r.tokensPerSecond)),
    pretrainTokensPerSecond: median(full.map((r) => r.tokensPerSecond)),
    loraRuns: lora,
    pretrainRuns: full,
  };
}

const results = [];
for (const backend of ['cpu', 'wasm']) results.push(await measure(backend));

const report = {
  benchmark: 'text-training',
  description:
    'tokens/s of LoRA fine-tuning (LocalTrainer.train, one token per window position) and of full pre-training ' +
    'steps (pretrainTransformer, every position a target), median of timed runs after an untimed warm-up',
  model: `byte transformer d${SIZE.dModel} L${SIZE.layers} H${SIZE.heads} context ${SIZE.contextLength}`,
  adapter: { name: 'lora', ...ADAPTER, targetModules: 'every attention and MLP projection', trainedHead: CLASSES },
  batchSize: BATCH,
  results,
  machine: machineInfo(),
  date: new Date().toISOString(),
};
const written = await writeBenchResults('text-training', report);

console.log(`local training, ${report.model}, batch ${BATCH}, Adam`);
console.log('backend | LoRA tokens/s | pre-training tokens/s');
console.log('--------|---------------|----------------------');
for (const r of results) {
  console.log(
    `${r.backend.padEnd(7)} | ${r.loraTokensPerSecond.toFixed(0).padStart(13)} | ${r.pretrainTokensPerSecond
      .toFixed(0)
      .padStart(21)}`
  );
}
console.log(`wrote ${written}`);
