import { fc } from '@fast-check/vitest';

/** Finite float32 values in ±limit (rounded to float32). */
export function float32Value(limit = 1000): fc.Arbitrary<number> {
  const bound = Math.fround(limit);
  return fc.float({ min: -bound, max: bound, noNaN: true, noDefaultInfinity: true });
}

/** A Float32Array of finite values in ±limit with a length in minLength..maxLength. */
export function float32Vector(minLength: number, maxLength: number, limit = 1000): fc.Arbitrary<Float32Array> {
  return fc.array(float32Value(limit), { minLength, maxLength }).map((values) => Float32Array.from(values));
}

/** A row-major rows×cols matrix of finite values in ±limit. */
export function float32Matrix(rows: number, cols: number, limit = 100): fc.Arbitrary<Float32Array> {
  return float32Vector(rows * cols, rows * cols, limit);
}
