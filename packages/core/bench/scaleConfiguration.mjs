// One configuration of the scale benchmark (see scale.mjs), run in a process of its own so its peak
// resident memory is its own. Runs the experiment through runExperiment, as `fedtune run` does,
// then measures what the engine holds per idle client. Prints one JSON line on stdout.
// Needs --expose-gc: memory is read after full collections, so garbage is not counted as held.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  clientSlots,
  createFedtuneContainer,
  expandRuns,
  prepareFederation,
  readCheckpoint,
  RESULT_FILES,
  runExperiment,
  runFingerprint,
} from '../dist/index.js';
import { median } from './benchResults.mjs';

/** The configuration scale.mjs passes: the experiment, its folder and the worker count. */
const { experiment, experimentDir, workers } = JSON.parse(process.argv[2]);
/** Clients of the federation that memory per client is measured against. */
const REFERENCE_CLIENTS = 10;
/** Alternating measurements of the reference and full federations. */
const MEMORY_REPEATS = 3;

/**
 * Heap and off-heap bytes after full collections: V8's heap, typed arrays and tfjs's wasm heap
 * (`external`), and the shared buffers behind the federation, which Node counts under
 * `arrayBuffers` but not under `external`.
 */
function heldBytes(sharedBuffers) {
  globalThis.gc();
  globalThis.gc();
  const { heapUsed, external } = process.memoryUsage();
  let shared = 0;
  for (const buffer of sharedBuffers) shared += buffer.byteLength;
  return heapUsed + external + shared;
}

/**
 * Bytes held with a federation of `numClients` prepared and cut into client slots, as a run holds
 * them from start to end. The base is disposed afterwards, so the next measurement reuses its
 * place in the wasm heap (which never shrinks) rather than growing it.
 */
async function federationBytes(numClients) {
  const federation = await prepareFederation({ ...experiment, data: { ...experiment.data, numClients } }, experimentDir);
  const clients = clientSlots(federation, experiment.training.taskSlots);
  const arrays = [federation.pool.features, federation.pool.labels, ...clients.flatMap((c) => c.slots.map((s) => s.indices))];
  const shared = new Set(arrays.map((array) => array.buffer).filter((buffer) => buffer instanceof SharedArrayBuffer));
  const bytes = heldBytes(shared);
  federation.base.dispose();
  return bytes;
}

/**
 * Bytes per client beyond a federation of {@link REFERENCE_CLIENTS}: the median of several
 * alternating measurements, since a few tens of kilobytes of heap noise would swamp 100 clients.
 */
async function bytesPerIdleClient(numClients) {
  // A first, unmeasured preparation compiles the code and fills V8's caches, which would
  // otherwise count towards whichever federation is measured first.
  await federationBytes(REFERENCE_CLIENTS);
  const perClient = [];
  for (let repeat = 0; repeat < MEMORY_REPEATS; repeat++) {
    const reference = await federationBytes(REFERENCE_CLIENTS);
    const full = await federationBytes(numClients);
    perClient.push((full - reference) / (numClients - REFERENCE_CLIENTS));
  }
  return { median: median(perClient), samples: perClient };
}

const outDir = mkdtempSync(join(tmpdir(), 'fedtune-scale-'));
const rounds = experiment.training.rounds;
// A checkpoint after the second-to-last round carries both memory stores; the last round's ledger
// row arrives while it is still on disk (the run removes it when it ends).
const checkpointEvery = rounds - 1;
const fingerprint = runFingerprint(expandRuns(experiment)[0].experiment);
let memoryStores;
const began = performance.now();
try {
  const [summary] = await runExperiment(experiment, {
    outDir,
    experimentDir,
    container: createFedtuneContainer(),
    overwrite: true,
    workers,
    checkpointEvery,
    onRound: (event) => {
      if (event.round !== rounds - 1) return;
      const state = readCheckpoint(outDir, fingerprint);
      memoryStores = {
        afterRound: state.nextRound - 1,
        clientBytes: state.clientMemory.byteSize(),
        serverBytes: state.serverMemory.byteSize(),
      };
    },
  });
  const runSeconds = (performance.now() - began) / 1000;
  const ledger = readFileSync(join(outDir, RESULT_FILES.ledger), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  // The peak of the run alone: the memory measurements below load the data again.
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  const idle = await bytesPerIdleClient(experiment.data.numClients);

  // Round 0 pays for V8 and the wasm heap settling, and the last round evaluates on the test set:
  // the median is of the rounds between.
  const timed = ledger.slice(1, -1);
  console.log(
    JSON.stringify({
      data: summary.data,
      participantsPerRound: median(ledger.map((row) => row.participants)),
      roundWallMs: median(timed.map((row) => row.wallMs)),
      roundsWallMs: ledger.map((row) => row.wallMs),
      peakRssBytes,
      bytesPerIdleClient: idle.median,
      bytesPerIdleClientSamples: idle.samples,
      memoryStores,
      finalAccuracy: summary.finalAccuracy,
      runSeconds,
    }),
  );
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
