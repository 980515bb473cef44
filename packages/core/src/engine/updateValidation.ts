/**
 * Why a decoded update cannot be aggregated — the wrong length, or NaN or ±Infinity anywhere — or
 * `undefined` when it can. Checked on the server for every update. A finite update can still be
 * huge (every value 3.4e38 passes here) and would destroy the model just as surely: bounding its
 * size is the update screen's job (`RoundScreen`), which runs next, on by default.
 */
export function findUpdateProblem(update: Float32Array, expectedLength: number): string | undefined {
  if (update.length !== expectedLength) {
    return `has ${update.length} values, the model has ${expectedLength}`;
  }
  for (let i = 0; i < update.length; i++) {
    const value = update[i] as number;
    if (!Number.isFinite(value)) return `holds ${value} at index ${i}`;
  }
  return undefined;
}
