// Wall time of one round of local training on the quickstart setup (LoRA r = 4, alpha 8 on the
// embedded base; 20 clients of 300 embedded Fashion-MNIST images; one epoch, batch 32, Adam; wasm
// backend): in the main thread, then in worker pools of 1 and 2 threads (or the sizes given as
// arguments). Clients are trained concurrently and their results checked bit-identical across
// every mode. Needs the built package (npx tsc -p tsconfig.build.json). Writes
// bench/results/pool.json at the repository root.
// The package entry, not a subfolder: it loads the Reflect polyfill tsyringe needs.
import {
  embeddedBasePath,
  InThreadSlotTrainer,
  loadFashionMnist,
  RandomStreams,
  toFeatureSet,
  trainerFromRecipe,
  WorkerPoolTrainer,
} from '../dist/index.js';
import { machineInfo, median, writeBenchResults } from './benchResults.mjs';

const CLIENTS = 20;
const IMAGES_PER_CLIENT = 300;
const TRAINING = { epochs: 1, batchSize: 32, learningRate: 0.003, optimizer: 'adam' };
const ADAPTER = { rank: 4, alpha: 8 };
/** Pool sizes to time; `node bench/pool.mjs 1 2 4 8` times others on a machine with more cores. */
const POOL_SIZES = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [1, 2];
/** Timed rounds per setting, after one untimed round (V8 and the wasm heap settle in it). */
const ROUNDS = 5;

const images = loadFashionMnist({ source: 'embedded' });
const pool = toFeatureSet(images.train);
const recipe = {
  tfBackend: 'wasm',
  baseModelPath: embeddedBasePath(),
  adapter: {
    name: 'lora',
    options: {},
    context: { seed: 42, numClients: CLIENTS },
    settings: {
      ...ADAPTER,
      numClasses: pool.numClasses,
      random: { seed: 42, round: 0, client: 0, stream: RandomStreams.initialisation },
    },
  },
  plugins: [],
  resolveFrom: process.cwd(),
  training: TRAINING,
  pool,
};
const slots = Array.from({ length: CLIENTS }, (_, clientId) => ({
  clientId,
  slot: 0,
  source: pool,
  indices: Uint32Array.from({ length: IMAGES_PER_CLIENT }, (_, i) => clientId * IMAGES_PER_CLIENT + i),
}));

/** Every client's training of one round, started together and awaited in client order. */
async function round(trainer, start, index) {
  const random = (clientId) => ({ seed: 42, round: index, client: clientId, stream: RandomStreams.batchShuffle });
  const began = performance.now();
  const results = await Promise.all(slots.map((slot) => trainer.train(start, slot, random(slot.clientId))));
  return { seconds: (performance.now() - began) / 1000, results };
}

/** Start-up time, then the median of the timed rounds, and the last round's results. */
async function measure(mode, startTrainer, start) {
  const began = performance.now();
  const trainer = await startTrainer();
  const startupSeconds = (performance.now() - began) / 1000;
  await round(trainer, start, 0);
  const timed = [];
  for (let r = 1; r <= ROUNDS; r++) timed.push(await round(trainer, start, r));
  await trainer.close();
  const roundSeconds = median(timed.map((t) => t.seconds));
  const fingerprint = timed.at(-1).results.map((r) => Buffer.from(r.parameters.buffer).toString('base64') + r.meanLoss);
  return { mode, startupSeconds, roundSeconds, roundsSeconds: timed.map((t) => t.seconds), fingerprint };
}

const reference = await trainerFromRecipe(recipe);
const start = reference.adapter.initialParameters(reference.base.frozen);
const runs = [await measure('in-thread', async () => new InThreadSlotTrainer(reference.trainer), start)];
for (const workers of POOL_SIZES) {
  runs.push(await measure(`pool, ${workers} worker${workers > 1 ? 's' : ''}`, () => WorkerPoolTrainer.start(recipe, { workers }), start));
}
reference.trainer.dispose();
reference.base.dispose();

const baseline = runs[0].roundSeconds;
const identical = runs.every((run) => run.fingerprint.every((f, i) => f === runs[0].fingerprint[i]));
const results = runs.map(({ fingerprint, ...run }) => ({
  ...run,
  samplesPerSecond: (CLIENTS * IMAGES_PER_CLIENT * TRAINING.epochs) / run.roundSeconds,
  speedUp: baseline / run.roundSeconds,
}));
const report = {
  benchmark: 'training-pool',
  description:
    'Wall time of one round (every client trained once), median of timed rounds after an untimed one; ' +
    'start-up (worker threads loading the base and building the trainer) timed separately',
  model: 'embedded Fashion-MNIST base (784-256-128-5 MLP), new 10-class head',
  adapter: { name: 'lora', ...ADAPTER },
  training: TRAINING,
  tfBackend: reference.tfBackend,
  clients: CLIENTS,
  imagesPerClient: IMAGES_PER_CLIENT,
  identicalAcrossModes: identical,
  results,
  machine: machineInfo(),
  date: new Date().toISOString(),
};
const resultsPath = await writeBenchResults('pool', report);

console.log(
  `one round: ${CLIENTS} clients × ${IMAGES_PER_CLIENT} images, LoRA r=${ADAPTER.rank}, batch ${TRAINING.batchSize}, Adam, ${reference.tfBackend}`,
);
console.log('mode                | start-up s | round s | samples/s | speed-up');
console.log('--------------------|------------|---------|-----------|---------');
for (const r of results) {
  console.log(
    `${r.mode.padEnd(19)} | ${r.startupSeconds.toFixed(2).padStart(10)} | ${r.roundSeconds.toFixed(2).padStart(7)} | ${r.samplesPerSecond
      .toFixed(0)
      .padStart(9)} | ${r.speedUp.toFixed(2).padStart(7)}×`,
  );
}
console.log(`results identical across modes: ${identical}`);
console.log(`wrote ${resultsPath}`);
if (!identical) process.exitCode = 1;
