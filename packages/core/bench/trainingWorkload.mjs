// One measurement of the training bench (see training.mjs), run in a process of its own so its
// peak resident memory is its own and builds never share a tfjs engine. Loads fedtune from the
// build folder it is given (this package's dist/, or another commit's), trains one untimed warm-up
// epoch, then the timed runs, and prints one JSON line.
//   node trainingWorkload.mjs '{"dist": "<build folder URL>", "workload": "mlp" | "text" | "pretrain" | "round",
//     "backend": "wasm" | "cpu", "samples": N, "runs": N}'
// `round` runs the quickstart experiment (20 clients) through runExperiment, as `fedtune run`
// does, for `runs` rounds, and reports the median wall time of the rounds between the first and
// the last (the first warms up; the last evaluates on the full test set).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './benchResults.mjs';

const { dist, workload, backend: backendName, samples, runs } = JSON.parse(process.argv[2]);
const model = await import(new URL('model/index.js', dist).href);
const { RandomStream, RandomStreams } = await import(new URL('random/counterRandom.js', dist).href);

const MLP = { inputSize: 784, hidden: [256, 128], numClasses: 10 };
const TEXT = { contextLength: 64, dModel: 64, layers: 2, heads: 4 };
const TRAINING = { epochs: 1, batchSize: 32, learningRate: 0.001, optimizer: 'adam' };
const ADAPTER = { rank: 4, alpha: 8 };
const initialisation = { seed: 1, round: 0, client: 0, stream: RandomStreams.initialisation };

/** `count` examples of `featureSize` values drawn by `draw`, labelled round-robin over 10 classes. */
function syntheticData(count, featureSize, draw) {
  const stream = new RandomStream({ seed: 1, round: 0, client: 0, stream: RandomStreams.subset });
  const features = Float32Array.from({ length: count * featureSize }, () => draw(stream));
  const labels = Int32Array.from({ length: count }, (_, i) => i % 10);
  return { count, featureSize, numClasses: 10, features, labels };
}

/** The base model and the data of a training workload: pixel-like features or random byte windows. */
function baseAndData() {
  if (workload === 'mlp') {
    const base = model.createMlp(MLP, model.initialMlpWeights(MLP, initialisation));
    return { base, data: syntheticData(samples, MLP.inputSize, (s) => s.uniform()), tokensPerSample: 1 };
  }
  const config = model.byteTransformerConfig(TEXT);
  const { weights, tensors } = model.initialTransformerWeights(config, initialisation);
  const base = model.createTransformer(config, weights, tensors);
  return { base, data: syntheticData(samples, TEXT.contextLength, (s) => s.int(256)), tokensPerSample: TEXT.contextLength };
}

async function trainingRuns() {
  const backend = await model.useTfBackend(backendName);
  const { base, data, tokensPerSample } = baseAndData();
  const adapter = model.loraAdapter.create(base.modules, { ...ADAPTER, numClasses: 10, random: initialisation });
  const trainer = new model.LocalTrainer(base, adapter, TRAINING);
  const start = adapter.initialParameters(base.frozen);
  const client = { clientId: 0, source: data, indices: Uint32Array.from({ length: data.count }, (_, i) => i) };
  // An untimed epoch first: V8 and the wasm heap take a few hundred steps to settle.
  await trainer.train(start, client, initialisation);
  const timed = [];
  for (let run = 0; run < runs; run++) {
    const began = performance.now();
    const cpuBefore = process.cpuUsage();
    const result = await trainer.train(start, client, { ...initialisation, round: run + 1 });
    const seconds = (performance.now() - began) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    timed.push({
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      samplesPerSecond: result.samples / seconds,
      tokensPerSecond: (result.samples * tokensPerSample) / seconds,
      meanLoss: result.meanLoss,
    });
  }
  trainer.dispose();
  base.dispose();
  return { backend, runs: timed };
}

async function roundRuns() {
  const core = await import(new URL('index.js', dist).href);
  const experimentDir = fileURLToPath(new URL('../../../examples/', import.meta.url));
  const { compare, $schema, ...quickstart } = JSON.parse(readFileSync(join(experimentDir, 'quickstart.json'), 'utf8'));
  const experiment = core.parseExperiment({ ...quickstart, training: { ...quickstart.training, rounds: runs } });
  const outDir = mkdtempSync(join(tmpdir(), 'fedtune-training-bench-'));
  try {
    // Every thread's CPU time at the end of each round: on a shared machine it moves far less with
    // other work than wall time.
    const cpuAtRoundEnd = [];
    const [summary] = await core.runExperiment(experiment, {
      onRound: () => cpuAtRoundEnd.push(process.cpuUsage()),
      outDir,
      experimentDir,
      container: core.createFedtuneContainer(),
      overwrite: true,
    });
    const ledger = readFileSync(join(outDir, core.RESULT_FILES.ledger), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const wallMs = ledger.map((row) => row.wallMs);
    const cpuMs = (usage) => (usage.user + usage.system) / 1000;
    // The same rounds as the wall time: from the end of the warm-up round to the start of the last.
    const timedCpuMs = cpuMs(cpuAtRoundEnd[runs - 2]) - cpuMs(cpuAtRoundEnd[0]);
    return {
      roundWallMs: median(wallMs.slice(1, -1)),
      roundsWallMs: wallMs,
      cpuMsPerRound: timedCpuMs / (runs - 2),
      finalAccuracy: summary.finalAccuracy,
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** Full pre-training of the transformer (every weight, next-byte loss at every position), `samples` windows a run. */
async function pretrainRuns() {
  const backend = await model.useTfBackend(backendName);
  const windows = syntheticData(samples, TEXT.contextLength, (s) => s.int(256));
  const data = { ...windows, numClasses: 256 };
  const steps = Math.ceil(samples / TRAINING.batchSize);
  const pretrain = async (count) =>
    (await model.pretrainTransformer({ data, size: TEXT, steps: count, batchSize: TRAINING.batchSize, learningRate: 0.003, seed: 1 })).dispose();
  await pretrain(1);
  const timed = [];
  for (let run = 0; run < runs; run++) {
    const began = performance.now();
    const cpuBefore = process.cpuUsage();
    await pretrain(steps);
    const seconds = (performance.now() - began) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const tokens = steps * TRAINING.batchSize * TEXT.contextLength;
    timed.push({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, tokensPerSecond: tokens / seconds });
  }
  return { backend, runs: timed };
}

const measure = { round: roundRuns, pretrain: pretrainRuns, mlp: trainingRuns, text: trainingRuns }[workload];
const result = await measure();
console.log(JSON.stringify({ ...result, peakRssBytes: process.resourceUsage().maxRSS * 1024 }));
