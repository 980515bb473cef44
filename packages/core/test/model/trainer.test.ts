import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AdapterInstance, StepContext } from '../../src/contracts/adapter.js';
import type { FeatureSet } from '../../src/data/types.js';
import { DataError, NonFiniteError, ShapeError } from '../../src/errors.js';
import { RandomStreams } from '../../src/random/counterRandom.js';
import { hostFromFrozen } from '../../src/model/architectures/baseModel.js';
import { headOnlyAdapter } from '../../src/model/adapters/headOnly.js';
import { loraAdapter } from '../../src/model/adapters/lora.js';
import { createMlp } from '../../src/model/architectures/mlp.js';
import { useTfBackend } from '../../src/model/training/tfBackend.js';
import { indexLayout } from '../../src/model/adapters/parameterLayout.js';
import { LocalTrainer, type TrainingOptions } from '../../src/model/training/trainer.js';
import { randomMlp, range, separableFeatures } from './fixtures.js';

beforeAll(async () => {
  await useTfBackend('cpu');
});

const initRandom = { seed: 5, round: 0, client: 0, stream: RandomStreams.initialisation };
const roundKey = (round: number) => ({ seed: 5, round, client: 3, stream: 0 });
const adam: TrainingOptions = { epochs: 4, batchSize: 16, learningRate: 0.01, optimizer: 'adam' };

/** A 2-input MLP with fc1 = identity (so hidden = relu(x)) and the given 2×2 head. */
function identityMlp(head: number[]) {
  return createMlp(
    { inputSize: 2, hidden: [2], numClasses: 2 },
    new Map([
      ['fc1', { weight: Float32Array.of(1, 0, 0, 1), bias: Float32Array.of(0, 0) }],
      ['head', { weight: Float32Array.from(head), bias: Float32Array.of(0, 0) }],
    ])
  );
}

function features(rows: number[][], labels: number[]): FeatureSet {
  return {
    count: rows.length,
    featureSize: rows[0]!.length,
    numClasses: 2,
    features: Float32Array.from(rows.flat()),
    labels: Int32Array.from(labels),
  };
}

function loraSetup(options: TrainingOptions = adam) {
  const data = separableFeatures(150, 20, 3);
  const base = randomMlp({ inputSize: 20, hidden: [16, 8], numClasses: 3 });
  const adapter = loraAdapter.create(base.modules, { rank: 2, alpha: 4, numClasses: 3, random: initRandom });
  const trainer = new LocalTrainer(base, adapter, options);
  const start = adapter.initialParameters(base.frozen);
  const client = { clientId: 3, source: data, indices: range(data.count) };
  const dispose = () => {
    trainer.dispose();
    base.dispose();
  };
  return { data, base, adapter, trainer, start, client, dispose };
}

