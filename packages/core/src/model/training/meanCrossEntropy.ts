import * as tf from '@tensorflow/tfjs-core';

/**
 * The mean softmax cross-entropy of `logits` `[batch, classes]` against one-hot `targets`, as one
 * tape node whose only gradient is the logits': (softmax − targets) / batch.
 *
 * `tf.losses.softmaxCrossEntropy` records about ten nodes (its reductions, casts and division) and
 * computes a gradient for the targets too; here the same kernels run on the same operands in the
 * same order (log-sum-exp, then the summed cost per example, then the mean), so the value and the
 * gradient are the same to the bit, for a fraction of the bookkeeping.
 */
export function meanSoftmaxCrossEntropy(targets: tf.Tensor2D, logits: tf.Tensor2D): tf.Scalar {
  const loss = tf.customGrad((input, save) => {
    const logProbabilities = tf.sub(input as tf.Tensor2D, tf.logSumExp(input as tf.Tensor2D, [1], true));
    (save as tf.GradSaveFunc)([logProbabilities, targets]);
    const perExample = tf.sum(tf.neg(tf.mul(logProbabilities, targets)), [1]);
    return {
      value: tf.div(tf.sum(perExample), tf.scalar(perExample.size)),
      gradFunc: (dy, saved) => {
        const [savedLogProbabilities, savedTargets] = saved as [tf.Tensor2D, tf.Tensor2D];
        // d(mean)/d(example) is dy/batch; tfjs divides first too, then scales each row's softmax − target.
        const perExampleGradient = tf.div(dy as tf.Scalar, tf.scalar(savedTargets.shape[0]));
        return tf.mul(perExampleGradient, tf.sub(tf.exp(savedLogProbabilities), savedTargets));
      },
    };
  });
  return loss(logits) as tf.Scalar;
}
