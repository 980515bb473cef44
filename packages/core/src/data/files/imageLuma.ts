/** ITU-R BT.601 luma weights of red, green and blue: the grey an RGB colour becomes. */
export const BT601_LUMA_WEIGHTS = [0.299, 0.587, 0.114] as const;

const [RED, GREEN, BLUE] = BT601_LUMA_WEIGHTS;

/**
 * Grey levels in [0, 255] of `pixelCount` RGBA pixels whose samples run from 0 to `maxSample`
 * (255 for 8-bit images, 65535 for 16-bit ones): Y = 0.299·R + 0.587·G + 0.114·B, composited over
 * black (Y·A/max), scaled to 8 bits. The weights apply to the stored, gamma-encoded samples, as
 * most image tools do, not to linear light. Values stay fractional so a resize rounds only once.
 */
export function lumaOverBlack(rgba: ArrayLike<number>, pixelCount: number, maxSample: number): Float32Array {
  // One `maxSample` brings alpha to [0, 1], the other brings the colour to [0, 1] before × 255.
  const scale = 255 / (maxSample * maxSample);
  const luma = new Float32Array(pixelCount);
  for (let p = 0, i = 0; p < pixelCount; p++, i += 4) {
    const y = RED * rgba[i]! + GREEN * rgba[i + 1]! + BLUE * rgba[i + 2]!;
    luma[p] = y * rgba[i + 3]! * scale;
  }
  return luma;
}
