// The scale benchmark: the quickstart model (embedded base, LoRA r = 4 on fc1 and fc2, new 10-class
// head; 3 local epochs, batch 32, Adam) federated over 100, 1,000 and 10,000 clients, trained by
// 1 and 2 workers. Each configuration runs in its own process (scaleConfiguration.mjs), through
// runExperiment as `fedtune run` does, and reports the median round wall time, the run's peak
// resident memory, what the engine holds per idle client, and its memory stores' bytes.
// Needs the built package (npm run bench:scale builds it). Writes bench/results/scale.json at the
// repository root and prints a table.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { machineInfo, writeBenchResults } from './benchResults.mjs';

const run = promisify(execFile);
const experimentDir = fileURLToPath(new URL('../../../examples/', import.meta.url));
const quickstart = JSON.parse(readFileSync(`${experimentDir}quickstart.json`, 'utf8'));

/**
 * Clients and the fraction sampled each round: 10, 20 and 100 participants, so a round's work
 * grows far less than the federation (about 900, 900 and 450 images an epoch; 90, 120 and 300
 * optimiser steps, since small shares leave small batches).
 */
const SIZES = [
  { clients: 100, fraction: 0.1 },
  { clients: 1_000, fraction: 0.02 },
  { clients: 10_000, fraction: 0.01 },
];
const WORKERS = [1, 2];
/** Round 0 warms up and the last round evaluates; the median is of the eight between. */
const ROUNDS = 10;
/**
 * The embedded subset's downstream pool holds 9,000 images; a client should have at least one
 * batch (32) of them, so above 9,000 / 32 clients the full set (Debian's dataset-fashion-mnist) is used.
 */
const EMBEDDED_DOWNSTREAM_IMAGES = 9_000;

/**
 * The quickstart experiment at one size. IID shares: a Dirichlet split cannot give each of 10,000
 * clients its floor of images from 45,000. Only the last round is evaluated.
 */
function experimentAt({ clients, fraction }) {
  const { compare, $schema, ...single } = quickstart;
  const source = EMBEDDED_DOWNSTREAM_IMAGES / clients >= quickstart.training.batchSize ? 'embedded' : 'system';
  return {
    ...single,
    name: `scale-${clients}`,
    data: { ...single.data, source, numClients: clients, partition: { kind: 'iid' } },
    training: { ...single.training, rounds: ROUNDS },
    selector: { name: 'uniform', options: { fraction } },
    evaluation: { every: ROUNDS },
  };
}

async function measure(size, workers) {
  const { parseExperiment } = await import('../dist/index.js');
  const experiment = parseExperiment(experimentAt(size));
  const script = fileURLToPath(new URL('./scaleConfiguration.mjs', import.meta.url));
  const { stdout } = await run(process.execPath, ['--expose-gc', script, JSON.stringify({ experiment, experimentDir, workers })], {
    maxBuffer: 1 << 24,
  });
  return { clients: size.clients, fraction: size.fraction, workers, ...JSON.parse(stdout.trim().split('\n').at(-1)) };
}

const began = performance.now();
const results = [];
for (const size of SIZES) {
  for (const workers of WORKERS) {
    const result = await measure(size, workers);
    results.push(result);
    console.error(`${size.clients} clients, ${workers} worker(s): ${result.roundWallMs.toFixed(0)} ms/round`);
  }
}
for (const result of results) {
  const single = results.find((r) => r.clients === result.clients && r.workers === 1);
  result.speedUpOverOneWorker = single.roundWallMs / result.roundWallMs;
}

const report = {
  benchmark: 'scale',
  description:
    'Quickstart model over 100, 1,000 and 10,000 clients (IID shares, uniform sampling), through runExperiment; ' +
    'round wall time is the ledger wallMs median of rounds 1–8 of 10 (round 0 warms up, round 9 evaluates on the 10,000 test images); ' +
    'peak RSS is the configuration process’s maxRSS over the run; bytes per idle client are heap + external ' +
    'bytes (shared buffers included) held after preparing the federation and client slots for N clients minus those for 10, ' +
    'over N − 10, median of 3 alternating measurements; memory stores are the client and server MemoryStore byte sizes ' +
    'after round 8 (the quickstart’s none/all/fedavg keep no per-client memory)',
  model: 'embedded Fashion-MNIST base (784-256-128-5 MLP), LoRA r=4 alpha 8 on fc1+fc2, new 10-class head',
  training: quickstart.training,
  rounds: ROUNDS,
  results,
  benchSeconds: (performance.now() - began) / 1000,
  machine: machineInfo(),
  date: new Date().toISOString(),
};
const resultsPath = await writeBenchResults('scale', report);

const mib = (bytes) => (bytes / 2 ** 20).toFixed(0);
console.log('clients | per round | workers | data     | round ms | peak RSS MiB | bytes/idle client | speed-up');
console.log('--------|-----------|---------|----------|----------|--------------|-------------------|---------');
for (const r of results) {
  console.log(
    `${String(r.clients).padStart(7)} | ${String(r.participantsPerRound).padStart(9)} | ${String(r.workers).padStart(7)} | ${r.data
      .replace('fashion-mnist ', '')
      .padEnd(8)} | ${r.roundWallMs.toFixed(0).padStart(8)} | ${mib(r.peakRssBytes).padStart(12)} | ${r.bytesPerIdleClient
      .toFixed(0)
      .padStart(17)} | ${r.speedUpOverOneWorker.toFixed(2).padStart(7)}×`,
  );
}
console.log(`wrote ${resultsPath}`);
