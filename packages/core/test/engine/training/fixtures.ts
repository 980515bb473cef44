import type { ClientData, FeatureSet } from '../../../src/data/types.js';
import type { TrainingWorkerRecipe } from '../../../src/engine/training/workerRecipe.js';
import { embeddedBasePath } from '../../../src/model/formats/embeddedBase.js';
import type { TfBackendChoice } from '../../../src/model/training/tfBackend.js';
import { RandomStreams, type RandomKey } from '../../../src/random/counterRandom.js';
import { separableFeatures } from '../../model/fixtures.js';

/** The embedded base's input size (28×28 images) and Fashion-MNIST's classes. */
const FEATURES = 784;
const CLASSES = 10;

/** Rows of the pool whose features are infinite, so a slot holding them diverges. */
export const POISONED_ROWS = Uint32Array.of(0, 1, 2, 3, 4, 5, 6, 7);

/** Separable examples fitting the embedded base, the first rows poisoned (see {@link POISONED_ROWS}). */
export function examplePool(count = 240): FeatureSet {
  const pool = separableFeatures(count, FEATURES, CLASSES);
  pool.features.fill(Infinity, 0, POISONED_ROWS.length * FEATURES);
  return pool;
}

/** LoRA r = 2 on the embedded base, one epoch of Adam in batches of 16. */
export function recipe(pool: FeatureSet, tfBackend: TfBackendChoice = 'cpu'): TrainingWorkerRecipe {
  return {
    tfBackend,
    baseModelPath: embeddedBasePath(),
    adapter: {
      name: 'lora',
      options: {},
      context: { seed: 5, numClients: 4 },
      settings: {
        rank: 2,
        alpha: 4,
        numClasses: CLASSES,
        random: { seed: 5, round: 0, client: 0, stream: RandomStreams.initialisation },
      },
    },
    plugins: [],
    resolveFrom: process.cwd(),
    training: { epochs: 1, batchSize: 16, learningRate: 0.01, optimizer: 'adam' },
    pool,
  };
}

/** One request: a slot, its start vector and its batch-order key. */
export interface SlotRequest {
  start: Float32Array;
  data: ClientData;
  random: RandomKey;
}

/**
 * `count` slots over the healthy rows, of different sizes, from start vectors that differ from
 * `initial` (so a result returned to the wrong request shows).
 */
export function slotRequests(pool: FeatureSet, initial: Float32Array, count: number): SlotRequest[] {
  return Array.from({ length: count }, (_, i) => {
    const from = POISONED_ROWS.length + 10 * i;
    const indices = Uint32Array.from({ length: 24 + 4 * (i % 3) }, (_, j) => from + j);
    const start = initial.map((value, k) => value + (k % 7 === i % 7 ? 1e-3 * (i + 1) : 0));
    const clientId = i >> 1;
    return {
      start,
      data: { clientId, slot: i & 1, source: pool, indices },
      random: { seed: 5, round: 2, client: clientId, stream: 7 + (i & 1) },
    };
  });
}

/** The same bits: parameters compared as bytes, losses and counts exactly. */
export function bitsOf(result: { parameters: Float32Array; meanLoss: number; steps: number; samples: number }) {
  return {
    parameters: Buffer.from(result.parameters.buffer, result.parameters.byteOffset, result.parameters.byteLength).toString('base64'),
    meanLoss: result.meanLoss,
    steps: result.steps,
    samples: result.samples,
  };
}
