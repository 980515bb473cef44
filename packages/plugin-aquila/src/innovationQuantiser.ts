import type { Backend } from '@fedtune/core';

/** The narrowest bit width per coordinate: AQUILA's lower clamp. */
export const MIN_BITS = 1;
/** The widest bit width per coordinate: AQUILA's upper clamp, and the most a grid payload carries. */
export const MAX_BITS = 16;

/**
 * How many bits per coordinate an upload uses: `'aquila'` picks b* from the innovation each time,
 * a number fixes it (LAQ).
 */
export type BitWidthRule = 'aquila' | number;

/**
 * AQUILA's quantisation level from the innovation's norms:
 * b* = ⌊log₂(R·√d / ‖g − q‖₂ + 1)⌋ with R = ‖g − q‖∞, clamped to [1, 16]. R·√d ≥ ‖·‖₂ always, so
 * the unclamped value is already at least 1; the clamp only bites for d > 2³².
 */
export function aquilaBits(radius: number, norm2: number, length: number): number {
  if (norm2 === 0) return MIN_BITS;
  const bits = Math.floor(Math.log2((radius * Math.sqrt(length)) / norm2 + 1));
  return Math.min(MAX_BITS, Math.max(MIN_BITS, bits));
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
  const bits = rule === 'aquila' ? bitsForInnovation(backend, update, lastUpload) : rule;
  const grid = backend.gridQuantize(update, lastUpload, bits);
  // The receiver only ever sees R as fp32; the sender dequantises with that same R so the two
  // copies of q_m stay bit-identical.
  const radius = Math.fround(grid.radius);
  const quantised = backend.gridDequantize({ radius, codes: grid.codes }, lastUpload, bits);
  return { bits, radius, codes: grid.codes, quantised };
}

function bitsForInnovation(backend: Backend, update: Float32Array, lastUpload: Float32Array): number {
  const innovation = backend.axpy(-1, lastUpload, update);
  return aquilaBits(backend.normInf(innovation), backend.norm2(innovation), innovation.length);
}
