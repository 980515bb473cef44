import type { GridCodes } from '../../contracts/backend.js';
import { checkGridDequantizeArguments, checkGridQuantizeArguments } from '../kernelArgumentChecks.js';

/**
 * The LAQ/AQUILA grid quantiser; see `Backend.gridQuantize`. R = ‖x − center‖∞ and the grid has
 * 2^bits points spaced 2τR = 2R/(2^bits − 1) apart from center − R to center + R; each code is the
 * nearest point, code_i = floor((x_i − center_i + R + τR)/(2τR)) clamped to [0, 2^bits − 1], computed
 * in float64. When R = 0 every code is 0 (and dequantisation returns center exactly).
 */
export function gridQuantize(x: Float32Array, center: Float32Array, bits: number): GridCodes {
  checkGridQuantizeArguments(x, center, bits);
  let radius = 0;
  for (let i = 0; i < x.length; i++) radius = Math.max(radius, Math.abs(x[i]! - center[i]!));
  const codes = new Uint32Array(x.length);
  if (radius === 0) return { radius, codes };
  const largestCode = 2 ** bits - 1;
  const spacing = gridSpacing(radius, bits);
  for (let i = 0; i < x.length; i++) {
    const offset = x[i]! - center[i]! + radius;
    // Rounding can only carry the extreme points a hair outside 0..largestCode; the clamp keeps
    // them on the grid.
    codes[i] = Math.min(largestCode, Math.max(0, Math.floor((offset + spacing / 2) / spacing)));
  }
  return { radius, codes };
}

/** center_i − R + 2τR·code_i; see `Backend.gridDequantize`. */
export function gridDequantize(codes: GridCodes, center: Float32Array, bits: number): Float32Array {
  checkGridDequantizeArguments(codes, center, bits);
  const spacing = gridSpacing(codes.radius, bits);
  const out = new Float32Array(center.length);
  for (let i = 0; i < out.length; i++) out[i] = center[i]! - codes.radius + spacing * codes.codes[i]!;
  return out;
}

/** 2τR, the distance between neighbouring grid points: 2R/(2^bits − 1). */
function gridSpacing(radius: number, bits: number): number {
  return (2 * radius) / (2 ** bits - 1);
}