describe('LocalTrainer.train', () => {
  it('takes one SGD step equal to the hand-computed softmax cross-entropy gradient', async () => {
    // h = relu(x), logits = 0 → p = [½, ½]. Mean-loss gradient: dW = Σ (p − y)ᵀ·h / 2.
    // x₁ = [1, 2] (label 0), x₂ = [3, 0] (label 1) → dW = [[0.5, −0.5], [−0.5, 0.5]], db = 0.
    const base = identityMlp([0, 0, 0, 0]);
    const adapter = headOnlyAdapter.create(base.modules, { rank: 1, alpha: 1, numClasses: 2, random: initRandom });
    const trainer = new LocalTrainer(base, adapter, { epochs: 1, batchSize: 2, learningRate: 0.1, optimizer: 'sgd' });
    const data = features(
      [
        [1, 2],
        [3, 0],
      ],
      [0, 1]
    );
    const result = await trainer.train(
      adapter.initialParameters(base.frozen),
      { clientId: 0, source: data, indices: range(2) },
      roundKey(0)
    );
    const expected = [-0.05, 0.05, 0.05, -0.05, 0, 0];
    [...result.parameters].forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 6));
    expect(result.meanLoss).toBeCloseTo(Math.LN2, 6);
    expect(result).toMatchObject({ steps: 1, samples: 2 });
    trainer.dispose();
    base.dispose();
  });

  it('takes a first Adam step of lr·sign(gradient)', async () => {
    const base = identityMlp([0, 0, 0, 0]);
    const adapter = headOnlyAdapter.create(base.modules, { rank: 1, alpha: 1, numClasses: 2, random: initRandom });
    const trainer = new LocalTrainer(base, adapter, { epochs: 1, batchSize: 2, learningRate: 0.1, optimizer: 'adam' });
    const data = features(
      [
        [1, 2],
        [3, 0],
      ],
      [0, 1]
    );
    const result = await trainer.train(
      adapter.initialParameters(base.frozen),
      { clientId: 0, source: data, indices: range(2) },
      roundKey(0)
    );
    const expected = [-0.1, 0.1, 0.1, -0.1, 0, 0];
    [...result.parameters].forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 5));
    trainer.dispose();
    base.dispose();
  });

  it('reduces the loss of LoRA on a separable problem', async () => {
    const { data, trainer, start, client, dispose } = loraSetup();
    const before = await trainer.evaluate(start, data);
    const result = await trainer.train(start, client, roundKey(0));
    const after = await trainer.evaluate(result.parameters, data);
    expect(after.loss).toBeLessThan(before.loss / 2);
    expect(after.accuracy).toBeGreaterThan(0.95);
    expect(result).toMatchObject({ steps: 4 * Math.ceil(150 / 16), samples: 600 });
    dispose();
  });

  it('is deterministic: same inputs give bit-identical parameters, another round another result', async () => {
    const first = loraSetup();
    const second = loraSetup();
    const a = await first.trainer.train(first.start, first.client, roundKey(1));
    const again = await first.trainer.train(first.start, first.client, roundKey(1));
    const fresh = await second.trainer.train(second.start, second.client, roundKey(1));
    const otherRound = await first.trainer.train(first.start, first.client, roundKey(2));
    expect(again.parameters).toEqual(a.parameters);
    expect(fresh.parameters).toEqual(a.parameters);
    expect(again.meanLoss).toBe(a.meanLoss);
    expect(otherRound.parameters).not.toEqual(a.parameters);
    first.dispose();
    second.dispose();
  });

  it('keeps the last partial batch', async () => {
    const { trainer, start, client, dispose } = loraSetup({
      epochs: 2,
      batchSize: 4,
      learningRate: 0.01,
      optimizer: 'sgd',
    });
    const result = await trainer.train(start, { ...client, indices: range(10) }, roundKey(0));
    expect(result).toMatchObject({ steps: 6, samples: 20 });
    dispose();
  });

  it('takes exactly the given number of steps, running over the examples again as needed', async () => {
    const { trainer, start, client, dispose } = loraSetup({
      epochs: 1,
      steps: 5,
      batchSize: 4,
      learningRate: 0.01,
      optimizer: 'sgd',
    });
    // 6 examples in batches of 4: 4, 2 | 4, 2 | 4 — five steps over 16 examples, the epochs ignored.
    expect(await trainer.train(start, { ...client, indices: range(6) }, roundKey(0))).toMatchObject({ steps: 5, samples: 16 });
    // 30 examples: the budget ends within the first pass.
    expect(await trainer.train(start, { ...client, indices: range(30) }, roundKey(0))).toMatchObject({ steps: 5, samples: 20 });
    dispose();
    expect(() => loraSetup({ epochs: 1, steps: 0, batchSize: 4, learningRate: 0.01, optimizer: 'sgd' })).toThrow(/steps 0 is not a positive integer/);
  });

  it('leaves the frozen base untouched (LoRA and head-only)', async () => {
    const { base, data, trainer, start, client, dispose } = loraSetup();
    const frozenBefore = hostFromFrozen(base);
    await trainer.train(start, client, roundKey(0));
    const headOnly = headOnlyAdapter.create(base.modules, { rank: 1, alpha: 1, numClasses: 3, random: initRandom });
    const headTrainer = new LocalTrainer(base, headOnly, adam);
    const headStart = headOnly.initialParameters(base.frozen);
    const trained = await headTrainer.train(headStart, client, roundKey(0));
    const before = await headTrainer.evaluate(headStart, data);
    expect((await headTrainer.evaluate(trained.parameters, data)).loss).toBeLessThan(before.loss);
    expect(hostFromFrozen(base)).toEqual(frozenBefore);
    headTrainer.dispose();
    dispose();
  });

  it('returns the start unchanged for a client without examples', async () => {
    const { trainer, start, client, dispose } = loraSetup();
    const result = await trainer.train(start, { ...client, indices: new Uint32Array(0) }, roundKey(0));
    expect(result).toEqual({ parameters: start, meanLoss: 0, steps: 0, samples: 0 });
    dispose();
  });

  it('does not leak tensors over train and evaluate', async () => {
    const { data, trainer, start, client, dispose } = loraSetup({
      epochs: 1,
      batchSize: 16,
      learningRate: 0.01,
      optimizer: 'adam',
    });
    await trainer.train(start, client, roundKey(0));
    const tensors = tf.memory().numTensors;
    for (let round = 0; round < 3; round++) {
      const result = await trainer.train(start, client, roundKey(round));
      await trainer.evaluate(result.parameters, data, range(40));
    }
    expect(tf.memory().numTensors).toBe(tensors);
    dispose();
  });
});

