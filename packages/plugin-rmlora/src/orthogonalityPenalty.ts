import * as tf from '@tensorflow/tfjs-core';
import { timesTransposed } from '@fedtune/core';

/**
 * Added under the square root of ‖G − I‖_F. The Frobenius norm's gradient D/‖D‖ is undefined at
 * D = 0 (exactly orthonormal factors), where it would be 0/0 = NaN; with the epsilon it is 0 there,
 * and the value is off by at most √ε = 1e-6 per term.
 */
export const FROBENIUS_EPSILON = 1e-12;

/** ‖gram − I‖_F (plain, not squared) of an r×r Gram matrix, guarded by {@link FROBENIUS_EPSILON}. */
export function distanceFromIdentity(gram: tf.Tensor2D): tf.Scalar {
  const deviation = tf.sub(gram, tf.eye(gram.shape[0]));
  return tf.sqrt(tf.add<tf.Scalar>(tf.sum(tf.square(deviation)), FROBENIUS_EPSILON));
}

/**
 * RM-LoRA's regulariser λ·mean over every A and B of ‖A·Aᵀ − I‖_F and ‖Bᵀ·B − I‖_F: it pushes the
 * rows of each A and the columns of each B towards orthonormal sets, so ΔW = B·A spreads over
 * more of its r directions. With L adapted modules the mean runs over 2L terms.
 */
export function orthogonalityPenalty(
  factors: readonly { a: tf.Tensor2D; b: tf.Tensor2D }[],
  lambda: number
): tf.Scalar {
  const terms = factors.flatMap(({ a, b }) => {
    const bTransposed = tf.transpose(b);
    return [distanceFromIdentity(timesTransposed(a, a)), distanceFromIdentity(timesTransposed(bTransposed, bTransposed))];
  });
  // addN rather than stack-and-mean: training registers addN's gradient, not stack's.
  return tf.mul<tf.Scalar>(tf.addN(terms), lambda / terms.length);
}
