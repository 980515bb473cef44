/**
 * Assertions of the conformance kit. Each throws an Error naming the kernel, the first offending
 * index and the numbers involved, so a fast-check counterexample reads on its own.
 */
import type { Expectation } from './tolerances.js';
import { MAX_FLOAT32 } from './values.js';

/** A backend's float output, or a scalar result. */
export type FloatResult = ArrayLike<number> | number;

/**
 * Checks `actual` against the exact value and against the reference's result: both within the
 * bound. The reference's own output must be within the bound as well, so a wrong oracle fails too.
 * Where the exact value, give or take the bound, lies beyond float32's range, the float32 result
 * ±Infinity (of the exact value's sign) is accepted.
 */
export function assertWithinTolerance(
  kernel: string,
  actual: FloatResult,
  reference: FloatResult,
  expectation: Expectation
): void {
  const actualValues = asArray(actual);
  const referenceValues = asArray(reference);
  const { exact, bound } = expectation;
  if (actualValues.length !== exact.length) {
    throw new Error(`${kernel}: output has length ${actualValues.length}, expected ${exact.length}`);
  }
  for (let i = 0; i < exact.length; i++) {
    const limit = bound[i]!;
    const value = actualValues[i]!;
    const referenceValue = referenceValues[i]!;
    if (!nearExact(referenceValue, exact[i]!, limit)) {
      throw new Error(`${kernel}[${i}]: the reference gives ${referenceValue}, exact ${exact[i]}, allowed ±${limit}`);
    }
    const nearReference =
      Math.abs(value - referenceValue) <= limit ||
      overflows(value, exact[i]!, limit) ||
      overflows(referenceValue, exact[i]!, limit);
    if (!nearExact(value, exact[i]!, limit) || !nearReference) {
      throw new Error(
        `${kernel}[${i}]: got ${value}, reference ${referenceValue}, exact ${exact[i]}, allowed ±${limit}`
      );
    }
  }
}

/** Checks that two integer outputs are identical element by element. */
export function assertIdentical(kernel: string, actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  if (actual.length !== expected.length) {
    throw new Error(`${kernel}: output has length ${actual.length}, expected ${expected.length}`);
  }
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      throw new Error(`${kernel}[${i}]: got ${actual[i]}, the reference gives ${expected[i]}`);
    }
  }
}

/** Checks a condition of the contract, with a message saying which. */
export function assertContract(kernel: string, holds: boolean, what: () => string): void {
  if (!holds) throw new Error(`${kernel}: ${what()}`);
}

/** What a call threw: its class name and message, or undefined when it returned. */
export interface ThrownError {
  name: string;
  message: string;
}

/** Runs `call` and reports what it threw. */
export function thrownBy(call: () => unknown): ThrownError | undefined {
  try {
    call();
    return undefined;
  } catch (error) {
    return error instanceof Error
      ? { name: error.constructor.name, message: error.message }
      : { name: typeof error, message: String(error) };
  }
}

/**
 * Checks that the backend throws exactly what the reference throws (class and message), and that
 * the reference does throw: the case is a bad call.
 */
export function assertSameError(kernel: string, onBackend: () => unknown, onReference: () => unknown): void {
  const expected = thrownBy(onReference);
  if (expected === undefined) throw new Error(`${kernel}: the reference accepted a call the test meant to be invalid`);
  const actual = thrownBy(onBackend);
  if (actual === undefined)
    throw new Error(`${kernel}: returned normally; the reference throws ${expected.name}: ${expected.message}`);
  if (actual.name !== expected.name || actual.message !== expected.message) {
    throw new Error(
      `${kernel}: threw ${actual.name}: ${actual.message}\nthe reference throws ${expected.name}: ${expected.message}`
    );
  }
}

function nearExact(value: number, exact: number, bound: number): boolean {
  return Math.abs(value - exact) <= bound || overflows(value, exact, bound);
}

/** `value` is the float32 overflow of `exact`: ±Infinity where exact ± bound reaches float32's largest value. */
function overflows(value: number, exact: number, bound: number): boolean {
  return value === Math.sign(exact) * Number.POSITIVE_INFINITY && Math.abs(exact) + bound >= MAX_FLOAT32;
}

function asArray(result: FloatResult): ArrayLike<number> {
  return typeof result === 'number' ? [result] : result;
}
