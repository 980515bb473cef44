/**
 * Moves kernel arguments and results between Node and a browser page. Playwright passes JSON-like
 * values, so typed arrays travel as tagged plain arrays (which keep −0, subnormals and ±Infinity).
 */

type TypedArrayName = 'Float32Array' | 'Int32Array' | 'Uint32Array' | 'Uint8Array';

/** A value in transit. */
export type Wire = number | boolean | string | null | Wire[] | { [key: string]: Wire };

const CONSTRUCTORS = { Float32Array, Int32Array, Uint32Array, Uint8Array } as const;

/** `value` with its typed arrays replaced by `{ $typed, values }`. */
export function toWire(value: unknown): Wire {
  for (const name of Object.keys(CONSTRUCTORS) as TypedArrayName[]) {
    if (value instanceof CONSTRUCTORS[name]) return { $typed: name, values: Array.from(value as ArrayLike<number>) };
  }
  if (Array.isArray(value)) return value.map(toWire);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, toWire(entry)]));
  }
  return value as Wire;
}

/** The inverse of {@link toWire}. */
export function fromWire(wire: Wire): unknown {
  if (Array.isArray(wire)) return wire.map(fromWire);
  if (typeof wire === 'object' && wire !== null) {
    const typed = wire.$typed;
    if (typeof typed === 'string') return CONSTRUCTORS[typed as TypedArrayName].from(wire.values as number[]);
    return Object.fromEntries(Object.entries(wire).map(([key, entry]) => [key, fromWire(entry)]));
  }
  return wire;
}

/** One kernel call: a Backend method and its arguments. */
export interface KernelCall {
  method: string;
  args: readonly unknown[];
}