describe('LocalTrainer with adapter hooks', () => {
  it('adds extraLoss to the objective', async () => {
    const { base, adapter, start, client, dispose } = loraSetup({
      epochs: 1,
      batchSize: 32,
      learningRate: 0.05,
      optimizer: 'sgd',
    });
    const plain = new LocalTrainer(base, adapter, { epochs: 1, batchSize: 32, learningRate: 0.05, optimizer: 'sgd' });
    const withPenalty: AdapterInstance = {
      ...adapter,
      layout: adapter.layout,
      linear: adapter.linear.bind(adapter),
      extraLoss: () => tf.scalar(5),
    };
    const penalised = new LocalTrainer(base, withPenalty, {
      epochs: 1,
      batchSize: 32,
      learningRate: 0.05,
      optimizer: 'sgd',
    });
    const a = await plain.train(start, client, roundKey(0));
    const b = await penalised.train(start, client, roundKey(0));
    expect(b.meanLoss - a.meanLoss).toBeCloseTo(5, 4);
    // A constant penalty has no gradient, so the updates agree.
    expect(b.parameters).toEqual(a.parameters);
    plain.dispose();
    penalised.dispose();
    dispose();
  });

  it('passes gradients, by layout name, through transformGradients', async () => {
    const { base, adapter, start, client, dispose } = loraSetup();
    const seen: Array<{ names: string[]; step: number }> = [];
    const frozenAdapter: AdapterInstance = {
      layout: adapter.layout,
      initialParameters: adapter.initialParameters.bind(adapter),
      linear: adapter.linear.bind(adapter),
      transformGradients: (grads: ReadonlyMap<string, tf.Tensor>, context: StepContext) => {
        seen.push({ names: [...grads.keys()], step: context.step });
        return new Map([...grads].map(([name, gradient]) => [name, tf.zerosLike(gradient)]));
      },
    };
    const trainer = new LocalTrainer(base, frozenAdapter, { ...adam, epochs: 1, batchSize: 64 });
    const result = await trainer.train(start, client, roundKey(0));
    expect(result.parameters).toEqual(start);
    expect(seen.map((s) => s.step)).toEqual([0, 1, 2]);
    expect(seen[0]!.names).toEqual(adapter.layout.map((spec) => spec.name));
    trainer.dispose();
    dispose();
  });

  it('assigns what afterStep returns after each optimiser step, given the pre-step values', async () => {
    const { base, adapter, start, client, dispose } = loraSetup();
    const [aName, bName] = adapter.layout.map((spec) => spec.name) as [string, string];
    const moved: number[] = [];
    const steps: number[] = [];
    const freezeA: AdapterInstance = {
      layout: adapter.layout,
      initialParameters: adapter.initialParameters.bind(adapter),
      linear: adapter.linear.bind(adapter),
      afterStep: (params, before, context) => {
        steps.push(context.step);
        // The optimiser moved A during the step; `before` still holds its value from before it.
        moved.push(tf.tidy(() => tf.max(tf.abs(tf.sub(params.get(aName)!, before.get(aName)!))).dataSync()[0]!));
        return new Map([[aName, before.get(aName)!]]);
      },
    };
    const trainer = new LocalTrainer(base, freezeA, { ...adam, epochs: 1, batchSize: 64 });
    const tensors = tf.memory().numTensors;
    const result = await trainer.train(start, client, roundKey(0));
    expect(tf.memory().numTensors).toBe(tensors);
    expect(steps).toEqual([0, 1, 2]);
    // Adam's first step moves every entry with a gradient by the learning rate (0.01).
    expect(moved.slice(1).every((m) => m > 0.005)).toBe(true);
    const layout = indexLayout(adapter.layout);
    const slot = (name: string) => layout.byName.get(name)!;
    const values = (flat: Float32Array, name: string) =>
      flat.subarray(slot(name).offset, slot(name).offset + slot(name).size);
    expect(values(result.parameters, aName)).toEqual(values(start, aName));
    expect(values(result.parameters, bName)).not.toEqual(values(start, bName));
    trainer.dispose();
    dispose();
  });

  it('rejects an afterStep value for a name outside the layout', async () => {
    const { base, adapter, start, client, dispose } = loraSetup();
    const stray: AdapterInstance = {
      layout: adapter.layout,
      initialParameters: adapter.initialParameters.bind(adapter),
      linear: adapter.linear.bind(adapter),
      afterStep: () => new Map([['nowhere.weight', tf.scalar(0)]]),
    };
    const trainer = new LocalTrainer(base, stray, { ...adam, epochs: 1, batchSize: 64 });
    await expect(trainer.train(start, client, roundKey(0))).rejects.toThrow(ShapeError);
    trainer.dispose();
    dispose();
  });
});

