import * as tf from '@tensorflow/tfjs-core';
import { fc, test as property } from '@fast-check/vitest';
import {
  ConfigError,
  createFedtuneContainer,
  createMlp,
  initialMlpWeights,
  LocalTrainer,
  loraAdapter,
  resolveNamed,
  useTfBackend,
  type AdapterInstance,
  type AdapterOptions,
  type FeatureSet,
  type StepContext,
} from '@fedtune/core';
import { beforeAll, describe, expect, it } from 'vitest';
import plugin, {
  createLoraMetricsAdapter,
  createRmLoraAdapter,
  parseLoraMetricsOptions,
  parseRmLoraOptions,
  resolveMaskedRank,
  RmLoraInstance,
} from '../src/index.js';
import { initRandom, smallMlpModules } from './fixtures.js';

beforeAll(async () => {
  await useTfBackend('cpu');
});

const adapterOptions = (rank: number): AdapterOptions => ({ rank, alpha: 2 * rank, numClasses: 3, random: initRandom });

/** The adapters as a run builds them: options validated, then bound. */
const rmlora = (options: Record<string, unknown>) => createRmLoraAdapter(parseRmLoraOptions(options));
const loraMetrics = (options: Record<string, unknown>) => createLoraMetricsAdapter(parseLoraMetricsOptions(options));

/** Gradients of ones for every tensor of the layout. */
const onesFor = (instance: AdapterInstance) =>
  new Map(instance.layout.map((spec) => [spec.name, tf.ones(spec.shape)] as [string, tf.Tensor]));

/** Indices of the rows (axis 0) or columns (axis 1) of a 2-D tensor that are not all zero. */
function liveLines(t: tf.Tensor, axis: 0 | 1): number[] {
  const [rows, cols] = t.shape as [number, number];
  const values = t.dataSync();
  const count = axis === 0 ? rows : cols;
  const live: number[] = [];
  for (let line = 0; line < count; line++) {
    const length = axis === 0 ? cols : rows;
    let any = false;
    for (let j = 0; j < length; j++) {
      const value = axis === 0 ? values[line * cols + j] : values[j * cols + line];
      if (value !== 0) any = true;
    }
    if (any) live.push(line);
  }
  return live;
}

const stepAt = (step: number, client = 1): StepContext => ({ step, random: { seed: 5, round: 3, client, stream: 2 } });

