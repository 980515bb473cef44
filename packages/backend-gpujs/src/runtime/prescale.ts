import { binaryExponent } from './scalars.js';

/**
 * Magnitudes a kernel may square or multiply by each other without leaving float32's range:
 * products stay within 2^±120 and sums of a few thousand of them below 2^127.
 */
const SAFE_EXPONENT = 60;

/** Values ready for a multiplying kernel, and the power of two they were multiplied by. */
export interface Prescaled {
  values: Float32Array;
  /** The values are the input times 2^exponent. */
  exponent: number;
}

/**
 * `x` itself when its largest magnitude (measured on the GPU) lies in [2^-60, 2^60]; otherwise a
 * copy scaled on the host by the power of two that brings it to about 1. Scaling by a power of two
 * is exact in float64, and it turns subnormals (which GPUs read as zero) into normal numbers. A
 * largest magnitude of 0 may hide subnormals, so it is scaled as well.
 */
export function prescale(x: Float32Array, largest: number): Prescaled {
  if (largest >= 2 ** -SAFE_EXPONENT && largest <= 2 ** SAFE_EXPONENT) return { values: x, exponent: 0 };
  const exponent = largest === 0 ? 100 : -binaryExponent(largest);
  const factor = 2 ** exponent;
  return { values: x.map((value) => value * factor), exponent };
}
