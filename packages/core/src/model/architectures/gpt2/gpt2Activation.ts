import * as tf from '@tensorflow/tfjs-core';
import { gelu } from '../transformerLayers.js';
import type { Gpt2Activation } from './gpt2Config.js';

const INVERSE_SQRT_2 = Math.SQRT1_2;
const INVERSE_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * The exact GELU, ½x(1 + erf(x/√2)) (Hugging Face's `gelu`, PyTorch's default `F.gelu`). tfjs's
 * erf kernels are accurate to about 1.5e-7, but no tfjs package registers an erf gradient, so the
 * derivative ½(1 + erf(x/√2)) + x·φ(x) is given here, built from kernels that have one.
 */
export function geluErf<T extends tf.Tensor>(x: T): T {
  const exact = tf.customGrad((input, save) => {
    const value = input as tf.Tensor;
    (save as tf.GradSaveFunc)([value]);
    return {
      value: tf.mul(tf.mul(value, 0.5), tf.add(tf.erf(tf.mul(value, INVERSE_SQRT_2)), 1)),
      gradFunc: (dy, saved) => {
        const [savedInput] = saved as [tf.Tensor];
        const cumulative = tf.mul(tf.add(tf.erf(tf.mul(savedInput, INVERSE_SQRT_2)), 1), 0.5);
        const density = tf.mul(tf.exp(tf.mul(tf.square(savedInput), -0.5)), INVERSE_SQRT_2PI);
        return tf.mul(dy, tf.add(cumulative, tf.mul(savedInput, density)));
      },
    };
  });
  return exact(x) as T;
}

/** The MLP activation a config.json `activation_function` names. */
export function gpt2ActivationFunction(name: Gpt2Activation): (x: tf.Tensor2D) => tf.Tensor2D {
  switch (name) {
    case 'gelu_new':
    case 'gelu_pytorch_tanh':
      return gelu;
    case 'gelu':
      return geluErf;
  }
}
