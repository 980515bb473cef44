import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AdapterInstance, AdapterOptions, LinearModuleInfo } from '../../src/contracts/adapter.js';
import { ConfigError } from '../../src/errors.js';
import { RandomStreams } from '../../src/random/counterRandom.js';
import { frozenLinear, hostFromFrozen, type BaseModel } from '../../src/model/architectures/baseModel.js';
import { headOnlyAdapter, headOnlyAdapterFactory } from '../../src/model/adapters/headOnly.js';
import { createLoraAdapter, loraAdapter, loraAdapterFactory, loraScale } from '../../src/model/adapters/lora.js';
import { mlpModules } from '../../src/model/architectures/mlp.js';
import { indexLayout } from '../../src/model/adapters/parameterLayout.js';
import { useTfBackend } from '../../src/model/training/tfBackend.js';
import { randomMlp } from './fixtures.js';

beforeAll(async () => {
  await useTfBackend('cpu');
});

const random = { seed: 3, round: 0, client: 0, stream: RandomStreams.initialisation };
const options = (overrides: Partial<AdapterOptions> = {}): AdapterOptions => ({
  rank: 2,
  alpha: 4,
  numClasses: 3,
  random,
  ...overrides,
});
const config = { inputSize: 6, hidden: [5, 4], numClasses: 3 };

/** Logits of `base` with `instance` attached and its trainable tensors set from `flat`. */
function adaptedLogits(base: BaseModel, instance: AdapterInstance, flat: Float32Array, rows: number[][]): Float32Array {
  return tf.tidy(() => {
    const { slots } = indexLayout(instance.layout);
    const params = new Map(
      slots.map((slot) => [
        slot.spec.name,
        tf.tensor(flat.subarray(slot.offset, slot.offset + slot.size), slot.spec.shape),
      ])
    );
    const logits = base.forward(tf.tensor2d(rows), (module, x) => {
      const frozen = base.frozen.get(module.name)!;
      return instance.linear(module, x, frozen, params) ?? frozenLinear(x, frozen);
    });
    return logits.dataSync() as Float32Array;
  });
}

function baseLogits(base: BaseModel, rows: number[][]): Float32Array {
  return tf.tidy(
    () =>
      base
        .forward(tf.tensor2d(rows), (module, x) => frozenLinear(x, base.frozen.get(module.name)!))
        .dataSync() as Float32Array
  );
}

const rows = [
  [0.5, -1, 0.25, 2, 0, 1],
  [-0.3, 0.7, 1.1, -2, 0.4, 0],
];

describe('lora forward', () => {
  it('equals x·(W + (α/r)·B·A)ᵀ + b on a 2×3 example (worked by hand)', () => {
    const module: LinearModuleInfo = { name: 'fc1', inFeatures: 3, outFeatures: 2, isHead: false };
    const head: LinearModuleInfo = { name: 'head', inFeatures: 2, outFeatures: 2, isHead: true };
    // r = 1, α = 2 → scale 2. W = [[1, 0, 2], [0, 1, −1]], b = [0.5, −1], A = [[1, 1, 0]], B = [[2], [−1]].
    // (α/r)·B·A = [[4, 4, 0], [−2, −2, 0]], so W + ΔW = [[5, 4, 2], [−2, −1, −1]].
    // x₁ = [1, 2, 3] → [19, −7] + b = [19.5, −8]; x₂ = [0, −1, 1] → [−2, 0] + b = [−1.5, −1].
    const instance = loraAdapter.create([module, head], options({ rank: 1, alpha: 2, numClasses: 2 }));
    const output = tf.tidy(() => {
      const frozen = {
        weight: tf.tensor2d([
          [1, 0, 2],
          [0, 1, -1],
        ]),
        bias: tf.tensor1d([0.5, -1]),
      };
      const params = new Map<string, tf.Tensor>([
        ['fc1.lora_A.weight', tf.tensor2d([[1, 1, 0]])],
        ['fc1.lora_B.weight', tf.tensor2d([[2], [-1]])],
      ]);
      return instance
        .linear(
          module,
          tf.tensor2d([
            [1, 2, 3],
            [0, -1, 1],
          ]),
          frozen,
          params
        )!
        .arraySync();
    });
    expect(output).toEqual([
      [19.5, -8],
      [-1.5, -1],
    ]);
    const flat = Float32Array.of(1, 1, 0, 2, -1, /* head */ 0, 0, 0, 0, 0, 0);
    expect(instance.mergedDeltas!(flat).get('fc1')).toEqual(Float32Array.of(4, 4, 0, -2, -2, 0));
  });

  it('with B = 0 at start, reproduces the base model exactly', () => {
    const base = randomMlp(config);
    const instance = loraAdapter.create(base.modules, options());
    const start = instance.initialParameters(base.frozen);
    expect(adaptedLogits(base, instance, start, rows)).toEqual(baseLogits(base, rows));
    base.dispose();
  });

  it('changes the output once B is non-zero', () => {
    const base = randomMlp(config);
    const instance = loraAdapter.create(base.modules, options());
    const start = instance.initialParameters(base.frozen);
    const slot = indexLayout(instance.layout).byName.get('fc2.lora_B.weight')!;
    start.fill(0.5, slot.offset, slot.offset + slot.size);
    expect(adaptedLogits(base, instance, start, rows)).not.toEqual(baseLogits(base, rows));
    base.dispose();
  });
});

