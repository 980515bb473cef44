import * as tf from '@tensorflow/tfjs-core';
import { ensureTrainingGradients, useTfBackend } from '@fedtune/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRmLoraAdapter, distanceFromIdentity, orthogonalityPenalty, parseRmLoraOptions } from '../src/index.js';
import { initRandom } from './fixtures.js';

beforeAll(async () => {
  await useTfBackend('cpu');
  ensureTrainingGradients();
});

const rounded = (t: tf.Tensor, digits = 6) => Array.from(t.dataSync()).map((v) => Number(v.toFixed(digits)));

// A = [[1, 0, 0], [0, 2, 0]]: A·Aᵀ − I = diag(0, 3), ‖·‖_F = 3.
// B = [[1, 1], [0, 1]]: Bᵀ·B − I = [[0, 1], [1, 1]], ‖·‖_F = √3.
// λ = 0.1, mean of two terms: 0.1·(3 + √3)/2 = 0.2366025.
// d‖D‖_F/dA = 2·D·A/‖D‖ = [[0, 0, 0], [0, 4, 0]]; times λ/2 = [[0, 0, 0], [0, 0.2, 0]].
// d‖E‖_F/dB = 2·B·E/‖E‖ = [[2, 4], [2, 2]]/√3; times λ/2 = [[0.057735, 0.115470], [0.057735, 0.057735]].
const handA = [
  [1, 0, 0],
  [0, 2, 0],
];
const handB = [
  [1, 1],
  [0, 1],
];

describe('orthogonality regulariser', () => {
  it('has the hand-worked value and gradient', () => {
    const a = tf.tensor2d(handA);
    const b = tf.tensor2d(handB);
    const penalty = (x: tf.Tensor, y: tf.Tensor) =>
      orthogonalityPenalty([{ a: x as tf.Tensor2D, b: y as tf.Tensor2D }], 0.1);
    expect(penalty(a, b).dataSync()[0]).toBeCloseTo(0.2366025, 6);
    const [gradA, gradB] = tf.grads(penalty)([a, b]) as [tf.Tensor, tf.Tensor];
    expect(rounded(gradA)).toEqual([0, 0, 0, 0, 0.2, 0]);
    expect(rounded(gradB)).toEqual([0.057735, 0.11547, 0.057735, 0.057735]);
  });

  it('is the plain Frobenius norm, not its square', () => {
    // 2·I − I = I of size 4: ‖I‖_F = 2 (its square would be 4).
    expect(distanceFromIdentity(tf.mul<tf.Tensor2D>(tf.eye(4), 2)).dataSync()[0]).toBeCloseTo(2, 6);
  });

  it('has a finite, zero gradient at exactly orthonormal factors (the epsilon guard)', () => {
    const a = tf.tensor2d([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    const b = tf.tensor2d([
      [0, 1],
      [1, 0],
      [0, 0],
    ]);
    const penalty = (x: tf.Tensor, y: tf.Tensor) =>
      orthogonalityPenalty([{ a: x as tf.Tensor2D, b: y as tf.Tensor2D }], 0.1);
    expect(penalty(a, b).dataSync()[0]).toBeCloseTo(1e-7, 9);
    for (const gradient of tf.grads(penalty)([a, b])) expect(rounded(gradient, 9).every((v) => v === 0)).toBe(true);
  });

  it('reaches the trainer through the rmlora adapter: λ·mean over every A and B of the layout', () => {
    const modules = [
      { name: 'fc', inFeatures: 3, outFeatures: 2, isHead: false },
      { name: 'head', inFeatures: 2, outFeatures: 2, isHead: true },
    ];
    const instance = createRmLoraAdapter(parseRmLoraOptions({ lambda: 0.1 })).create(modules, {
      rank: 2,
      alpha: 4,
      numClasses: 2,
      random: initRandom,
    });
    const params = new Map<string, tf.Tensor>([
      ['fc.lora_A.weight', tf.tensor2d(handA)],
      ['fc.lora_B.weight', tf.tensor2d(handB)],
      ['head.weight', tf.ones([2, 2])],
      ['head.bias', tf.zeros([2])],
    ]);
    expect(instance.extraLoss?.(params)?.dataSync()[0]).toBeCloseTo(0.2366025, 6);
    const off = createRmLoraAdapter(parseRmLoraOptions({ lambda: 0 })).create(modules, {
      rank: 2,
      alpha: 4,
      numClasses: 2,
      random: initRandom,
    });
    expect(off.extraLoss?.(params)).toBeUndefined();
  });
});
