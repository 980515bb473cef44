import type { StochasticCodes } from '../../contracts/backend.js';
import { requireIntegerInRange } from '../boundaryChecks.js';
import {
  checkStochasticDequantizeArguments,
  checkStochasticQuantizeArguments,
  MAX_QSGD_LEVELS,
} from '../kernelArgumentChecks.js';
import { uncheckedDot } from './reductions.js';

/**
 * QSGD quantisation; see `Backend.stochasticQuantize`. With s = levels and p_i = s·|x_i|/‖x‖₂
 * (float64, in that order), |code_i| = floor(p_i) + (uniforms[i] < p_i − floor(p_i) ? 1 : 0) and the
 * sign is x_i's. A zero vector gives norm 0 and all-zero codes.
 */
export function stochasticQuantize(x: Float32Array, levels: number, uniforms: Float32Array): StochasticCodes {
  checkStochasticQuantizeArguments(x, levels, uniforms);
  const norm = Math.sqrt(uncheckedDot(x, x));
  const codes = new Int32Array(x.length);
  if (norm === 0) return { norm, codes };
  for (let i = 0; i < x.length; i++) {
    const value = x[i]!;
    const scaled = (levels * Math.abs(value)) / norm;
    const lower = Math.floor(scaled);
    // scaled ≤ levels in exact arithmetic; the clamp keeps a last-ulp rounding of the ratio from
    // producing a code the dequantiser would reject.
    const magnitude = Math.min(levels, uniforms[i]! < scaled - lower ? lower + 1 : lower);
    codes[i] = value < 0 ? -magnitude : magnitude;
  }
  return { norm, codes };
}

/** norm·code_i/levels; see `Backend.stochasticDequantize`. */
export function stochasticDequantize(codes: StochasticCodes, levels: number): Float32Array {
  checkStochasticDequantizeArguments(codes, levels);
  const out = new Float32Array(codes.codes.length);
  for (let i = 0; i < out.length; i++) out[i] = (codes.norm * codes.codes[i]!) / levels;
  return out;
}

/**
 * Bits one QSGD code takes on the wire as sign + magnitude: 1 + ceil(log2(levels + 1)), the sign
 * bit plus enough bits for magnitudes 0..levels.
 */
export function qsgdBitsPerCode(levels: number): number {
  requireIntegerInRange('qsgdBitsPerCode', 'levels', levels, 1, MAX_QSGD_LEVELS, 'QSGD needs at least one level');
  // ceil(log2(levels + 1)) is the bit length of levels; counting bits avoids log2 rounding.
  return 1 + levels.toString(2).length;
}
