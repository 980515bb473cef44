import type * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '../../errors.js';

/** Trainable tensor `name` from an adapter's parameter map; a {@link ShapeError} when it is absent. */
export function paramTensor<T extends tf.Tensor>(params: ReadonlyMap<string, tf.Tensor>, name: string): T {
  const tensor = params.get(name);
  if (tensor === undefined) {
    throw new ShapeError(
      `Trainable tensor "${name}" is missing from the parameter map; build the map from this adapter's layout.`
    );
  }
  return tensor as T;
}
