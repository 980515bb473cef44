import type { Backend } from '@fedtune/core';

/** The narrowest bit width per coordinate: AQUILA's lower clamp. */
export const MIN_BITS = 1;
/** The widest bit width per coordinate: AQUILA's upper clamp, and the most a grid payload carries. */
export const MAX_BITS = 16;

/**
 * How many bits per coordinate an upload uses, given its innovation x = g − q_m:
 * - a number: that many, always (LAQ);
 * - `'bStar'`: AQUILA's b* ({@link aquilaBits});
 * - `'bStarPlusOne'`: b* + 1, the smallest width whose worst-case error τR√d is below ‖x‖₂;
 * - `{ maxRelativeError: ρ }`: the smallest width whose quantisation error ‖Q(g) − g‖₂ is at most
 *   ρ·‖x‖₂, measured on this very upload (16 when even 16 bits cannot reach it).
 */
export type BitWidthRule = number | 'bStar' | 'bStarPlusOne' | { readonly maxRelativeError: number };

/**
 * AQUILA's quantisation level from the innovation's norms:
 * b* = ⌊log₂(R·√d / ‖g − q‖₂ + 1)⌋ with R = ‖g − q‖∞, clamped to [1, 16]. R·√d ≥ ‖·‖₂ always, so
 * the unclamped value is already at least 1; the clamp only bites for d > 2³².
 *
 * b* is the widest b whose worst-case error bound τR√d (τ = 1/(2^b − 1)) is still at least ‖g − q‖₂:
 * the grid's half-spacing τR is then no smaller than the innovation's root mean square, and the
 * grid has no point at its centre, so small entries are sent as ±τR.
 */
export function aquilaBits(radius: number, norm2: number, length: number): number {
  if (norm2 === 0) return MIN_BITS;
  const bits = Math.floor(Math.log2((radius * Math.sqrt(length)) / norm2 + 1));
  return clampBits(bits);
}

/** One upload quantised on the grid centred on the client's last upload. */
export interface InnovationQuantisation {
  bits: number;
  /** R exactly as it goes on the wire (fp32), so both sides dequantise identically. */
  radius: number;
  codes: Uint32Array;
  /** The dequantised upload: the next "last upload" q_m on both sides of the wire. */
  quantised: Float32Array;
}

/**
 * Quantises `update` on the LAQ/AQUILA grid centred on `lastUpload` (the backend's `gridQuantize`),
 * with the bit width `rule` gives. The compressor sends this and the skip rules judge this, so both
 * call it to stay consistent.
 */
export function quantiseInnovation(
  backend: Backend,
  update: Float32Array,
  lastUpload: Float32Array,
  rule: BitWidthRule,
): InnovationQuantisation {
  if (typeof rule === 'number') return quantiseAt(backend, update, lastUpload, rule);
  const innovation = backend.axpy(-1, lastUpload, update);
  const innovationNorm = backend.norm2(innovation);
  const bStar = aquilaBits(backend.normInf(innovation), innovationNorm, innovation.length);
  if (rule === 'bStar') return quantiseAt(backend, update, lastUpload, bStar);
  if (rule === 'bStarPlusOne') return quantiseAt(backend, update, lastUpload, clampBits(bStar + 1));
  return quantiseWithinRelativeError(backend, update, lastUpload, innovationNorm, rule.maxRelativeError);
}

/**
 * The smallest width whose measured error ‖Q(g) − g‖₂ is at most ρ·‖g − q‖₂. The error is
 * measured rather than bounded because the worst case τR√d is far above the typical error once b
 * exceeds b*; a handful of O(d) quantisations per upload is cheap beside local training.
 */
function quantiseWithinRelativeError(
  backend: Backend,
  update: Float32Array,
  lastUpload: Float32Array,
  innovationNorm: number,
  maxRelativeError: number,
): InnovationQuantisation {
  for (let bits = MIN_BITS; ; bits++) {
    const quantisation = quantiseAt(backend, update, lastUpload, bits);
    const error = backend.norm2(backend.axpy(-1, update, quantisation.quantised));
    if (bits === MAX_BITS || error <= maxRelativeError * innovationNorm) return quantisation;
  }
}

function quantiseAt(backend: Backend, update: Float32Array, lastUpload: Float32Array, bits: number): InnovationQuantisation {
  const grid = backend.gridQuantize(update, lastUpload, bits);
  // The receiver only ever sees R as fp32; the sender dequantises with that same R so the two
  // copies of q_m stay bit-identical.
  const radius = Math.fround(grid.radius);
  const quantised = backend.gridDequantize({ radius, codes: grid.codes }, lastUpload, bits);
  return { bits, radius, codes: grid.codes, quantised };
}

function clampBits(bits: number): number {
  return Math.min(MAX_BITS, Math.max(MIN_BITS, bits));
}
