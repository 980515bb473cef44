/**
 * Primitive checks every backend runs on its arguments before computing, so that a wrong call
 * fails with the same error class and message whichever backend it reaches. Each message starts
 * with the kernel's name, names the argument, says what was expected and how to fix it.
 *
 * Error classes: a length or dimension that does not fit is a `ShapeError`; NaN or ±Infinity is a
 * `NonFiniteError`; an integer option outside its range is a `ConfigError`; a decoded value that
 * cannot have come from the matching encoder is a `PayloadError`.
 */
import { ConfigError, NonFiniteError, PayloadError, ShapeError } from '../errors.js';

const FINITE_INPUT_FIX =
  "kernel inputs must be finite — check the client's training for divergence (lower the learning rate or clip gradients)";

/**
 * Index of the first NaN or ±Infinity in `values`, or −1 when all are finite. Typed to
 * `Float32Array` alone so the loop stays monomorphic: it runs over every vector a kernel receives.
 */
export function firstNonFiniteIndex(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) return i;
  }
  return -1;
}

/** Throws `NonFiniteError` naming the first NaN or ±Infinity of `values`, e.g. `axpy: x[17] is NaN; …`. */
export function requireFiniteValues(kernel: string, argument: string, values: Float32Array): void {
  const index = firstNonFiniteIndex(values);
  if (index >= 0) throw nonFiniteError(kernel, `${argument}[${index}]`, values[index]);
}

/** {@link requireFiniteValues} for a short list of plain numbers (weights). */
export function requireFiniteNumbers(kernel: string, argument: string, values: readonly number[]): void {
  const index = values.findIndex((value) => !Number.isFinite(value));
  if (index >= 0) throw nonFiniteError(kernel, `${argument}[${index}]`, values[index]);
}

/** Throws `NonFiniteError` when the scalar `value` is NaN or ±Infinity. */
export function requireFiniteScalar(kernel: string, argument: string, value: number): void {
  if (!Number.isFinite(value)) throw nonFiniteError(kernel, argument, value);
}

function nonFiniteError(kernel: string, label: string, value: number | undefined): NonFiniteError {
  return new NonFiniteError(`${kernel}: ${label} is ${String(value)}; ${FINITE_INPUT_FIX}`);
}

/** Throws `ShapeError` unless `value` is a non-negative integer (a matrix or vector dimension). */
export function requireDimension(kernel: string, argument: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ShapeError(`${kernel}: ${argument} is ${String(value)}; dimensions must be non-negative integers`);
  }
}

/** Throws `ShapeError` unless `actual` equals `expected`; `fix` tells the caller what to pass instead. */
export function requireLength(kernel: string, argument: string, actual: number, expected: number, fix: string): void {
  if (actual !== expected) {
    throw new ShapeError(`${kernel}: ${argument} has length ${actual}, expected ${expected}; ${fix}`);
  }
}

/** Throws `ConfigError` unless `value` is an integer in `min..max` (inclusive). */
export function requireIntegerInRange(
  kernel: string,
  argument: string,
  value: number,
  min: number,
  max: number,
  fix: string
): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`${kernel}: ${argument} is ${String(value)}, expected an integer in ${min}..${max}; ${fix}`);
  }
}

/**
 * Index of the first entry outside `lowest..highest` (inclusive), or −1. A plain loop rather than
 * `findIndex`, which calls back per element and is several times slower on 10^7-element vectors.
 */
export function firstIndexOutside(values: ArrayLike<number>, lowest: number, highest: number): number {
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (value < lowest || value > highest) return i;
  }
  return -1;
}

/** Throws `PayloadError` when a decoded scalar that can only be ≥ 0 (a norm, a radius) is negative. */
export function requireNonNegativeDecoded(kernel: string, argument: string, value: number): void {
  if (value < 0) {
    throw new PayloadError(
      `${kernel}: ${argument} is ${value}, but an encoder never produces a negative ${argument}; the payload is corrupt`
    );
  }
}
