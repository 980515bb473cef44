/**
 * How work is split into kernel calls. A call's output is one texture, at most
 * maxTextureSize × maxTextureSize texels; vectors are laid out in 2-D textures by gpu.js and
 * split into several calls past that. Calls are also capped at 2^24 threads so that every index a
 * kernel derives with float arithmetic is an exactly representable float32 integer.
 */

/** A half-open index range [start, end). */
export interface Range {
  start: number;
  end: number;
}

/** Threads one call may run at most, whatever the texture size: 2^24, float32's exact integers. */
export const MAX_THREADS_PER_CALL = 1 << 24;

/** The texture side assumed for engines without textures (gpu.js's wasm and cpu kernels). */
export const NOMINAL_TEXTURE_SIZE = 16384;

/** Threads of one call for a 1-D output, given the texture side in use. */
export function threadsPerCall(textureSize: number): number {
  return Math.min(textureSize * textureSize, MAX_THREADS_PER_CALL);
}

/**
 * Consecutive ranges covering 0..length, each at most `maxLength` long; with `align`, every range
 * but the last has a length that is a multiple of it. An empty length gives no ranges.
 */
export function splitRange(length: number, maxLength: number, align = 1): Range[] {
  const step = Math.max(align, Math.floor(maxLength / align) * align);
  const ranges: Range[] = [];
  for (let start = 0; start < length; start += step) ranges.push({ start, end: Math.min(length, start + step) });
  return ranges;
}
