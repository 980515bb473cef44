/**
 * Widening of 16-bit floats to float32. Both conversions are exact: every F16 and BF16 value is
 * representable in float32.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary16 bits → the float32 number it encodes. */
export function float16ToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** bfloat16 bits → the float32 number it encodes (bfloat16 is the upper half of a float32). */
export function bfloat16ToFloat32(bits: number): number {
  u32[0] = (bits & 0xffff) << 16;
  return f32[0] as number;
}