describe('LocalTrainer input checks', () => {
  it('throws NonFiniteError with a hint when the loss is not finite', async () => {
    const { trainer, start, client, dispose } = loraSetup();
    const poisoned = { ...client.source, features: client.source.features.slice() };
    poisoned.features[0] = Number.NaN;
    const run = trainer.train(start, { ...client, source: poisoned }, roundKey(0));
    await expect(run).rejects.toThrow(NonFiniteError);
    await expect(trainer.train(start, { ...client, source: poisoned }, roundKey(0))).rejects.toThrow(
      /lower the learning rate/
    );
    dispose();
  });

  it('throws NonFiniteError when the last step leaves a parameter non-finite although every loss was finite', async () => {
    // One SGD step (the whole data in one batch) at a learning rate that overflows float32.
    const { trainer, start, client, dispose } = loraSetup({ epochs: 1, batchSize: 150, learningRate: 1e39, optimizer: 'sgd' });
    await expect(trainer.train(start, client, roundKey(0))).rejects.toThrow(/ended with a non-finite parameter/);
    dispose();
  });

  it('rejects parameters, features and labels that do not fit', async () => {
    const { trainer, start, client, data, dispose } = loraSetup();
    await expect(trainer.train(start.subarray(1), client, roundKey(0))).rejects.toThrow(ShapeError);
    const wide = separableFeatures(10, 21, 3);
    await expect(trainer.train(start, { ...client, source: wide, indices: range(10) }, roundKey(0))).rejects.toThrow(
      /21 features/
    );
    const badLabels = { ...data, labels: data.labels.map((label) => label + 1) };
    await expect(trainer.evaluate(start, badLabels)).rejects.toThrow(DataError);
    await expect(trainer.evaluate(start, data, Uint32Array.of(150))).rejects.toThrow(/outside the feature set/);
    await expect(trainer.evaluate(start, data, new Uint32Array(0))).rejects.toThrow(DataError);
    dispose();
  });
});

describe('LocalTrainer.evaluate', () => {
  it('computes accuracy and mean cross-entropy (worked by hand)', async () => {
    // Head = identity, so logits = relu(x): [1, 2] → class 1 ✓, [3, 0] → class 0 ✗, [0, 5] → class 1 ✓.
    const base = identityMlp([1, 0, 0, 1]);
    const adapter = headOnlyAdapter.create(base.modules, { rank: 1, alpha: 1, numClasses: 2, random: initRandom });
    const trainer = new LocalTrainer(base, adapter, adam);
    const data = features(
      [
        [1, 2],
        [3, 0],
        [0, 5],
        [9, 9],
      ],
      [1, 1, 1, 0]
    );
    const result = await trainer.evaluate(adapter.initialParameters(base.frozen), data, Uint32Array.of(0, 1, 2));
    const crossEntropy = (logits: number[], label: number) =>
      Math.log(logits.reduce((s, z) => s + Math.exp(z), 0)) - logits[label]!;
    const expectedLoss = (crossEntropy([1, 2], 1) + crossEntropy([3, 0], 1) + crossEntropy([0, 5], 1)) / 3;
    expect(result.count).toBe(3);
    expect(result.accuracy).toBeCloseTo(2 / 3, 10);
    expect(result.loss).toBeCloseTo(expectedLoss, 5);
    trainer.dispose();
    base.dispose();
  });
});
