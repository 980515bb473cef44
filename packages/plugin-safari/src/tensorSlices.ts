import { indexLayout, ShapeError, type ParameterSpec } from '@fedtune/core';

/** Where one tensor lies in a flat vector. */
export interface TensorSlice {
  offset: number;
  size: number;
}

/**
 * The tensors of a flat vector of `length` values: one per layout entry, or the whole vector as one
 * tensor when no layout is known (a context built outside the engine).
 * @throws ShapeError when the layout does not add up to `length`.
 */
export function tensorSlices(layout: readonly ParameterSpec[] | undefined, length: number): TensorSlice[] {
  if (layout === undefined) return [{ offset: 0, size: length }];
  const indexed = indexLayout(layout);
  if (indexed.size !== length) {
    throw new ShapeError(`the adapter layout holds ${indexed.size} values but the update has ${length}`);
  }
  return indexed.slots.map(({ offset, size }) => ({ offset, size }));
}
