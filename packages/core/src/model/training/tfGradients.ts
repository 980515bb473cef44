/**
 * Gradients for the tfjs-core kernels that training uses. tfjs-core registers no gradients of its
 * own: the umbrella `@tensorflow/tfjs` package does, from ES modules that Node cannot load
 * directly. These are derived here from the calculus, for the kernels a linear network, its
 * adapters, the softmax cross-entropy loss and typical regularisers (norms, means, squares) run,
 * and those a transformer adds: attention's batched products and softmax, layer norm, GELU and the
 * row look-ups of embeddings and the read-out position.
 * A kernel that already has a gradient (say, the umbrella package is loaded too) keeps it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../../errors.js';

type Saved = tf.Tensor[];

/** Sums a broadcast gradient back down to the shape of the input it was broadcast from. */
function reduceToShape(gradient: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, gradient.shape);
  return tf.reshape(axes.length > 0 ? tf.sum(gradient, axes) : gradient, shape);
}

type BinaryGradient = (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** A broadcasting binary kernel; each input's gradient is computed only when that input needs one. */
function binary(kernelName: string, gradA: BinaryGradient, gradB: BinaryGradient): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved as [tf.Tensor, tf.Tensor];
      return {
        a: () => reduceToShape(gradA(dy as tf.Tensor, a, b), a.shape),
        b: () => reduceToShape(gradB(dy as tf.Tensor, a, b), b.shape),
      };
    },
  };
}

/** A unary kernel whose derivative is computed from its saved input `x`. */
function fromInput(kernelName: string, grad: (dy: tf.Tensor, x: tf.Tensor) => tf.Tensor): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({ x: () => grad(dy as tf.Tensor, (saved as Saved)[0] as tf.Tensor) }),
  };
}

/** A unary kernel whose derivative is cheapest from its saved output `y`. */
function fromOutput(kernelName: string, grad: (dy: tf.Tensor, y: tf.Tensor) => tf.Tensor): tf.GradConfig {
  return {
    kernelName,
    outputsToSave: [true],
    gradFunc: (dy, saved) => ({ x: () => grad(dy as tf.Tensor, (saved as Saved)[0] as tf.Tensor) }),
  };
}

/** dy reshaped so it broadcasts back over the axes `x` was reduced along. */
function expandReduced(dy: tf.Tensor, x: tf.Tensor, axis: unknown): { expanded: tf.Tensor; count: number } {
  const axes = tf.util.parseAxisParam(axis as number | number[], x.shape);
  const shape = x.shape.map((dim, i) => (axes.includes(i) ? 1 : dim));
  const count = axes.reduce((product, i) => product * (x.shape[i] as number), 1);
  return { expanded: tf.mul(tf.reshape(dy, shape), tf.onesLike(x)), count };
}

/** Swaps the last two axes (a matrix transpose, batched). */
function transposeLast(t: tf.Tensor): tf.Tensor {
  const rank = t.rank;
  const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
  return tf.transpose(t, perm);
}

/**
 * op(a)·op(b) with explicit transposes, so the product kernel itself runs untransposed: the wasm
 * backend sends only untransposed products to XNNPACK, several times faster than its fallback.
 */
function product(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): tf.Tensor {
  return tf.matMul(transposeA ? transposeLast(a) : a, transposeB ? transposeLast(b) : b);
}

// C = op(A)·op(B) ⇒ d op(A) = dC·op(B)ᵀ and d op(B) = op(A)ᵀ·dC; transposing those back where the
// input was used transposed gives each input's own gradient.
function matMulGradientA(dy: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): tf.Tensor {
  return transposeA ? product(b, dy, transposeB, true) : product(dy, b, false, !transposeB);
}

function matMulGradientB(dy: tf.Tensor, a: tf.Tensor, transposeA: boolean, transposeB: boolean): tf.Tensor {
  return transposeB ? product(dy, a, true, transposeA) : product(a, dy, !transposeA, false);
}

/**
 * Gradient of gathering rows (axis 0) of `x`: each row of dy is added back to the row it was read
 * from. tfjs does this with UnsortedSegmentSum, which the wasm backend lacks; a one-hot matrix
 * product computes the same sums on every backend, through the fast matmul path.
 */
function gatherGradient(dy: tf.Tensor, x: tf.Tensor, indices: tf.Tensor): tf.Tensor {
  const count = indices.size;
  const rows = x.shape[0] as number;
  // Cast rather than oneHot's dtype argument: the wasm OneHot kernel writes int32 values regardless.
  const selection = tf.cast(tf.oneHot(tf.reshape(tf.cast(indices, 'int32'), [count]), rows), 'float32');
  const summed = tf.matMul(tf.transpose(selection), tf.reshape(dy, [count, x.size / rows]));
  return tf.reshape(summed, x.shape);
}

