import type { ParameterSpec } from '../../contracts/adapter.js';
import { ShapeError } from '../../errors.js';

/** Where one tensor of a flat parameter vector lies. */
export interface LayoutSlot {
  spec: ParameterSpec;
  offset: number;
  size: number;
}

/** A layout with every tensor's offset in the flat vector. */
export interface IndexedLayout {
  slots: LayoutSlot[];
  byName: Map<string, LayoutSlot>;
  /** Length of the flat vector. */
  size: number;
}

/** Offsets of each tensor of `layout` in the flat vector (their concatenation in order). */
export function indexLayout(layout: readonly ParameterSpec[]): IndexedLayout {
  const slots: LayoutSlot[] = [];
  let offset = 0;
  for (const spec of layout) {
    const size = spec.shape.reduce((product, dim) => product * dim, 1);
    slots.push({ spec, offset, size });
    offset += size;
  }
  return { slots, byName: new Map(slots.map((slot) => [slot.spec.name, slot])), size: offset };
}

/** Throws a {@link ShapeError} naming `what` unless the flat vector has the layout's length. */
export function checkFlatLength(flat: Float32Array, layout: IndexedLayout, what: string): void {
  if (flat.length !== layout.size) {
    throw new ShapeError(
      `${what} has ${flat.length} values but the adapter layout needs ${layout.size}; pass parameters made for this adapter and base model.`
    );
  }
}

/** The values of one tensor of a flat vector (a view, not a copy). */
export function slotValues(flat: Float32Array, slot: LayoutSlot): Float32Array {
  return flat.subarray(slot.offset, slot.offset + slot.size);
}
