/**
 * Why a decoded update cannot be aggregated, or `undefined` when it can. Checked on the server for
 * every update, so one diverged or malicious client cannot poison the global model.
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
