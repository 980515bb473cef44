import { CheckpointError } from '../../errors.js';
import type { SafetensorsContent } from './safetensors.js';

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((dim, i) => dim === b[i]);
}

/**
 * The float values of tensor `key` of a decoded checkpoint, or `undefined` when the checkpoint has
 * no such tensor. A tensor that is present must be floating point (F32, F16 or BF16) and have
 * `shape`; otherwise a {@link CheckpointError} names `source` and the key.
 */
export function optionalFloatTensor(
  content: SafetensorsContent,
  key: string,
  shape: readonly number[],
  source: string
): Float32Array | undefined {
  const tensor = content.tensors.get(key);
  if (tensor === undefined) return undefined;
  if (!(tensor.data instanceof Float32Array)) {
    throw new CheckpointError(
      `${source}: tensor "${key}" has dtype ${tensor.dtype}; a floating-point tensor (F32, F16 or BF16) is expected.`
    );
  }
  if (!sameShape(tensor.shape, shape)) {
    throw new CheckpointError(
      `${source}: tensor "${key}" has shape [${tensor.shape.join(', ')}] but [${shape.join(
        ', '
      )}] is expected; the checkpoint was made for another model or configuration.`
    );
  }
  return tensor.data;
}

/** Like {@link optionalFloatTensor}, but a missing tensor is a {@link CheckpointError} too. */
export function requireFloatTensor(
  content: SafetensorsContent,
  key: string,
  shape: readonly number[],
  source: string
): Float32Array {
  const values = optionalFloatTensor(content, key, shape, source);
  if (values === undefined) {
    throw new CheckpointError(
      `${source}: tensor "${key}" is missing; the checkpoint was made for another model or configuration.`
    );
  }
  return values;
}

/** Throws a {@link CheckpointError} naming the first tensor of `content` that is not in `expected`. */
export function rejectUnexpectedTensors(
  content: SafetensorsContent,
  expected: ReadonlySet<string>,
  source: string
): void {
  for (const key of content.tensors.keys()) {
    if (!expected.has(key)) {
      throw new CheckpointError(
        `${source}: tensor "${key}" is not part of the expected layout; the checkpoint was made for another model or configuration.`
      );
    }
  }
}
