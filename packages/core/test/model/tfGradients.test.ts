import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { RandomStream } from '../../src/random/counterRandom.js';
import { ensureTrainingGradients, TRAINING_GRADIENT_KERNELS } from '../../src/model/training/tfGradients.js';
import { useTfBackend } from '../../src/model/training/tfBackend.js';
import { causalMask, gelu, layerNorm } from '../../src/model/architectures/transformerLayers.js';
import { disposeFrozen, frozenFromHost, frozenLinear } from '../../src/model/architectures/baseModel.js';
import { loraLinear } from '../../src/model/adapters/loraLinear.js';
import { meanSoftmaxCrossEntropy } from '../../src/model/training/meanCrossEntropy.js';

beforeAll(async () => {
  await useTfBackend('cpu');
  ensureTrainingGradients();
});

const stream = new RandomStream({ seed: 11, round: 0, client: 0, stream: 0 });

/** Values in [low, high), kept away from kinks and poles by the caller's choice of range. */
function values(shape: number[], low = -1, high = 1): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => low + (high - low) * stream.uniform()),
    shape
  );
}

/**
 * Checks tf.grads of `loss = Σ w ⊙ op(inputs)` (w random, so every output element matters) against
 * central finite differences, input by input.
 */
function checkGradients(op: (...inputs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]): void {
  const weights = tf.tidy(() => values(op(...inputs).shape));
  const loss = (...xs: tf.Tensor[]) => tf.sum(tf.mul(op(...xs), weights)) as tf.Scalar;
  const analytic = tf.tidy(() =>
    tf
      .grads(loss)(inputs)
      .map((g) => g.dataSync().slice())
  );
  const epsilon = 1e-2;
  inputs.forEach((input, which) => {
    const base = input.dataSync().slice();
    const numeric = base.map((_, i) => {
      const at = (delta: number) =>
        tf.tidy(() => {
          const moved = base.slice();
          moved[i] = (moved[i] as number) + delta;
          const args = inputs.map((x, j) => (j === which ? tf.tensor(moved, x.shape) : x));
          return loss(...args).dataSync()[0] as number;
        });
      return (at(epsilon) - at(-epsilon)) / (2 * epsilon);
    });
    const got = analytic[which] as Float32Array;
    expect(got.length).toBe(numeric.length);
    numeric.forEach((expected, i) => expect(got[i]).toBeCloseTo(expected, 2));
  });
  weights.dispose();
  inputs.forEach((x) => x.dispose());
}

