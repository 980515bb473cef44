import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { RandomStream } from '../../src/random/counterRandom.js';
import { createFlatOptimizer } from '../../src/model/training/flatOptimizer.js';
import { useTfBackend } from '../../src/model/training/tfBackend.js';

beforeAll(async () => {
  await useTfBackend('cpu');
});

const stream = new RandomStream({ seed: 5, round: 0, client: 0, stream: 0 });
const draw = (size: number, spread: number) => Float32Array.from({ length: size }, () => spread * (2 * stream.uniform() - 1));

/** Tensor shapes of a small adapter: a matrix, a bias, a wider matrix. */
const SHAPES = [[3, 4], [5], [2, 6]];
const SIZES = SHAPES.map((shape) => shape.reduce((a, b) => a * b, 1));
const TOTAL = SIZES.reduce((a, b) => a + b, 0);

/**
 * Runs `steps` updates from the same start and gradients twice: tfjs's optimiser over one variable
 * per tensor, and the flat optimiser over their concatenation. Returns both final vectors.
 */
function bothWays(kind: 'adam' | 'sgd', learningRate: number, steps: number): { perTensor: Float32Array; flat: Float32Array } {
  // Values the size of a step, so a step's last bit shows in the result.
  const start = draw(TOTAL, 1e-3);
  // Gradients of very different sizes, so the bias correction and epsilon both matter.
  const gradients = Array.from({ length: steps }, (_, step) => draw(TOTAL, step % 2 === 0 ? 1e-3 : 10));
  const pieces = (values: Float32Array) => {
    let offset = 0;
    return SHAPES.map((shape, i) => {
      const piece = values.subarray(offset, offset + (SIZES[i] as number));
      offset += SIZES[i] as number;
      return tf.tensor(piece.slice(), shape);
    });
  };

  const variables = pieces(start).map((t) => tf.variable(t));
  const reference = kind === 'adam' ? tf.train.adam(learningRate) : tf.train.sgd(learningRate);
  for (const gradient of gradients) {
    tf.tidy(() => {
      const grads = pieces(gradient);
      reference.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: grads[i] as tf.Tensor })));
    });
  }
  const perTensor = new Float32Array(TOTAL);
  let offset = 0;
  for (const variable of variables) {
    perTensor.set(variable.dataSync(), offset);
    offset += variable.size;
  }
  reference.dispose();
  tf.dispose(variables);

  const optimizer = createFlatOptimizer(kind, learningRate);
  let parameters = tf.tensor1d(start);
  for (const gradient of gradients) {
    const g = tf.tensor1d(gradient);
    const next = optimizer.update(parameters, g);
    tf.dispose([parameters, g]);
    parameters = next;
  }
  const flat = parameters.dataSync().slice() as Float32Array;
  parameters.dispose();
  optimizer.dispose();
  return { perTensor, flat };
}

describe('createFlatOptimizer', () => {
  it("Adam over one flat vector gives tfjs's per-tensor Adam to the bit, bias correction included", () => {
    const { perTensor, flat } = bothWays('adam', 0.003, 12);
    expect(flat).toEqual(perTensor);
  });

  it("SGD over one flat vector gives tfjs's per-tensor SGD to the bit", () => {
    const { perTensor, flat } = bothWays('sgd', 0.05, 5);
    expect(flat).toEqual(perTensor);
  });

  it('keeps no tensor beyond its state, and none after dispose', () => {
    const before = tf.memory().numTensors;
    const optimizer = createFlatOptimizer('adam', 0.01);
    const parameters = tf.tensor1d([1, 2, 3]);
    const gradient = tf.tensor1d([0.5, -0.5, 0]);
    const next = tf.tidy(() => optimizer.update(parameters, gradient));
    expect(next.dataSync()[2]).toBe(3);
    tf.dispose([parameters, gradient, next]);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
