import { checkMagnitudeMaskArguments, checkMaskedApplyArguments } from '../kernelArgumentChecks.js';

/** 1 where |x_i| ≥ threshold, else 0; see `Backend.magnitudeMask`. */
export function magnitudeMask(x: Float32Array, threshold: number): Uint8Array {
  checkMagnitudeMaskArguments(x, threshold);
  const mask = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) mask[i] = Math.abs(x[i]!) >= threshold ? 1 : 0;
  return mask;
}

/** x_i where mask_i = 1, else 0 (any other mask value also gives 0); see `Backend.maskedApply`. */
export function maskedApply(x: Float32Array, mask: Uint8Array): Float32Array {
  checkMaskedApplyArguments(x, mask);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = mask[i] === 1 ? x[i]! : 0;
  return out;
}