describe('the rank mask on gradients', () => {
  property.prop(
    [
      fc.integer({ min: 1, max: 8 }).chain((rank) => fc.tuple(fc.constant(rank), fc.integer({ min: 1, max: rank }))),
      fc.integer({ min: 1, max: 500 }),
      fc.constantFrom('v1', 'v2'),
    ],
    { numRuns: 40 }
  )('lets exactly k rows of each A and k columns of each B through', ([rank, k], step, variant) => {
    const instance = rmlora({ maskedRank: k, variant }).create(smallMlpModules(), adapterOptions(rank));
    tf.tidy(() => {
      const masked = instance.transformGradients!(onesFor(instance), stepAt(step));
      for (const module of ['fc1', 'fc2']) {
        const rowsA = liveLines(masked.get(`${module}.lora_A.weight`)!, 0);
        const columnsB = liveLines(masked.get(`${module}.lora_B.weight`)!, 1);
        expect(rowsA).toHaveLength(k);
        expect(columnsB).toHaveLength(k);
        if (variant === 'v1') expect(columnsB).toEqual(rowsA);
      }
      expect(masked.get('head.weight')!.dataSync().every((v) => v === 1)).toBe(true);
      expect(masked.get('head.bias')!.dataSync().every((v) => v === 1)).toBe(true);
    });
  });

  it('keeps the surviving entries equal to the gradient and leaves step 0 unmasked', () => {
    const instance = rmlora({ maskedRank: 1 }).create(smallMlpModules(), adapterOptions(4));
    tf.tidy(() => {
      const grads = new Map(
        instance.layout.map((spec) => {
          const size = spec.shape.reduce((a, b) => a * b, 1);
          return [spec.name, tf.tensor(Float32Array.from({ length: size }, (_, i) => i + 1), spec.shape)] as const;
        })
      );
      const first = instance.transformGradients!(grads, stepAt(0));
      for (const [name, gradient] of grads) expect(first.get(name)!.dataSync()).toEqual(gradient.dataSync());
      const masked = instance.transformGradients!(grads, stepAt(1));
      const a = masked.get('fc1.lora_A.weight')!;
      const [row] = liveLines(a, 0) as [number];
      // A is [4, 6]: row `row` of 1..24 survives untouched.
      expect(Array.from(a.dataSync().subarray(row * 6, row * 6 + 6))).toEqual([1, 2, 3, 4, 5, 6].map((v) => v + row * 6));
    });
  });

  it('draws B apart from A in v2 (and with A in v1) over many steps', () => {
    const v2 = rmlora({ maskedRank: 2, variant: 'v2' }).create(smallMlpModules(), adapterOptions(8));
    let differing = 0;
    tf.tidy(() => {
      for (let step = 1; step <= 50; step++) {
        const masked = v2.transformGradients!(onesFor(v2), stepAt(step));
        const rowsA = liveLines(masked.get('fc1.lora_A.weight')!, 0);
        if (liveLines(masked.get('fc1.lora_B.weight')!, 1).join() !== rowsA.join()) differing++;
      }
    });
    // Independent draws of 2 of 8 coincide with probability 1/28.
    expect(differing).toBeGreaterThan(40);
  });

  it('draws per (client, step, layer): another client or layer gets other directions', () => {
    const instance = rmlora({ maskedRank: 3 }).create(smallMlpModules(), adapterOptions(8));
    const rows = (step: number, client: number, module: string) =>
      tf.tidy(() => liveLines(instance.transformGradients!(onesFor(instance), stepAt(step, client)).get(`${module}.lora_A.weight`)!, 0));
    const sequence = (client: number, module: string) => Array.from({ length: 10 }, (_, s) => rows(s + 1, client, module).join());
    expect(sequence(1, 'fc1')).toEqual(sequence(1, 'fc1'));
    expect(sequence(2, 'fc1')).not.toEqual(sequence(1, 'fc1'));
    expect(sequence(1, 'fc2')).not.toEqual(sequence(1, 'fc1'));
  });
});

