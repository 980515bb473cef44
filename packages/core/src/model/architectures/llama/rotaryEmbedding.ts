import * as tf from '@tensorflow/tfjs-core';

/**
 * Unscaled rotary position embedding as Hugging Face's LLaMA applies it: x·cos + rotate_half(x)·sin,
 * where rotate_half turns the first half of each head's features against the second (not
 * interleaved pairs). The tables are made once per model for positions 0…contextLength − 1.
 */
export class RotaryEmbedding {
  /** `[contextLength, headDim]`: cos and sin of each position's angles, the frequencies repeated for both halves. */
  private readonly cos: tf.Tensor2D;
  private readonly sin: tf.Tensor2D;
  /** `[headDim, headDim]` with x·R = rotate_half(x) = [−x₂, x₁]. */
  private readonly rotation: tf.Tensor2D;

  constructor(
    private readonly headDim: number,
    theta: number,
    private readonly contextLength: number
  ) {
    const half = headDim / 2;
    // Hugging Face computes the frequencies and the angles in float32; rounding each step the same
    // way keeps long positions (where float32 angles lose digits) on the reference's values.
    const inverseFrequencies = Array.from({ length: half }, (_, i) =>
      Math.fround(1 / Math.fround(theta ** Math.fround((2 * i) / headDim)))
    );
    const cos = new Float32Array(contextLength * headDim);
    const sin = new Float32Array(contextLength * headDim);
    for (let position = 0; position < contextLength; position++) {
      for (let i = 0; i < half; i++) {
        const angle = Math.fround(position * (inverseFrequencies[i] as number));
        for (const column of [i, i + half]) {
          cos[position * headDim + column] = Math.cos(angle);
          sin[position * headDim + column] = Math.sin(angle);
        }
      }
    }
    this.cos = tf.tensor2d(cos, [contextLength, headDim]);
    this.sin = tf.tensor2d(sin, [contextLength, headDim]);
    const rotation = new Float32Array(headDim * headDim);
    for (let j = 0; j < half; j++) {
      rotation[(j + half) * headDim + j] = -1;
      rotation[j * headDim + j + half] = 1;
    }
    this.rotation = tf.tensor2d(rotation, [headDim, headDim]);
  }

  /**
   * Rotates `x` `[batch, heads, length, headDim]` by positions 0…length − 1. The half turn is a
   * product with a constant matrix rather than slices and a concatenation, whose gradients the
   * training kernels do not cover.
   */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    const length = x.shape[2];
    const cos = length === this.contextLength ? this.cos : tf.slice(this.cos, [0, 0], [length, this.headDim]);
    const sin = length === this.contextLength ? this.sin : tf.slice(this.sin, [0, 0], [length, this.headDim]);
    const rotated = tf.reshape(tf.matMul(tf.reshape(x, [-1, this.headDim]), this.rotation), x.shape);
    return tf.add(tf.mul(x, cos), tf.mul(rotated, sin));
  }

  dispose(): void {
    this.cos.dispose();
    this.sin.dispose();
    this.rotation.dispose();
  }
}
