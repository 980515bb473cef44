/**
 * Host-side preparation of scalars for float32 shaders. Every kernel multiplies a value by at most
 * one host-supplied factor: GPU compilers may regroup a chain of multiplications (Mesa's does),
 * so splitting a factor over two multiplications would not keep its parts apart. A factor must
 * therefore be a normal float32 on its own; GPUs may flush subnormals to zero.
 */

/** Smallest positive normal float32, 2^-126; below it GPUs may read values as zero. */
export const MIN_NORMAL_FLOAT32 = 2 ** -126;

/** Largest finite float32. */
export const MAX_FLOAT32 = (2 - 2 ** -23) * 2 ** 127;

/** Largest factor handed to a shader: 2^127 leaves headroom below float32's range. */
const MAX_GPU_FACTOR = 2 ** 127;

/**
 * The float32 a shader multiplies by for the float64 `factor`, or undefined when float32 cannot
 * carry it as one normal number (|factor| below 2^-126 or above 2^127); 0 stays 0.
 */
export function gpuFactor(factor: number): number | undefined {
  if (factor === 0) return 0;
  const magnitude = Math.abs(factor);
  return magnitude >= MIN_NORMAL_FLOAT32 && magnitude <= MAX_GPU_FACTOR ? Math.fround(factor) : undefined;
}

/** e with 2^e ≤ |value| < 2^(e+1), for a finite non-zero float64. */
export function binaryExponent(value: number): number {
  const magnitude = Math.abs(value);
  let exponent = Math.floor(Math.log2(magnitude));
  // log2 rounds; nudge until the power of two brackets the value exactly.
  while (2 ** exponent > magnitude) exponent--;
  while (2 ** (exponent + 1) <= magnitude) exponent++;
  return exponent;
}

/**
 * The smallest float32 ≥ `value` (a finite positive float64): for every float32 x,
 * x ≥ value exactly when x ≥ float32AtLeast(value). Infinity when value exceeds float32's range.
 */
export function float32AtLeast(value: number): number {
  const rounded = Math.fround(value);
  if (rounded >= value) return rounded;
  const bits = new Uint32Array(Float32Array.of(rounded).buffer);
  bits[0]! += 1;
  return new Float32Array(bits.buffer)[0]!;
}
