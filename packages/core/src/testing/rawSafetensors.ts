/**
 * Safetensors files written byte for byte, for tests that need dtypes fedtune's encoder does not
 * write (F16, BF16, 64-bit ones) or a file laid out exactly as given.
 */

/** A tensor written byte for byte, in any dtype the format names. */
export interface RawTensor {
  dtype: string;
  shape: number[];
  bytes: Uint8Array;
}

/**
 * A safetensors file with the tensors in the given order, end to end, the header padded to 8 bytes
 * (fedtune's encoder writes F32, I32 and U8 only).
 */
export function rawSafetensors(tensors: Record<string, RawTensor>): Uint8Array {
  let offset = 0;
  const header: Record<string, unknown> = {};
  for (const [name, { dtype, shape, bytes }] of Object.entries(tensors)) {
    header[name] = { dtype, shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
  }
  const text = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(text.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset).fill(0x20, 8, 8 + headerLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(text, 8);
  let at = 8 + headerLength;
  for (const { bytes } of Object.values(tensors)) {
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

/** Little-endian bytes of float32 values. */
export function f32Bytes(values: ArrayLike<number>): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

/** Little-endian bytes of 16-bit patterns (F16 or BF16 bits). */
export function u16Bytes(bits: ArrayLike<number>): Uint8Array {
  return new Uint8Array(Uint16Array.from(bits).buffer);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * The IEEE 754 binary16 bits nearest to `value` (ties to even), as PyTorch's `.half()` rounds:
 * too large a magnitude becomes ±Infinity, too small a signed zero, NaN a quiet NaN.
 */
export function float16Bits(value: number): number {
  f32[0] = value;
  const bits = u32[0] as number;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const fraction = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (fraction === 0 ? 0 : 0x200);
  // The binary16 exponent field; the float32 exponent range reaches far beyond its 1–30.
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent >= 1) {
    // Rounding may carry into the exponent, up to Infinity: the bit layout makes that right.
    return sign | roundedShift((halfExponent << 23) | fraction, 13);
  }
  // Subnormal: the significand with its leading 1, in units of 2^-24.
  const shift = 14 - halfExponent;
  return shift > 24 ? sign : sign | roundedShift(fraction | 0x800000, shift);
}

/** `value >> shift`, rounded to nearest, ties to even. */
function roundedShift(value: number, shift: number): number {
  const kept = value >>> shift;
  const rest = value - kept * 2 ** shift;
  const half = 2 ** (shift - 1);
  return rest > half || (rest === half && (kept & 1) === 1) ? kept + 1 : kept;
}
