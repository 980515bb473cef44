/**
 * R of the thin QR factorisation of an m×n matrix given as its n columns (each of length m), by
 * Householder reflections in float64 (LAPACK's `dgeqr2`/`dlarfg` form). R is min(m, n)×n, upper
 * triangular, row-major; a zero or rank-deficient matrix is fine (its reflections are skipped and
 * R has zero rows). Q is never formed: singular values of a product B·A need only the R factors
 * of B and Aᵀ.
 */
export function upperTriangularFactor(columns: readonly Float64Array[], m: number): Float64Array {
  const n = columns.length;
  const work = columns.map((column) => Float64Array.from(column));
  const p = Math.min(m, n);
  for (let j = 0; j < p; j++) {
    const x = work[j] as Float64Array;
    const norm = scaledNorm(x, j);
    if (norm === 0) continue;
    // H = I − τ·v·vᵀ with v₀ = 1 maps x to β·e_j; β has x_j's opposite sign, so x_j − β never cancels.
    const xj = x[j] as number;
    const beta = xj >= 0 ? -norm : norm;
    const tau = (beta - xj) / beta;
    const v = Float64Array.from({ length: m - j }, (_, i) => (i === 0 ? 1 : (x[j + i] as number) / (xj - beta)));
    for (let k = j; k < n; k++) {
      const column = work[k] as Float64Array;
      let dot = 0;
      for (let i = 0; i < v.length; i++) dot += (v[i] as number) * (column[j + i] as number);
      for (let i = 0; i < v.length; i++) column[j + i] = (column[j + i] as number) - tau * (v[i] as number) * dot;
    }
  }
  const r = new Float64Array(p * n);
  for (let i = 0; i < p; i++) {
    for (let k = i; k < n; k++) r[i * n + k] = (work[k] as Float64Array)[i] as number;
  }
  return r;
}

/** ‖x[from:]‖₂, scaled by the largest entry first so that squares neither underflow nor overflow. */
function scaledNorm(x: Float64Array, from: number): number {
  let largest = 0;
  for (let i = from; i < x.length; i++) largest = Math.max(largest, Math.abs(x[i] as number));
  if (largest === 0) return 0;
  let sum = 0;
  for (let i = from; i < x.length; i++) sum += ((x[i] as number) / largest) ** 2;
  return largest * Math.sqrt(sum);
}
