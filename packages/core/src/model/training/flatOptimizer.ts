import * as tf from '@tensorflow/tfjs-core';

/**
 * An optimiser over one flat parameter vector: one update for every trainable tensor at once, so a
 * step dispatches a dozen tfjs ops whatever the number of tensors (tfjs's own optimisers dispatch
 * that many per tensor, which cost more than the arithmetic of a LoRA adapter's small tensors).
 */
export interface FlatOptimizer {
  /**
   * The parameters after one step along `gradient` (same length as `parameters`); the caller owns
   * the returned tensor. Advances the optimiser's own state (moments, step count).
   */
  update(parameters: tf.Tensor1D, gradient: tf.Tensor1D): tf.Tensor1D;
  /** Releases the optimiser's state. */
  dispose(): void;
}

/** Adam's decay rates, as `tf.train.adam` defaults them. */
const BETA1 = 0.9;
const BETA2 = 0.999;

/**
 * Adam with exactly the arithmetic of tfjs's `AdamOptimizer` element by element (float32, the
 * same operations in the same order, its epsilon, its bias correction by 1 − β^t kept in float32),
 * so a run gives the same values as one optimiser per tensor did.
 */
class FlatAdam implements FlatOptimizer {
  private firstMoment: tf.Tensor1D | undefined;
  private secondMoment: tf.Tensor1D | undefined;
  /** β₁^t and β₂^t as float32 products, as tfjs keeps them in float32 variables. */
  private accumulatedBeta1 = Math.fround(BETA1);
  private accumulatedBeta2 = Math.fround(BETA2);
  /** The constants of every step as tensors made once: a number operand becomes a new tensor per op. */
  private readonly constants: Record<'beta1' | 'rest1' | 'beta2' | 'rest2' | 'epsilon' | 'descent', tf.Scalar>;

  constructor(learningRate: number) {
    const numbers = {
      beta1: BETA1,
      rest1: 1 - BETA1,
      beta2: BETA2,
      rest2: 1 - BETA2,
      epsilon: tf.backend().epsilon(),
      descent: -learningRate,
    };
    this.constants = Object.fromEntries(
      Object.entries(numbers).map(([name, value]) => [name, tf.keep(tf.scalar(value))])
    ) as FlatAdam['constants'];
  }

  update(parameters: tf.Tensor1D, gradient: tf.Tensor1D): tf.Tensor1D {
    const { beta1, rest1, beta2, rest2, epsilon, descent } = this.constants;
    const [next, first, second] = tf.tidy(() => {
      const first = tf.add(tf.mul(this.firstMoment ?? tf.zerosLike(gradient), beta1), tf.mul(gradient, rest1));
      const second = tf.add(tf.mul(this.secondMoment ?? tf.zerosLike(gradient), beta2), tf.mul(tf.square(gradient), rest2));
      const correctedFirst = tf.div(first, Math.fround(1 - this.accumulatedBeta1));
      const correctedSecond = tf.div(second, Math.fround(1 - this.accumulatedBeta2));
      const step = tf.div(correctedFirst, tf.add(tf.sqrt(correctedSecond), epsilon));
      return [tf.add(tf.mul(step, descent), parameters), first, second] as tf.Tensor1D[];
    }) as [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
    this.firstMoment?.dispose();
    this.secondMoment?.dispose();
    // Kept: a caller's enclosing tidy must not release the state the next step reads.
    this.firstMoment = tf.keep(first);
    this.secondMoment = tf.keep(second);
    this.accumulatedBeta1 = Math.fround(this.accumulatedBeta1 * Math.fround(BETA1));
    this.accumulatedBeta2 = Math.fround(this.accumulatedBeta2 * Math.fround(BETA2));
    return next;
  }

  dispose(): void {
    this.firstMoment?.dispose();
    this.secondMoment?.dispose();
    for (const constant of Object.values(this.constants)) constant.dispose();
  }
}

/** Plain gradient descent, tfjs's `SGDOptimizer` arithmetic: parameters + (−learning rate)·gradient. */
class FlatSgd implements FlatOptimizer {
  private readonly descent: tf.Scalar;

  constructor(learningRate: number) {
    this.descent = tf.keep(tf.scalar(-learningRate));
  }

  update(parameters: tf.Tensor1D, gradient: tf.Tensor1D): tf.Tensor1D {
    return tf.tidy(() => tf.add(tf.mul(gradient, this.descent), parameters));
  }

  dispose(): void {
    this.descent.dispose();
  }
}

/** A fresh flat optimiser of the given kind (no state carried over from any earlier run). */
export function createFlatOptimizer(kind: 'adam' | 'sgd', learningRate: number): FlatOptimizer {
  return kind === 'adam' ? new FlatAdam(learningRate) : new FlatSgd(learningRate);
}
