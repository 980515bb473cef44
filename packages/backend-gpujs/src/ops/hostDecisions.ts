/**
 * The per-element integer decisions of the quantisers, in float64 and in the reference backend's
 * exact order of operations, for the elements a GPU kernel marked UNDECIDED. The conformance kit
 * holds them identical to the reference.
 */

/** QSGD code of one element: ±min(levels, floor(p) + [u < p − floor(p)]) with p = levels·|value|/norm. */
export function qsgdCode(value: number, levels: number, norm: number, uniform: number): number {
  const scaled = (levels * Math.abs(value)) / norm;
  const lower = Math.floor(scaled);
  const magnitude = Math.min(levels, uniform < scaled - lower ? lower + 1 : lower);
  return value < 0 ? -magnitude : magnitude;
}

/** Grid spacing 2τR = 2R/(2^bits − 1), as the reference computes it. */
export function gridSpacing(radius: number, bits: number): number {
  return (2 * radius) / (2 ** bits - 1);
}

/** Grid code of one element: floor((x − c + R + τR)/(2τR)) clamped to 0..largestCode. */
export function gridCode(value: number, center: number, radius: number, spacing: number, largestCode: number): number {
  const offset = value - center + radius;
  return Math.min(largestCode, Math.max(0, Math.floor((offset + spacing / 2) / spacing)));
}
