/** Sweeps after which one-sided Jacobi stops even if not every column pair is orthogonal yet. */
const MAX_SWEEPS = 60;
/** Column pairs whose cosine is below this count as orthogonal (about float64's precision). */
const ORTHOGONALITY_TOLERANCE = 1e-15;

/**
 * Singular values of an m×n row-major matrix, largest first (min(m, n) of them), by one-sided
 * Jacobi (Hestenes) rotations in float64: columns are rotated pairwise until all are orthogonal,
 * and their norms are then the singular values. Accurate to working precision even for tiny
 * singular values, and cheap for the r×r matrices LoRA's metrics need.
 */
export function singularValues(matrix: ArrayLike<number>, m: number, n: number): Float64Array {
  // Rotating the shorter side's vectors keeps the work at min(m, n)² pairs.
  const transposed = n > m;
  const count = transposed ? m : n;
  const length = transposed ? n : m;
  const columns = Array.from({ length: count }, (_, c) =>
    Float64Array.from({ length }, (_, i) => (transposed ? matrix[c * n + i] : matrix[i * n + c]) as number)
  );
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < count - 1; p++) {
      for (let q = p + 1; q < count; q++) {
        rotated = rotatePair(columns[p] as Float64Array, columns[q] as Float64Array) || rotated;
      }
    }
    if (!rotated) break;
  }
  const values = columns.map((column) => Math.sqrt(column.reduce((sum, value) => sum + value * value, 0)));
  return Float64Array.from(values.sort((a, b) => b - a));
}

/** Rotates columns u and v so that they become orthogonal; false when they already are. */
function rotatePair(u: Float64Array, v: Float64Array): boolean {
  let alpha = 0;
  let beta = 0;
  let gamma = 0;
  for (let i = 0; i < u.length; i++) {
    const a = u[i] as number;
    const b = v[i] as number;
    alpha += a * a;
    beta += b * b;
    gamma += a * b;
  }
  if (gamma === 0 || Math.abs(gamma) <= ORTHOGONALITY_TOLERANCE * Math.sqrt(alpha * beta)) return false;
  // The rotation angle that zeroes the pair's inner product (Golub & Van Loan, §8.6.3).
  const zeta = (beta - alpha) / (2 * gamma);
  const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
  const c = 1 / Math.sqrt(1 + t * t);
  const s = c * t;
  for (let i = 0; i < u.length; i++) {
    const a = u[i] as number;
    const b = v[i] as number;
    u[i] = c * a - s * b;
    v[i] = s * a + c * b;
  }
  return true;
}