describe('training gradients', () => {
  it('registers a gradient for every listed kernel', () => {
    for (const kernel of TRAINING_GRADIENT_KERNELS) expect(tf.getGradient(kernel)).toBeDefined();
  });

  it('broadcasting binary ops: add, sub, mul, div', () => {
    checkGradients((a, b) => tf.add(a!, b!), [values([2, 3]), values([3])]);
    checkGradients((a, b) => tf.sub(a!, b!), [values([2, 3]), values([2, 1])]);
    checkGradients((a, b) => tf.mul(a!, b!), [values([1, 3]), values([2, 3])]);
    checkGradients((a, b) => tf.div(a!, b!), [values([2, 3]), values([2, 3], 1, 2)]);
    checkGradients((a, b, c) => tf.addN([a!, b!, c!]), [values([2, 2]), values([2, 2]), values([2, 2])]);
    checkGradients((a, b) => tf.pow(a!, b!), [values([2, 3], 0.5, 2), values([3], -1, 2)]);
  });

  it('matMul with every transpose combination and broadcast batch dimensions', () => {
    checkGradients((a, b) => tf.matMul(a!, b!), [values([2, 3]), values([3, 4])]);
    checkGradients((a, b) => tf.matMul(a!, b!, false, true), [values([2, 3]), values([4, 3])]);
    checkGradients((a, b) => tf.matMul(a!, b!, true, false), [values([3, 2]), values([3, 4])]);
    checkGradients((a, b) => tf.matMul(a!, b!, true, true), [values([3, 2]), values([4, 3])]);
    checkGradients((a, b) => tf.matMul(a!, b!), [values([2, 2, 3]), values([3, 2])]);
  });

  it('unary ops', () => {
    checkGradients((x) => tf.neg(x!), [values([3])]);
    checkGradients((x) => tf.clone(x!), [values([3])]);
    checkGradients((x) => tf.relu(x!), [tf.tensor([-0.7, -0.2, 0.3, 0.9])]);
    checkGradients((x) => tf.abs(x!), [tf.tensor([-0.7, -0.2, 0.3, 0.9])]);
    checkGradients((x) => tf.square(x!), [values([2, 2])]);
    checkGradients((x) => tf.log(x!), [values([4], 0.5, 2)]);
    checkGradients((x) => tf.exp(x!), [values([4])]);
    checkGradients((x) => tf.sqrt(x!), [values([4], 0.5, 2)]);
    checkGradients((x) => tf.rsqrt(x!), [values([4], 0.5, 2)]);
    checkGradients((x) => tf.tanh(x!), [values([4])]);
    checkGradients((x) => tf.sigmoid(x!), [values([4])]);
    checkGradients((x) => tf.softmax(x!), [values([2, 4])]);
  });

  it('reductions and reshapes', () => {
    checkGradients((x) => tf.sum(x!), [values([2, 3])]);
    checkGradients((x) => tf.sum(x!, 1, true), [values([2, 3])]);
    checkGradients((x) => tf.mean(x!, 0), [values([2, 3])]);
    checkGradients((x) => tf.mean(x!), [values([2, 3])]);
    checkGradients((x) => tf.reshape(x!, [3, 2]), [values([2, 3])]);
    checkGradients((x) => tf.transpose(x!, [1, 2, 0]), [values([2, 3, 2])]);
  });

  it('the norm of a LoRA product, as a regulariser would take it', () => {
    checkGradients((a, b) => tf.norm(tf.matMul(b!, a!)), [values([2, 3]), values([4, 2])]);
  });

  it('the fused LoRA linear: x, A and B each get their own gradient; a constant x leaves A and B theirs', () => {
    const module = { name: 'fc', inFeatures: 4, outFeatures: 5, isHead: false };
    const host = (size: number) => Float32Array.from({ length: size }, () => 2 * stream.uniform() - 1);
    const frozenMap = frozenFromHost([module], new Map([['fc', { weight: host(20), bias: host(5) }]]));
    const frozen = frozenMap.get('fc')!;
    const scale = 1.5;
    checkGradients((x, a, b) => loraLinear(x as tf.Tensor2D, frozen, a as tf.Tensor2D, b as tf.Tensor2D, scale), [
      values([3, 4]),
      values([2, 4]),
      values([5, 2]),
    ]);
    const x = values([3, 4]) as tf.Tensor2D;
    checkGradients((a, b) => loraLinear(x, frozen, a as tf.Tensor2D, b as tf.Tensor2D, scale), [values([2, 4]), values([5, 2])]);
    x.dispose();
    disposeFrozen(frozenMap);
  });

  it('the fused LoRA linear computes x·Wᵀ + b + s·(x·Aᵀ)·Bᵀ to the bit of the op-by-op form', () => {
    const module = { name: 'fc', inFeatures: 6, outFeatures: 3, isHead: false };
    const host = (size: number) => Float32Array.from({ length: size }, () => 2 * stream.uniform() - 1);
    const frozenMap = frozenFromHost([module], new Map([['fc', { weight: host(18), bias: host(3) }]]));
    const frozen = frozenMap.get('fc')!;
    const [x, a, b] = [values([4, 6]), values([2, 6]), values([3, 2])] as tf.Tensor2D[];
    const fused = tf.tidy(() => loraLinear(x!, frozen, a!, b!, 2).dataSync().slice());
    const opByOp = tf.tidy(() => {
      const down = tf.mul(tf.matMul(x!, tf.transpose(a!)), 2);
      return tf.add(frozenLinear(x!, frozen), tf.matMul(down, tf.transpose(b!))).dataSync().slice();
    });
    expect(fused).toEqual(opByOp);
    tf.dispose([x!, a!, b!]);
    disposeFrozen(frozenMap);
  });

  it("the training loss: mean softmax cross-entropy's logit gradient, and tfjs's value and gradient to the bit", () => {
    const targets = tf.tensor2d([0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0], [3, 4]);
    checkGradients((logits) => meanSoftmaxCrossEntropy(targets, logits as tf.Tensor2D), [values([3, 4], -2, 2)]);
    const logits = values([3, 4], -2, 2) as tf.Tensor2D;
    const ours = tf.valueAndGrad((l: tf.Tensor) => meanSoftmaxCrossEntropy(targets, l as tf.Tensor2D))(logits);
    const theirs = tf.valueAndGrad((l: tf.Tensor) => tf.losses.softmaxCrossEntropy(targets, l) as tf.Scalar)(logits);
    expect(ours.value.dataSync()).toEqual(theirs.value.dataSync());
    expect(ours.grad.dataSync()).toEqual(theirs.grad.dataSync());
    tf.dispose([targets, logits, ours.value, ours.grad, theirs.value, theirs.grad]);
  });

  it('gathering rows, with repeated indices summing their gradients (embeddings, the read-out row)', () => {
    const indices = tf.tensor1d([2, 0, 2, 3], 'int32');
    checkGradients((x) => tf.gather(x!, indices), [values([4, 3])]);
    checkGradients((x) => tf.gather(x!, tf.tensor2d([[1, 1], [0, 2]], [2, 2], 'int32')), [values([3, 2])]);
  });

  it("the transformer's glue: layer norm, GELU and causal multi-head attention", () => {
    checkGradients((x, gamma, beta) => layerNorm(x!, gamma!, beta!), [values([3, 4]), values([4]), values([4])]);
    checkGradients((x) => gelu(x!), [values([2, 5], -3, 3)]);
    const mask = causalMask(3);
    // Scores of [batch, heads, length, length] through the mask and softmax, then the weighted values.
    checkGradients(
      (q, k, v) => tf.matMul(tf.softmax(tf.add(tf.matMul(q!, k!), mask)), v!),
      [values([1, 2, 3, 2]), values([1, 2, 2, 3]), values([1, 2, 3, 2])]
    );
    mask.dispose();
  });
});
