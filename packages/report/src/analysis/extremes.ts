/**
 * The largest and smallest of `values` by a loop: `Math.max(...values)` passes every value as an
 * argument and overflows the stack from about 120,000 of them, a few long runs' rounds together.
 * Both give `-Infinity`/`Infinity` for no values, as `Math.max()`/`Math.min()` do.
 */
export function largest(values: readonly number[]): number {
  let found = Number.NEGATIVE_INFINITY;
  for (const value of values) if (value > found) found = value;
  return found;
}

/** See {@link largest}. */
export function smallest(values: readonly number[]): number {
  let found = Number.POSITIVE_INFINITY;
  for (const value of values) if (value < found) found = value;
  return found;
}
