import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdapterInstance } from '../../src/contracts/adapter.js';
import type { FeatureSet } from '../../src/data/types.js';
import { RandomStreams } from '../../src/random/counterRandom.js';
import { frozenLinear, frozenOf, type BaseModel } from '../../src/model/architectures/baseModel.js';
import { headOnlyAdapter } from '../../src/model/adapters/headOnly.js';
import { loraAdapter } from '../../src/model/adapters/lora.js';
import { FrozenOutputCache } from '../../src/model/training/frozenOutputCache.js';
import { useTfBackend } from '../../src/model/training/tfBackend.js';
import { LocalTrainer } from '../../src/model/training/trainer.js';
import { randomMlp, range, separableFeatures } from './fixtures.js';

const random = { seed: 11, round: 0, client: 0, stream: RandomStreams.initialisation };

let base: BaseModel;
beforeAll(async () => {
  await useTfBackend('cpu');
  base = randomMlp({ inputSize: 12, hidden: [8, 6], numClasses: 3 });
});
afterAll(() => base.dispose());

function fc1Cache(capacity = 64, maxBytes?: number): FrozenOutputCache {
  const frozen = frozenOf(base.frozen, 'fc1');
  return new FrozenOutputCache([{ name: 'fc1', outFeatures: 8, frozen }], capacity, maxBytes);
}

/** The given rows of `source` as a batch's input tensor. */
function batchInput(source: FeatureSet, rows: number[]): tf.Tensor2D {
  const size = source.featureSize;
  const inputs = Float32Array.from(rows.flatMap((row) => [...source.features.subarray(row * size, (row + 1) * size)]));
  return tf.tensor2d(inputs, [rows.length, size]);
}

/** fc1's output for the given rows of `source`, computed directly. */
function directOutput(source: FeatureSet, rows: number[]): Float32Array {
  return tf.tidy(() => frozenLinear(batchInput(source, rows), frozenOf(base.frozen, 'fc1')).dataSync() as Float32Array);
}

function gathered(cache: FrozenOutputCache, source: FeatureSet, order: number[]): Float32Array | undefined {
  return tf.tidy(
    () => cache.batchOutputs(source, order, 0, order.length, batchInput(source, order)).get('fc1')?.dataSync() as Float32Array | undefined
  );
}

describe('FrozenOutputCache', () => {
  it("gathers each example's frozen output, equal to the product of the batch itself", () => {
    const source = separableFeatures(40, 12, 3);
    const cache = fc1Cache();
    const order = [5, 2, 37, 2, 0];
    expect(gathered(cache, source, order)).toEqual(directOutput(source, order));
    // Read back from the cache, in another order, the rows are the same values.
    expect(gathered(cache, source, [0, 37, 5])).toEqual(directOutput(source, [0, 37, 5]));
  });

  it('computes an example once: a later batch reads the held row, a new example is computed', () => {
    const source = separableFeatures(40, 12, 3);
    const cache = fc1Cache();
    const before = directOutput(source, [3]);
    gathered(cache, source, [3]);
    // Feature sets are immutable by contract; changing one here shows which rows come from the cache.
    source.features.fill(0);
    const after = gathered(cache, source, [3, 4]) as Float32Array;
    expect(after.subarray(0, 8)).toEqual(before);
    expect(after.subarray(8)).toEqual(directOutput(source, [4]));
  });

  it('keeps each feature set apart', () => {
    const first = separableFeatures(40, 12, 3, 1);
    const second = separableFeatures(40, 12, 3, 2);
    const cache = fc1Cache();
    gathered(cache, first, [1, 2]);
    expect(gathered(cache, second, [1, 2])).toEqual(directOutput(second, [1, 2]));
  });

  it('holds nothing for a feature set whose cache would pass the byte limit', () => {
    const source = separableFeatures(40, 12, 3);
    // 40 examples × 8 outputs × 4 bytes = 1,280 bytes.
    expect(gathered(fc1Cache(64, 1_279), source, [1])).toBeUndefined();
    expect(gathered(fc1Cache(64, 1_280), source, [1])).toEqual(directOutput(source, [1]));
  });
});

/**
 * `inner` as an adapter that never sees the trainer's cached output: it is handed the base's own
 * frozen weights, so every step computes the first layer's product as before the cache.
 */
