import type { ParameterSpec } from '../../contracts/adapter.js';
import { ConfigError, ShapeError } from '../../errors.js';
import { indexLayout } from './parameterLayout.js';

/**
 * Where a smaller adapter's flat vector sits inside a larger one's, HeteroFL-style: every tensor of
 * `sub` is the leading block of the same-named tensor of `full` (rows < r of a `lora_A [r, in]`,
 * columns < r of a `lora_B [out, r]`, a head of equal shape whole). Returns, for each value of the
 * sub vector in order, its index in the full vector.
 */
export function nestedSliceIndices(full: readonly ParameterSpec[], sub: readonly ParameterSpec[]): Uint32Array {
  const fullLayout = indexLayout(full);
  const subLayout = indexLayout(sub);
  const indices = new Uint32Array(subLayout.size);
  let next = 0;
  for (const { spec } of subLayout.slots) {
    const outer = fullLayout.byName.get(spec.name);
    if (outer === undefined) {
      throw new ConfigError(
        `The rank-sliced adapter has tensor "${spec.name}", which the full adapter lacks; heterogeneous ranks need adapters whose tensors share names.`
      );
    }
    const outerShape = outer.spec.shape;
    if (outerShape.length !== spec.shape.length || spec.shape.some((dim, axis) => dim > (outerShape[axis] as number))) {
      throw new ConfigError(
        `Tensor "${spec.name}" is [${spec.shape.join(', ')}] in the sliced adapter but [${outerShape.join(
          ', '
        )}] in the full one; a slice must fit inside the full tensor (client ranks at most adapter.rank).`
      );
    }
    next = writeLeadingBlock(indices, next, spec.shape, outerShape, outer.offset);
  }
  return indices;
}

/** Appends the full-vector indices of the leading `shape` block of a row-major `outerShape` tensor. */
function writeLeadingBlock(
  indices: Uint32Array,
  start: number,
  shape: readonly number[],
  outerShape: readonly number[],
  offset: number
): number {
  // Row-major strides of the outer tensor: the block's element (i0, i1, …) lies at Σ i_k·stride_k.
  const strides = outerShape.map((_, axis) => outerShape.slice(axis + 1).reduce((a, b) => a * b, 1));
  const count = shape.reduce((a, b) => a * b, 1);
  const position = new Array<number>(shape.length).fill(0);
  for (let n = 0; n < count; n++) {
    let index = offset;
    for (let axis = 0; axis < shape.length; axis++) index += (position[axis] as number) * (strides[axis] as number);
    indices[start + n] = index;
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      position[axis] = (position[axis] as number) + 1;
      if ((position[axis] as number) < (shape[axis] as number)) break;
      position[axis] = 0;
    }
  }
  return start + count;
}

/** The values of `full` at `indices` (a client's slice of the global vector). */
export function gatherSlice(full: Float32Array, indices: Uint32Array): Float32Array {
  const out = new Float32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i] as number;
    if (index >= full.length) {
      throw new ShapeError(`Slice index ${index} is past the vector's ${full.length} values; build the slice for this layout.`);
    }
    out[i] = full[index] as number;
  }
  return out;
}

/** A full-length vector holding `values` at `indices` and zero elsewhere (a slice's update, embedded). */
export function scatterSlice(values: Float32Array, indices: Uint32Array, length: number): Float32Array {
  if (values.length !== indices.length) {
    throw new ShapeError(`A slice of ${indices.length} values got ${values.length}; pass the vector of that slice.`);
  }
  const out = new Float32Array(length);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i] as number;
    if (index >= length) {
      throw new ShapeError(`Slice index ${index} is past the vector's ${length} values; build the slice for this layout.`);
    }
    out[index] = values[i] as number;
  }
  return out;
}
