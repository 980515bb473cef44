import * as tf from '@tensorflow/tfjs-core';
import type { FrozenLinear } from '../../contracts/adapter.js';
import { cachedOutputOf, frozenLinear } from '../architectures/baseModel.js';

/**
 * y = x·Wᵀ + b + s·(x·Aᵀ)·Bᵀ for A `[r, in]`, B `[out, r]`, with W and b frozen, as three tape nodes
 * (the update, the frozen output, their sum) with gradients written out instead of the seven that
 * autodiff records op by op: a step's cost then goes to the products rather than to tfjs's per-op
 * bookkeeping, forward and backward.
 *
 * The adapter's node takes A and B (x a constant to it); the frozen node takes x, and its gradient
 * carries both paths back to x, dy·W + s·(dy·B)·A. tfjs drops a node that no trainable tensor
 * reaches, so where x comes from frozen tensors alone (the network's input, a first block's
 * projections) the input gradient, a product as large as the forward one, is never computed.
 *
 * Where the trainer holds the frozen output for `x` ({@link FrozenLinear.cachedOutput}: a first layer,
 * computed once per example), the frozen node is that tensor and only the update is computed.
 *
 * The forward runs the op-by-op form's kernels on the same operands, so its values are the same to
 * the bit. Backward, A's gradient is taken as (s·dy·B)ᵀ·x rather than autodiff's (xᵀ·(s·dy·B))ᵀ: the
 * same sums over the batch in the same order, without transposing x and with the wide product
 * XNNPACK runs fastest; on the cpu and wasm backends training gives the same bits as before.
 */
export function loraLinear(
  x: tf.Tensor2D,
  frozen: FrozenLinear,
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  scale: number
): tf.Tensor2D {
  const update = tf.customGrad((aInput, bInput, save) => {
    const loraA = aInput as tf.Tensor2D;
    const loraB = bInput as tf.Tensor2D;
    // Explicit transposes keep each product untransposed, the form the wasm backend sends to XNNPACK.
    const down = tf.mul<tf.Tensor2D>(tf.matMul(x, tf.transpose(loraA)), scale);
    // Saved, not closed over: tensors made inside the differentiated function (x, often) are released
    // before backprop runs.
    (save as tf.GradSaveFunc)([x, down, loraB]);
    return {
      value: tf.matMul(down, tf.transpose(loraB)),
      gradFunc: (dy, saved) => {
        const [savedX, savedDown, savedB] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const outputGradient = dy as tf.Tensor2D;
        const downGradient = tf.mul<tf.Tensor2D>(tf.matMul(outputGradient, savedB), scale);
        return [
          tf.matMul(tf.transpose(downGradient), savedX),
          tf.transpose(tf.matMul(tf.transpose(savedDown), outputGradient)),
        ];
      },
    };
  });
  const base = tf.customGrad((input, save) => {
    (save as tf.GradSaveFunc)([a, b]);
    return {
      value: frozenLinear(input as tf.Tensor2D, frozen),
      gradFunc: (dy, saved) => {
        const [savedA, savedB] = saved as [tf.Tensor2D, tf.Tensor2D];
        const outputGradient = dy as tf.Tensor2D;
        const downGradient = tf.mul<tf.Tensor2D>(tf.matMul(outputGradient, savedB), scale);
        return tf.add(tf.matMul(outputGradient, frozen.weight), tf.matMul(downGradient, savedA));
      },
    };
  });
  // A cached frozen output comes with an input that has nothing trainable upstream: no node needed.
  const frozenOutput = cachedOutputOf(x, frozen) ?? (base(x) as tf.Tensor2D);
  return tf.add<tf.Tensor2D>(frozenOutput, update(a, b) as tf.Tensor2D);
}