describe('maskMode "update": a hard freeze after the step', () => {
  it('restores masked rows of A and columns of B to their values before the step', () => {
    const instance = rmlora({ maskedRank: 2, maskMode: 'update' }).create(smallMlpModules(), adapterOptions(4));
    expect(instance.afterStep).toBeDefined();
    tf.tidy(() => {
      const before = new Map(instance.layout.map((spec) => [spec.name, tf.zeros(spec.shape)] as [string, tf.Tensor]));
      const after = onesFor(instance);
      const restored = instance.afterStep!(after, before, stepAt(7));
      const gradientRows = liveLines(instance.transformGradients!(after, stepAt(7)).get('fc1.lora_A.weight')!, 0);
      expect(liveLines(restored.get('fc1.lora_A.weight')!, 0)).toEqual(gradientRows);
      expect(liveLines(restored.get('fc1.lora_B.weight')!, 1)).toEqual(gradientRows);
      // Kept rows took the step exactly: after·1 + before·0.
      expect(restored.get('fc1.lora_A.weight')!.dataSync().every((v) => v === 0 || v === 1)).toBe(true);
      expect(restored.has('head.weight')).toBe(false);
    });
  });

  it('has no post-step hook in "grad" mode, so the trainer copies nothing', () => {
    expect(rmlora({}).create(smallMlpModules(), adapterOptions(4)).afterStep).toBeUndefined();
  });

  it('moves exactly k rows of A per masked step in training, where grad mode lets Adam drift the rest', async () => {
    const config = { inputSize: 6, hidden: [5], numClasses: 3 };
    const base = createMlp(config, initialMlpWeights(config, { seed: 2, round: 0, client: 0, stream: 5 }));
    const count = 96;
    const data: FeatureSet = {
      count,
      featureSize: 6,
      numClasses: 3,
      features: Float32Array.from({ length: count * 6 }, (_, i) => Math.sin(i * 0.7)),
      labels: Int32Array.from({ length: count }, (_, i) => i % 3),
    };
    const client = { clientId: 0, source: data, indices: Uint32Array.from({ length: count }, (_, i) => i) };
    /** Rows of fc1's A that changed at each step, seen by wrapping the adapter's post-step hook. */
    const movedRows = async (maskMode: 'grad' | 'update') => {
      const inner = rmlora({ maskedRank: 1, maskMode }).create(base.modules, { ...adapterOptions(4), numClasses: 3 });
      const moved: number[] = [];
      const spy: AdapterInstance = {
        layout: inner.layout,
        initialParameters: inner.initialParameters.bind(inner),
        linear: inner.linear.bind(inner),
        transformGradients: inner.transformGradients!.bind(inner),
        afterStep: (params, before, context) => {
          const out = inner.afterStep?.(params, before, context) ?? new Map<string, tf.Tensor>();
          const a = out.get('fc1.lora_A.weight') ?? params.get('fc1.lora_A.weight')!;
          moved.push(liveLines(tf.sub(a, before.get('fc1.lora_A.weight')!), 0).length);
          return out;
        },
      };
      const trainer = new LocalTrainer(base, spy, { epochs: 2, batchSize: 16, learningRate: 0.01, optimizer: 'adam' });
      await trainer.train(inner.initialParameters(base.frozen), client, { seed: 1, round: 0, client: 0, stream: 2 });
      trainer.dispose();
      return moved;
    };
    const update = await movedRows('update');
    const grad = await movedRows('grad');
    // Step 0: B = 0, so A has no gradient yet; from step 1 on one row of A moves in update mode.
    expect(update).toEqual([0, ...new Array<number>(11).fill(1)]);
    // With Adam's momentum, rows masked after they once moved keep drifting.
    expect(Math.max(...grad)).toBeGreaterThan(1);
    base.dispose();
  });
});

describe('options', () => {
  it('defaults to λ = 0.1, k = ⌈r/2⌉, v1, grad mode, α/r scaling', () => {
    expect(resolveMaskedRank(parseRmLoraOptions({}), 5)).toEqual({
      lambda: 0.1,
      maskedRank: 3,
      variant: 'v1',
      maskMode: 'grad',
      useRsLora: false,
    });
    expect(resolveMaskedRank(parseRmLoraOptions({}), 8).maskedRank).toBe(4);
    expect(resolveMaskedRank(parseRmLoraOptions({ maskedRank: 2 }), 8).maskedRank).toBe(2);
  });

  it('names the field and what is allowed for every bad value', () => {
    expect(() => parseRmLoraOptions({ lambda: -1 })).toThrow(ConfigError);
    expect(() => parseRmLoraOptions({ variant: 'v3' })).toThrow(/adapter rmlora: options\.variant/);
    expect(() => parseRmLoraOptions({ maskMode: 'weights' })).toThrow(/options\.maskMode/);
    expect(() => parseRmLoraOptions({ maskedRank: 1.5 })).toThrow(/options\.maskedRank/);
    expect(() => resolveMaskedRank(parseRmLoraOptions({ maskedRank: 5 }), 4)).toThrow(/maskedRank: 5 is above the adapter rank 4/);
    expect(() => rmlora({ maskedRank: 3 }).create(smallMlpModules(), adapterOptions(2))).toThrow(ConfigError);
  });

  it('refuses unknown keys in either adapter, naming the known options and the near miss', () => {
    expect(() => parseRmLoraOptions({ lamda: 0.1 })).toThrow(
      'adapter rmlora: options.lamda: unknown option (did you mean "lambda"?); allowed: useRsLora, lambda, maskedRank, variant, maskMode'
    );
    expect(() => parseLoraMetricsOptions({ useRSLora: true })).toThrow(
      'adapter lora-metrics: options.useRSLora: unknown option (did you mean "useRsLora"?); allowed: useRsLora'
    );
    expect(() => parseLoraMetricsOptions({ variant: 'v1' })).toThrow(/adapter lora-metrics: options\.variant: unknown option/);
  });
});