describe('lora parameters', () => {
  it('lays out A, B per target in model order, then the head', () => {
    const base = randomMlp(config);
    const instance = loraAdapter.create(base.modules, options({ targetModules: ['fc2', 'fc1'] }));
    expect(instance.layout).toEqual([
      { name: 'fc1.lora_A.weight', shape: [2, 6] },
      { name: 'fc1.lora_B.weight', shape: [5, 2] },
      { name: 'fc2.lora_A.weight', shape: [2, 5] },
      { name: 'fc2.lora_B.weight', shape: [4, 2] },
      { name: 'head.weight', shape: [3, 4] },
      { name: 'head.bias', shape: [3] },
    ]);
    base.dispose();
  });

  it('starts A kaiming-uniform within ±1/√in, B at zero, the head as a copy of the base head', () => {
    const base = randomMlp(config);
    const instance = loraAdapter.create(base.modules, options());
    const start = instance.initialParameters(base.frozen);
    const layout = indexLayout(instance.layout);
    const values = (name: string) => {
      const slot = layout.byName.get(name)!;
      return start.subarray(slot.offset, slot.offset + slot.size);
    };
    const a = values('fc1.lora_A.weight');
    expect(Math.max(...a.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(6));
    expect(new Set(a).size).toBe(a.length);
    expect(values('fc1.lora_B.weight').every((v) => v === 0)).toBe(true);
    expect(values('fc2.lora_B.weight').every((v) => v === 0)).toBe(true);
    const host = hostFromFrozen(base).get('head')!;
    expect(values('head.weight')).toEqual(host.weight);
    expect(values('head.bias')).toEqual(host.bias);
    base.dispose();
  });

  it('draws the same start for the same key and another for another key', () => {
    const base = randomMlp(config);
    const first = loraAdapter.create(base.modules, options()).initialParameters(base.frozen);
    const again = loraAdapter.create(base.modules, options()).initialParameters(base.frozen);
    const other = loraAdapter
      .create(base.modules, options({ random: { ...random, seed: 4 } }))
      .initialParameters(base.frozen);
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    base.dispose();
  });

  it('starts a fresh head (kaiming weight, zero bias) when the class count differs from the base', () => {
    const base = randomMlp(config);
    const instance = loraAdapter.create(base.modules, options({ numClasses: 7 }));
    const layout = indexLayout(instance.layout);
    const start = instance.initialParameters(base.frozen);
    const weight = layout.byName.get('head.weight')!;
    const bias = layout.byName.get('head.bias')!;
    expect(weight.spec.shape).toEqual([7, 4]);
    const headWeight = start.subarray(weight.offset, weight.offset + weight.size);
    expect(Math.max(...headWeight.map(Math.abs))).toBeLessThanOrEqual(0.5);
    expect(headWeight.some((v) => v !== 0)).toBe(true);
    expect(start.subarray(bias.offset, bias.offset + bias.size)).toEqual(new Float32Array(7));
    base.dispose();
  });

  it('merges (α/r)·B·A per module, and α/√r with rsLoRA', () => {
    expect(loraScale(4, 8, false)).toBe(2);
    expect(loraScale(4, 8, true)).toBe(4);
    const base = randomMlp(config);
    const instance = createLoraAdapter({ useRsLora: true }).create(base.modules, options({ targetModules: ['fc2'] }));
    const flat = new Float32Array(indexLayout(instance.layout).size);
    // A = [[1, 0, 0, 0, 0], [0, 0, 0, 0, 1]], B = [[1, 0], [0, 0], [0, 0], [0, 3]]; scale = 4/√2.
    flat[0] = 1;
    flat[9] = 1;
    flat[10] = 1;
    flat[17] = 3;
    const delta = instance.mergedDeltas!(flat).get('fc2')!;
    const expected = new Float32Array(20);
    expected[0] = 4 / Math.sqrt(2);
    expected[19] = (3 * 4) / Math.sqrt(2);
    expect(delta).toEqual(expected);
    base.dispose();
  });
});

describe('lora options', () => {
  const modules = mlpModules(config);
  const context = { seed: 0, numClients: 1 };

  it('names the available modules when a target does not exist', () => {
    expect(() => loraAdapter.create(modules, options({ targetModules: ['fc3'] }))).toThrow(ConfigError);
    expect(() => loraAdapter.create(modules, options({ targetModules: ['fc3'] }))).toThrow(
      /available modules: fc1, fc2/
    );
  });

  it('refuses the head, a repeated target, an empty list, and bad rank or alpha', () => {
    expect(() => loraAdapter.create(modules, options({ targetModules: ['head'] }))).toThrow(/is the head/);
    expect(() => loraAdapter.create(modules, options({ targetModules: ['fc1', 'fc1'] }))).toThrow(/twice/);
    expect(() => loraAdapter.create(modules, options({ targetModules: [] }))).toThrow(/empty/);
    expect(() => loraAdapter.create(modules, options({ rank: 1.5 }))).toThrow(/rank/);
    expect(() => loraAdapter.create(modules, options({ alpha: 0 }))).toThrow(/alpha/);
    expect(() => loraAdapter.create(modules, options({ numClasses: 0 }))).toThrow(/numClasses/);
  });

  it('is registered under the names lora and head by @fedtune/core', () => {
    expect(loraAdapterFactory).toMatchObject({ name: 'lora', plugin: '@fedtune/core' });
    expect(loraAdapterFactory.create({}, context).name).toBe('lora');
    expect(headOnlyAdapterFactory).toMatchObject({ name: 'head', plugin: '@fedtune/core' });
    expect(headOnlyAdapterFactory.create({}, context)).toBe(headOnlyAdapter);
  });

  it('takes useRsLora from its options: the scale α/√r instead of α/r', () => {
    const scaleOf = (loraOptions: Record<string, unknown>) => {
      const instance = loraAdapterFactory.create(loraOptions, context).create(modules, options({ rank: 4, alpha: 8 }));
      const flat = new Float32Array(indexLayout(instance.layout).size);
      // A[0][0] = 1 and B[0][0] = 1 in fc1: ΔW[0][0] is the scale.
      flat[0] = 1;
      flat[indexLayout(instance.layout).byName.get('fc1.lora_B.weight')!.offset] = 1;
      return instance.mergedDeltas!(flat).get('fc1')![0];
    };
    expect(scaleOf({})).toBe(2);
    expect(scaleOf({ useRsLora: false })).toBe(2);
    expect(scaleOf({ useRsLora: true })).toBe(4);
  });

  it('refuses a misspelt option, naming the known ones and the near miss', () => {
    expect(() => loraAdapterFactory.create({ useRSLora: true }, context)).toThrow(ConfigError);
    expect(() => loraAdapterFactory.create({ useRSLora: true }, context)).toThrow(
      'adapter lora: options.useRSLora: unknown option (did you mean "useRsLora"?); allowed: useRsLora'
    );
    expect(() => loraAdapterFactory.create({ useRsLora: 'yes' }, context)).toThrow(/adapter lora: options\.useRsLora: /);
  });

  it('says its PEFT form and the settings of a lower-rank slice; refuses a slice above its rank', () => {
    const instance = createLoraAdapter({ useRsLora: true }).create(modules, options({ rank: 4, alpha: 8, targetModules: ['fc2'] }));
    expect(instance.peftLora).toEqual({ rank: 4, alpha: 8, useRsLora: true, targetModules: ['fc2'], modulesToSave: ['head'] });
    // rsLoRA: α/√r stays 4 at rank 1 with α = 8·√(1/4) = 4.
    expect(instance.sliceSettings?.(1)).toEqual(options({ rank: 1, alpha: 4, targetModules: ['fc2'] }));
    expect(() => instance.sliceSettings?.(5)).toThrow(/slice rank 5 is not a whole number from 1 to the adapter's rank 4/);
    expect(() => instance.sliceSettings?.(0)).toThrow(ConfigError);
  });

  it('head-only takes no options and refuses any', () => {
    expect(() => headOnlyAdapterFactory.create({ useRsLora: true }, context)).toThrow(
      'adapter head: options.useRsLora: unknown option; allowed: none'
    );
  });
});

describe('head-only adapter', () => {
  it('trains only the head and leaves every other module frozen', () => {
    const base = randomMlp(config);
    const instance = headOnlyAdapter.create(base.modules, options({ targetModules: ['fc1'] }));
    expect(instance.layout).toEqual([
      { name: 'head.weight', shape: [3, 4] },
      { name: 'head.bias', shape: [3] },
    ]);
    const start = instance.initialParameters(base.frozen);
    expect(adaptedLogits(base, instance, start, rows)).toEqual(baseLogits(base, rows));
    const fc1 = base.modules[0]!;
    const untouched = tf.tidy(() => instance.linear(fc1, tf.zeros([1, 6]), base.frozen.get('fc1')!, new Map()));
    expect(untouched).toBeUndefined();
    base.dispose();
  });
});
