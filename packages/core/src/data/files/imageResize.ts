/** A single-channel image: `rows × cols` values, row-major. */
export interface GreyImage {
  rows: number;
  cols: number;
  values: Float32Array;
}

/**
 * `image` resized to `rows × cols` by bilinear interpolation with pixel centres at half-integers:
 * output pixel i samples the input at (i + 0.5)·in/out − 0.5, clamped to the first and last pixel
 * centres. This is PyTorch's `interpolate(mode='bilinear', align_corners=False)` and OpenCV's
 * `INTER_LINEAR`; like them it does not low-pass filter first, so shrinking by much more than 2×
 * samples the image rather than averaging it (PIL's `resize` does average).
 */
export function resizeBilinear(image: GreyImage, rows: number, cols: number): GreyImage {
  if (image.rows === rows && image.cols === cols) return image;
  const ys = samplePositions(image.rows, rows);
  const xs = samplePositions(image.cols, cols);
  const values = new Float32Array(rows * cols);
  const source = image.values;
  for (let r = 0; r < rows; r++) {
    const { low: y0, high: y1, weight: wy } = ys[r]!;
    const top = y0 * image.cols;
    const bottom = y1 * image.cols;
    for (let c = 0; c < cols; c++) {
      const { low: x0, high: x1, weight: wx } = xs[c]!;
      const above = source[top + x0]! + wx * (source[top + x1]! - source[top + x0]!);
      const below = source[bottom + x0]! + wx * (source[bottom + x1]! - source[bottom + x0]!);
      values[r * cols + c] = above + wy * (below - above);
    }
  }
  return { rows, cols, values };
}

interface SamplePosition {
  /** The input pixel at or before the sample position. */
  low: number;
  /** The next input pixel, or `low` again at the last one. */
  high: number;
  /** How far the position lies from `low` towards `high`, in [0, 1). */
  weight: number;
}

/** Where each of `outSize` output pixels samples an axis of `inSize` input pixels. */
function samplePositions(inSize: number, outSize: number): SamplePosition[] {
  const scale = inSize / outSize;
  return Array.from({ length: outSize }, (_, i) => {
    const position = Math.min(Math.max((i + 0.5) * scale - 0.5, 0), inSize - 1);
    const low = Math.floor(position);
    return { low, high: Math.min(low + 1, inSize - 1), weight: position - low };
  });
}