const GRADIENTS: readonly tf.GradConfig[] = [
  binary(
    tf.Add,
    (dy) => dy,
    (dy) => dy
  ),
  binary(
    tf.Sub,
    (dy) => dy,
    (dy) => tf.neg(dy)
  ),
  binary(
    tf.Multiply,
    (dy, _a, b) => tf.mul(dy, b),
    (dy, a) => tf.mul(dy, a)
  ),
  binary(
    tf.RealDiv,
    (dy, _a, b) => tf.div(dy, b),
    (dy, a, b) => tf.neg(tf.div(tf.mul(dy, a), tf.square(b)))
  ),
  {
    kernelName: tf.Pow,
    inputsToSave: ['a', 'b'],
    outputsToSave: [true],
    gradFunc: (dy, saved) => {
      const [a, b, y] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      const grad = dy as tf.Tensor;
      return {
        a: () => reduceToShape(tf.mul(grad, tf.mul(b, tf.pow(a, tf.sub(b, 1)))), a.shape),
        // d(aᵇ)/db = aᵇ·ln a, taken as 0 where a ≤ 0 (no real logarithm; tf.norm's |x|² meets a = 0).
        b: () =>
          reduceToShape(tf.mul(grad, tf.mul(y, tf.where(tf.greater(a, 0), tf.log(a), tf.zerosLike(a)))), b.shape),
      };
    },
  },
  {
    kernelName: tf.AddN,
    saveAllInputs: true,
    gradFunc: (dy, saved) => Object.fromEntries((saved as Saved).map((_, i) => [i, () => (dy as tf.Tensor).clone()])),
  },
  {
    kernelName: tf.BatchMatMul,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved as [tf.Tensor, tf.Tensor];
      const transposeA = attrs['transposeA'] === true;
      const transposeB = attrs['transposeB'] === true;
      // Batch dimensions may have been broadcast; summing restores each input's own shape.
      return {
        a: () => reduceToShape(matMulGradientA(dy as tf.Tensor, b, transposeA, transposeB), a.shape),
        b: () => reduceToShape(matMulGradientB(dy as tf.Tensor, a, transposeA, transposeB), b.shape),
      };
    },
  },
  { kernelName: tf.Neg, gradFunc: (dy) => ({ x: () => tf.neg(dy as tf.Tensor) }) },
  { kernelName: tf.Identity, gradFunc: (dy) => ({ x: () => (dy as tf.Tensor).clone() }) },
  { kernelName: tf.Cast, gradFunc: (dy) => ({ x: () => (dy as tf.Tensor).clone() }) },
  fromInput(tf.Relu, (dy, x) => tf.mul(dy, tf.step(tf.cast(x, 'float32')))),
  fromInput(tf.Abs, (dy, x) => tf.mul(dy, tf.sign(tf.cast(x, 'float32')))),
  fromInput(tf.Square, (dy, x) => tf.mul(dy, tf.mul(x, 2))),
  fromInput(tf.Log, (dy, x) => tf.div(dy, x)),
  fromOutput(tf.Exp, (dy, y) => tf.mul(dy, y)),
  fromOutput(tf.Sqrt, (dy, y) => tf.div(dy, tf.mul(y, 2))),
  fromOutput(tf.Rsqrt, (dy, y) => tf.mul(dy, tf.mul(tf.pow(y, 3), -0.5))),
  fromOutput(tf.Tanh, (dy, y) => tf.mul(dy, tf.sub(1, tf.square(y)))),
  fromOutput(tf.Sigmoid, (dy, y) => tf.mul(dy, tf.mul(y, tf.sub(1, y)))),
  {
    kernelName: tf.Softmax,
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const y = (saved as Saved)[0] as tf.Tensor;
      const dim = attrs['dim'] as number;
      return { logits: () => tf.mul(y, tf.sub(dy as tf.Tensor, tf.sum(tf.mul(dy as tf.Tensor, y), dim, true))) };
    },
  },
  {
    kernelName: tf.Sum,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = (saved as Saved)[0] as tf.Tensor;
      return { x: () => expandReduced(dy as tf.Tensor, x, attrs['axis']).expanded };
    },
  },
  {
    kernelName: tf.Mean,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = (saved as Saved)[0] as tf.Tensor;
      return {
        x: () => {
          const { expanded, count } = expandReduced(dy as tf.Tensor, x, attrs['axis']);
          return tf.div(expanded, count);
        },
      };
    },
  },
  {
    kernelName: tf.GatherV2,
    inputsToSave: ['x', 'indices'],
    gradFunc: (dy, saved, attrs) => {
      const [x, indices] = saved as [tf.Tensor, tf.Tensor];
      const axis = tf.util.parseAxisParam(attrs['axis'] as number, x.shape)[0];
      if (axis !== 0 || ((attrs['batchDims'] as number | undefined) ?? 0) !== 0) {
        throw new ConfigError(
          `The registered gather gradient covers axis 0 without batch dimensions (got axis ${axis}); transpose the gathered axis to the front first.`
        );
      }
      // Indices are integers and get no gradient; tfjs still asks for a tensor of their shape.
      return { x: () => gatherGradient(dy as tf.Tensor, x, indices), indices: () => tf.zerosLike(indices) };
    },
  },
  {
    kernelName: tf.Reshape,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({ x: () => tf.reshape(dy as tf.Tensor, ((saved as Saved)[0] as tf.Tensor).shape) }),
  },
  {
    kernelName: tf.Transpose,
    gradFunc: (dy, _saved, attrs) => ({
      x: () => tf.transpose(dy as tf.Tensor, tf.backend_util.getUndoAxesPermutation(attrs['perm'] as number[])),
    }),
  },
];

/** Kernels that {@link ensureTrainingGradients} gives a gradient. */
export const TRAINING_GRADIENT_KERNELS: readonly string[] = GRADIENTS.map((config) => config.kernelName);

/** Registers the training gradients for every kernel that has none yet (idempotent, cheap to repeat). */
export function ensureTrainingGradients(): void {
  for (const config of GRADIENTS) {
    if (tf.getGradient(config.kernelName) === undefined) tf.registerGradient(config);
  }
}