function withoutCache(inner: AdapterInstance): AdapterInstance {
  return {
    layout: inner.layout,
    initialParameters: (frozen) => inner.initialParameters(frozen),
    linear: (module, x, _frozen, params) => {
      const own = frozenOf(base.frozen, module.name);
      return inner.linear(module, x, own, params) ?? frozenLinear(x, own);
    },
  };
}

/** An adapter that feeds fc1 twice its input: it must get the product of that input, not a cached one. */
function doubledInput(inner: AdapterInstance, cached: boolean): AdapterInstance {
  return {
    layout: inner.layout,
    initialParameters: (frozen) => inner.initialParameters(frozen),
    linear: (module, x, frozen, params) => {
      const given = cached ? frozen : frozenOf(base.frozen, module.name);
      const input = module.name === 'fc1' ? tf.mul<tf.Tensor2D>(x, 2) : x;
      return inner.linear(module, input, given, params) ?? frozenLinear(input, given);
    },
  };
}

async function trainTwice(adapter: AdapterInstance): Promise<{ parameters: Float32Array[]; accuracy: number }> {
  const data = separableFeatures(96, 12, 3);
  const trainer = new LocalTrainer(base, adapter, { epochs: 2, batchSize: 16, learningRate: 0.01, optimizer: 'adam' });
  const client = { clientId: 1, source: data, indices: range(data.count) };
  const first = await trainer.train(adapter.initialParameters(base.frozen), client, { ...random, round: 1 });
  // A second round on the same examples: every first-layer output now comes from the cache.
  const second = await trainer.train(first.parameters, client, { ...random, round: 2 });
  const { accuracy } = await trainer.evaluate(second.parameters, data);
  trainer.dispose();
  return { parameters: [first.parameters, second.parameters], accuracy };
}

describe('LocalTrainer with the frozen-output cache', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`trains and evaluates to the same bits as computing the first layer every step (LoRA and head only, ${backend})`, async () => {
      await useTfBackend(backend);
      try {
        for (const kind of [loraAdapter, headOnlyAdapter]) {
          const adapter = kind.create(base.modules, { rank: 2, alpha: 4, numClasses: 3, random });
          const cached = await trainTwice(adapter);
          const computed = await trainTwice(withoutCache(adapter));
          expect(cached).toEqual(computed);
        }
      } finally {
        await useTfBackend('cpu');
      }
    });
  }

  it("reads the first layer's outputs from the cache once an example has been seen", async () => {
    // Feature sets are immutable by contract; zeroing one after a first evaluation shows which
    // evaluation computes the first layer again (it sees zeros) and which reads the cache.
    const accuracies = [];
    for (const cached of [true, false]) {
      // Head only: fc1 is frozen whole, so its output is all the first layer computes.
      const head = headOnlyAdapter.create(base.modules, { rank: 2, alpha: 4, numClasses: 3, random });
      const adapter = cached ? head : withoutCache(head);
      const data = separableFeatures(96, 12, 3);
      const trainer = new LocalTrainer(base, adapter, { epochs: 3, batchSize: 16, learningRate: 0.05, optimizer: 'adam' });
      const { parameters } = await trainer.train(adapter.initialParameters(base.frozen), { clientId: 0, source: data, indices: range(96) }, random);
      const before = await trainer.evaluate(parameters, data);
      data.features.fill(0);
      accuracies.push([before.accuracy, (await trainer.evaluate(parameters, data)).accuracy]);
      trainer.dispose();
    }
    const [[cachedBefore, cachedAfter], [computedBefore, computedAfter]] = accuracies as [number[], number[]];
    expect(cachedBefore).toBeGreaterThan(0.5);
    expect(cachedAfter).toBe(cachedBefore);
    expect(computedBefore).toBe(cachedBefore);
    // Every zero example gets one prediction: a third of the balanced labels.
    expect(computedAfter).toBeCloseTo(1 / 3, 9);
  });

  it('gives an adapter that feeds the first layer another input the product of that input', async () => {
    const adapter = loraAdapter.create(base.modules, { rank: 2, alpha: 4, numClasses: 3, random });
    const offered = await trainTwice(doubledInput(adapter, true));
    const computed = await trainTwice(doubledInput(adapter, false));
    expect(offered).toEqual(computed);
    expect(offered).not.toEqual(await trainTwice(adapter));
  });
});
