import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AdapterOptions } from '../../../src/contracts/adapter.js';
import { headOnlyAdapter } from '../../../src/model/adapters/headOnly.js';
import { loraAdapter } from '../../../src/model/adapters/lora.js';
import { indexLayout } from '../../../src/model/adapters/parameterLayout.js';
import { useTfBackend } from '../../../src/model/training/tfBackend.js';
import { RandomStreams } from '../../../src/random/counterRandom.js';
import { randomMlp } from '../fixtures.js';

beforeAll(async () => {
  await useTfBackend('cpu');
});

const settings = (overrides: Partial<AdapterOptions>): AdapterOptions => ({
  rank: 2,
  alpha: 4,
  numClasses: 2,
  random: { seed: 3, round: 0, client: 0, stream: RandomStreams.initialisation },
  ...overrides,
});

describe('a new head trained without a bias (transformers\' score)', () => {
  for (const adapter of [loraAdapter, headOnlyAdapter]) {
    it(`${adapter.name}: holds the weight alone, starts as the biased head's weight, and computes x·Wᵀ`, () => {
      const base = randomMlp({ inputSize: 6, hidden: [5, 4], numClasses: 3 });
      try {
        const head = base.modules.find((module) => module.isHead)!;
        const biased = adapter.create(base.modules, settings({}));
        const bare = adapter.create(base.modules, settings({ headWithoutBias: true }));
        expect(bare.layout.filter((spec) => spec.name.startsWith(`${head.name}.`))).toEqual([{ name: `${head.name}.weight`, shape: [2, head.inFeatures] }]);
        expect(biased.layout.length - bare.layout.length).toBe(1);
        // The same draws: the bias is all that is left out.
        const biasedInitial = biased.initialParameters(base.frozen);
        const initial = bare.initialParameters(base.frozen);
        expect(initial).toEqual(biasedInitial.subarray(0, biasedInitial.length - 2));

        const values = Float32Array.from(initial, (_, i) => 0.1 * (i + 1));
        const params = new Map(
          indexLayout(bare.layout).slots.map((slot) => [slot.spec.name, tf.tensor(values.subarray(slot.offset, slot.offset + slot.size), slot.spec.shape)])
        );
        const x = tf.tensor2d([[1, -2, 0.5, 3]]);
        const weight = params.get(`${head.name}.weight`) as tf.Tensor2D;
        const output = bare.linear(head, x, base.frozen.get(head.name)!, params)!;
        expect(output.arraySync()).toEqual(tf.matMul(x, weight, false, true).arraySync());
      } finally {
        base.dispose();
      }
    });
  }
});