describe('the adapters as LoRA', () => {
  it('train the same tensors, start from the same values and compute the same forward as core’s lora', () => {
    const modules = smallMlpModules();
    const lora = loraAdapter.create(modules, adapterOptions(4));
    const rm = rmlora({}).create(modules, adapterOptions(4));
    expect(rm).toBeInstanceOf(RmLoraInstance);
    expect(rm.layout).toEqual(lora.layout);
    expect(loraMetrics({}).create(modules, adapterOptions(4)).layout).toEqual(lora.layout);
    // Exported and sliced as LoRA: the mask and the regulariser change training, not what the parameters mean.
    expect(rm.peftLora).toEqual(lora.peftLora);
    expect(rm.sliceSettings?.(2)).toEqual(lora.sliceSettings?.(2));
    const config = { inputSize: 6, hidden: [5, 5], numClasses: 3 };
    const base = createMlp(config, initialMlpWeights(config, { seed: 2, round: 0, client: 0, stream: 5 }));
    const start = lora.initialParameters(base.frozen);
    expect(rm.initialParameters(base.frozen)).toEqual(start);
    const random = Float32Array.from({ length: start.length }, (_, i) => Math.cos(i));
    expect(rm.mergedDeltas!(random)).toEqual(lora.mergedDeltas!(random));
    base.dispose();
  });

  it('log the same metrics for the same parameters, and rsLoRA’s α/√r scale in σ', () => {
    const modules = smallMlpModules();
    const params = Float32Array.from({ length: 100 }, (_, i) => Math.sin(i + 1));
    const rm = rmlora({}).create(modules, adapterOptions(4));
    const plain = loraMetrics({}).create(modules, adapterOptions(4));
    const rs = loraMetrics({ useRsLora: true }).create(modules, adapterOptions(4));
    const length = rm.layout.reduce((n, spec) => n + spec.shape.reduce((a, b) => a * b, 1), 0);
    const flat = Float32Array.from({ length }, (_, i) => params[i % 100] as number);
    expect(rm.metrics!(flat)).toEqual(plain.metrics!(flat));
    // α = 8, r = 4: α/r = 2 and α/√r = 4.
    expect(rs.metrics!(flat)['fc1.sigmaMax']).toBeCloseTo(2 * plain.metrics!(flat)['fc1.sigmaMax']!, 4);
    expect(rs.metrics!(flat)['effectiveRank']).toBeCloseTo(plain.metrics!(flat)['effectiveRank']!, 6);
  });
});

describe('plugin descriptor', () => {
  it('registers rmlora and lora-metrics, checking options when the run is built', () => {
    const container = createFedtuneContainer();
    plugin.register(container);
    const context = { seed: 0, numClients: 1 };
    const rm = resolveNamed(container, 'adapter', 'rmlora').create({ variant: 'v2', useRsLora: true }, context);
    const instance = rm.create(smallMlpModules(), adapterOptions(4));
    expect(instance).toBeInstanceOf(RmLoraInstance);
    expect((instance as RmLoraInstance).options).toMatchObject({ variant: 'v2', maskedRank: 2 });
    expect(instance.peftLora).toMatchObject({ rank: 4, alpha: 8, useRsLora: true });
    expect(resolveNamed(container, 'adapter', 'lora-metrics').create({}, context).name).toBe('lora-metrics');
    expect(() => resolveNamed(container, 'adapter', 'lora-metrics').create({ useRSLora: true }, context)).toThrow(/did you mean "useRsLora"/);
    expect(resolveNamed(container, 'adapter', 'rmlora').plugin).toBe('@fedtune/plugin-rmlora');
    expect(() => resolveNamed(container, 'adapter', 'rmlora').create({ variant: 'v9' }, context)).toThrow(ConfigError);
    expect(resolveNamed(container, 'adapter', 'lora').plugin).toBe('@fedtune/core');
  });
});
