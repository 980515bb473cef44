import { checkDotArguments, checkNormArguments } from '../kernelArgumentChecks.js';

/** Σ x_i·y_i accumulated in float64; see `Backend.dot`. */
export function dot(x: Float32Array, y: Float32Array): number {
  checkDotArguments(x, y);
  return uncheckedDot(x, y);
}

/** Euclidean norm accumulated in float64; see `Backend.norm2`. */
export function norm2(x: Float32Array): number {
  checkNormArguments('norm2', x);
  return Math.sqrt(uncheckedDot(x, x));
}

/** max |x_i|, 0 for an empty vector; see `Backend.normInf`. */
export function normInf(x: Float32Array): number {
  checkNormArguments('normInf', x);
  let largest = 0;
  for (let i = 0; i < x.length; i++) largest = Math.max(largest, Math.abs(x[i]!));
  return largest;
}

/** Σ x_i·y_i in float64 for arguments a kernel has already checked (equal lengths, finite). */
export function uncheckedDot(x: Float32Array, y: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i]! * y[i]!;
  return sum;
}
