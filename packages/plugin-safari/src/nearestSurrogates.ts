/**
 * SAFARI's surrogate choice: each missing client u is stood in for by π(u) = argmin over received
 * v of distance(u, v), ties to the lowest id. A missing client with no finite distance to anyone
 * received has no surrogate (it never appears in the result).
 * @returns missing id → surrogate id.
 */
export function nearestSurrogates(
  missing: readonly number[],
  received: readonly number[],
  distance: (u: number, v: number) => number,
): Map<number, number> {
  const candidates = [...received].sort((a, b) => a - b);
  const surrogates = new Map<number, number>();
  for (const u of missing) {
    let best: number | undefined;
    let bestDistance = Infinity;
    for (const v of candidates) {
      const d = distance(u, v);
      if (d < bestDistance) {
        best = v;
        bestDistance = d;
      }
    }
    if (best !== undefined) surrogates.set(u, best);
  }
  return surrogates;
}
