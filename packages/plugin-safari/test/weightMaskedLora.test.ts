import {
  counterUniforms,
  createFedtuneContainer,
  createMlp,
  indexLayout,
  initialMlpWeights,
  LocalTrainer,
  mlpModules,
  resolveNamed,
  useTfBackend,
  type FeatureSet,
} from '@fedtune/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { keptCount, plugin, weightMaskedLoraAdapter, weightMasks, type WeightMaskedLora } from '../src/index.js';

beforeAll(async () => {
  await useTfBackend('cpu');
});

const slots = indexLayout([
  { name: 'w', shape: [4] },
  { name: 'zero', shape: [2, 2] },
]).slots;
const key = (round: number) => ({ seed: 3, round, client: 5, stream: 2 });

describe('weightMasks', () => {
  it('keeps the largest |w| of each tensor, and breaks ties among equal weights at random', () => {
    const weights = Float32Array.of(0.5, -2, 0.1, 3, 0, 0, 0, 0);
    const masks = weightMasks(weights, slots, 0.5, key(0));
    expect(Array.from(masks.get('w')!)).toEqual([0, 1, 0, 1]);
    // An all-zero tensor (LoRA's B at the start) still keeps exactly round(0.5·4) = 2 entries …
    const zeroMasks = Array.from({ length: 12 }, (_, round) =>
      Array.from(weightMasks(weights, slots, 0.5, key(round)).get('zero')!),
    );
    for (const mask of zeroMasks) expect(mask.reduce((a, b) => a + b, 0)).toBe(2);
    // … not always the first two, as a lower-index tie rule would.
    expect(new Set(zeroMasks.map((mask) => mask.join(''))).size).toBeGreaterThan(1);
  });

  it('is the same for every client of a round and depends only on the weights, seed and round', () => {
    const weights = Float32Array.of(1, 1, 1, 1, 0, 0, 0, 0);
    const forClient = (client: number) => weightMasks(weights, slots, 0.75, { ...key(4), client });
    expect(forClient(0)).toEqual(forClient(9));
    expect(Array.from(forClient(0).get('w')!).reduce((a, b) => a + b, 0)).toBe(1);
  });
});

/** Three well-separated classes in 12 features. */
function threeClasses(count: number): FeatureSet {
  const prototypes = counterUniforms({ seed: 1, round: 0, client: 0, stream: 1000 }, 3 * 12);
  const noise = counterUniforms({ seed: 1, round: 0, client: 0, stream: 1001 }, count * 12);
  const features = Float32Array.from({ length: count * 12 }, (_, i) => {
    const row = Math.floor(i / 12);
    return 2 * (prototypes[(row % 3) * 12 + (i % 12)] as number) - 1 + 0.2 * (noise[i] as number);
  });
  return {
    count,
    featureSize: 12,
    numClasses: 3,
    features,
    labels: Int32Array.from({ length: count }, (_, i) => i % 3),
  };
}

describe('WeightMaskedLora in local training', () => {
  it('trains only the weights the mask keeps: every other entry of the update is exactly 0', async () => {
    const config = { inputSize: 12, hidden: [10, 6], numClasses: 3 };
    const base = createMlp(config, initialMlpWeights(config, { seed: 2, round: 0, client: 0, stream: 5 }));
    const sparsity = 0.6;
    const adapter = weightMaskedLoraAdapter({ sparsity, useRsLora: false }).create(base.modules, {
      rank: 2,
      alpha: 4,
      numClasses: 3,
      random: { seed: 2, round: 0, client: 0, stream: 5 },
    }) as WeightMaskedLora;
    const trainer = new LocalTrainer(base, adapter, {
      epochs: 2,
      batchSize: 16,
      learningRate: 0.01,
      optimizer: 'adam',
    });
    const start = adapter.initialParameters(base.frozen);
    const data = threeClasses(96);
    const random = { seed: 2, round: 7, client: 1, stream: 2 };
    const trained = await trainer.train(
      start,
      { clientId: 1, source: data, indices: Uint32Array.from({ length: 96 }, (_, i) => i) },
      random,
    );
    const masks = adapter.masksFor({ step: 0, random, startParameters: start });
    for (const { spec, offset, size } of indexLayout(adapter.layout).slots) {
      const mask = masks.get(spec.name)!;
      const moved = Array.from({ length: size }, (_, i) => trained.parameters[offset + i] !== start[offset + i]);
      expect(moved.some((m, i) => m && mask[i] === 0)).toBe(false);
      expect(mask.reduce((a, b) => a + b, 0)).toBe(keptCount(size, sparsity));
      // Adam moves every kept entry that gets a gradient; nearly all of them do.
      expect(moved.filter(Boolean).length).toBeGreaterThan(0.5 * keptCount(size, sparsity));
    }
    trainer.dispose();
    base.dispose();
  });
});

describe('safari-lora', () => {
  it('is registered as an adapter whose options are validated', () => {
    const container = createFedtuneContainer();
    plugin.register(container);
    const factory = resolveNamed(container, 'adapter', 'safari-lora');
    expect(factory.create({ sparsity: 0.8 }, { seed: 0, numClients: 2 }).name).toBe('safari-lora');
    expect(() => factory.create({ sparsity: -0.1 }, { seed: 0, numClients: 2 })).toThrow(
      /adapter safari-lora: options.sparsity/,
    );
    expect(() => factory.create({ sparse: 0.5 }, { seed: 0, numClients: 2 })).toThrow(/sparse/);
    expect(() => factory.create({ useRSLora: true }, { seed: 0, numClients: 2 })).toThrow(
      'adapter safari-lora: options.useRSLora: unknown option (did you mean "useRsLora"?); allowed: useRsLora, sparsity',
    );
  });

  it("passes useRsLora to core's LoRA and keeps LoRA's PEFT form and rank slices", () => {
    const container = createFedtuneContainer();
    plugin.register(container);
    const modules = mlpModules({ inputSize: 12, hidden: [10], numClasses: 3 });
    const settings = { rank: 4, alpha: 8, numClasses: 3, random: { seed: 2, round: 0, client: 0, stream: 5 } };
    const instance = resolveNamed(container, 'adapter', 'safari-lora')
      .create({ useRsLora: true }, { seed: 0, numClients: 2 })
      .create(modules, settings);
    expect(instance.peftLora).toMatchObject({ rank: 4, alpha: 8, useRsLora: true, targetModules: ['fc1'] });
    // rsLoRA keeps α/√r: a rank-1 slice has α = 8·√(1/4) = 4.
    expect(instance.sliceSettings?.(1)).toEqual({ ...settings, rank: 1, alpha: 4 });
  });
});
